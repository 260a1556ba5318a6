/// A secret string whose description never shows the value (access keys' secrets, session tokens, AUTH tokens).
public struct Redacted: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "<redacted>" }
    public var debugDescription: String { "<redacted>" }
}

/// Where a set of credentials came from (printed so the user knows which one the chain used).
public enum CredentialSource: Sendable, Hashable, CustomStringConvertible {
    case environment
    case assumeRole(profile: String, roleARN: String)
    case webIdentity(roleARN: String)
    case sharedCredentialsFile(profile: String, path: String)
    case configFile(profile: String, path: String)
    case container(url: String)
    case instanceMetadata(role: String)
    case supplied

    public var description: String {
        switch self {
        case .environment: "environment (AWS_ACCESS_KEY_ID)"
        case .assumeRole(let p, let r): "profile '\(p)' assuming \(r)"
        case .webIdentity(let r): "web identity (AWS_WEB_IDENTITY_TOKEN_FILE) assuming \(r)"
        case .sharedCredentialsFile(let p, let path): "shared credentials file \(path) [\(p)]"
        case .configFile(let p, let path): "config file \(path) [profile \(p)]"
        case .container(let u): "container credentials (\(u))"
        case .instanceMetadata(let r): "EC2 instance metadata (IMDSv2, role \(r))"
        case .supplied: "supplied by the caller"
        }
    }
}

/// AWS credentials: an access key, its secret, an optional session token and expiry.
public struct AWSCredentials: Sendable, Hashable, CustomStringConvertible {
    public var accessKeyID: String
    public var secretAccessKey: Redacted
    public var sessionToken: Redacted?
    /// Unix seconds; nil for long-term keys.
    public var expiration: Int64?
    public var source: CredentialSource
    /// The account id when the source told it (STS, container).
    public var accountID: String?

    public init(accessKeyID: String, secretAccessKey: String, sessionToken: String? = nil, expiration: Int64? = nil,
                source: CredentialSource = .supplied, accountID: String? = nil) {
        self.accessKeyID = accessKeyID
        self.secretAccessKey = Redacted(secretAccessKey)
        self.sessionToken = sessionToken.flatMap { $0.isEmpty ? nil : Redacted($0) }
        self.expiration = expiration
        self.source = source
        self.accountID = accountID
    }

    public var description: String { "AWSCredentials(\(accessKeyID), from \(source))" }

    /// True when the credentials expire within `margin` seconds of `now` (botocore refreshes 15 minutes ahead).
    public func needsRefresh(now: Int64, margin: Int64 = 15 * 60) -> Bool {
        guard let e = expiration else { return false }
        return e - now <= margin
    }
}
