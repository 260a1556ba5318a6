#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import _CryptoExtras

/// The RS256 JWT of Google's service-account JWT-bearer flow (providers.md §1.5): compact JSON
/// header and claims in a fixed key order, base64url without padding, RSASSA-PKCS1-v1_5 over SHA-256.
public enum ServiceAccountJWT {
    public static let cloudPlatformScope = "https://www.googleapis.com/auth/cloud-platform"

    /// `{"alg":"RS256","typ":"JWT","kid":…}` exactly as Google's libraries write it.
    public static func headerJSON(keyID: String?) -> String {
        var s = "{\"alg\":\"RS256\",\"typ\":\"JWT\""
        if let keyID {
            s += ",\"kid\":"
            JSONValue.writeString(keyID, to: &s)
        }
        return s + "}"
    }

    /// `{"iss":…,"scope":…,"aud":…,"iat":…,"exp":…}` (exp = iat + 3600).
    public static func claimsJSON(issuer: String, scope: String, audience: String, issuedAt: Int) -> String {
        var s = "{\"iss\":"
        JSONValue.writeString(issuer, to: &s)
        s += ",\"scope\":"
        JSONValue.writeString(scope, to: &s)
        s += ",\"aud\":"
        JSONValue.writeString(audience, to: &s)
        s += ",\"iat\":\(issuedAt),\"exp\":\(issuedAt + 3600)}"
        return s
    }

    /// base64url without padding.
    public static func base64URL(_ bytes: some DataProtocol) -> String {
        Data(bytes).base64EncodedString()
            .replacingAll("+", with: "-")
            .replacingAll("/", with: "_")
            .replacingAll("=", with: "")
    }

    /// Signs `header.claims` with the PEM key (PKCS#8 or PKCS#1); throws `GCPError(.credentials)` on a bad key.
    public static func sign(headerJSON: String, claimsJSON: String, privateKeyPEM: String) throws -> String {
        let input = base64URL(Array(headerJSON.utf8)) + "." + base64URL(Array(claimsJSON.utf8))
        let key: _RSA.Signing.PrivateKey
        do {
            key = try _RSA.Signing.PrivateKey(pemRepresentation: privateKeyPEM)
        } catch {
            throw GCPError(.credentials, "the service-account key's private_key is not a valid RSA PEM key",
                           hint: "download a new JSON key: `gcloud iam service-accounts keys create key.json --iam-account=SA_EMAIL`")
        }
        let signature: _RSA.Signing.RSASignature
        do {
            signature = try key.signature(for: Data(input.utf8), padding: .insecurePKCS1v1_5)
        } catch {
            throw GCPError(.credentials, "signing the service-account JWT failed",
                           hint: "check that private_key in the key file is an RSA key of at least 2048 bits")
        }
        return input + "." + base64URL(signature.rawRepresentation)
    }

    /// The assertion for `key` at time `issuedAt`.
    public static func assertion(for key: ServiceAccountKey, scope: String = cloudPlatformScope, issuedAt: Int) throws -> String {
        try sign(headerJSON: headerJSON(keyID: key.privateKeyID),
                 claimsJSON: claimsJSON(issuer: key.clientEmail, scope: scope, audience: key.tokenURI, issuedAt: issuedAt),
                 privateKeyPEM: key.privateKey.value)
    }
}
