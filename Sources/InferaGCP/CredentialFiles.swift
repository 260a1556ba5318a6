import InferaDiagnostics

/// A `service_account` JSON key.
public struct ServiceAccountKey: Sendable {
    public var clientEmail: String
    public var privateKey: Sensitive
    public var privateKeyID: String?
    public var tokenURI: String
    public var projectID: String?
}

/// An `authorized_user` file (what `gcloud auth application-default login` writes).
public struct AuthorizedUserCredentials: Sendable {
    public var clientID: String
    public var clientSecret: Sensitive
    public var refreshToken: Sensitive
    public var tokenURI: String
    public var quotaProjectID: String?
    public var account: String?
}

/// Where an `external_account` file gets its subject token.
public enum SubjectTokenSource: Sendable, Hashable {
    case file(path: String)
    case url(String, headers: [String: String])
}

/// An `external_account` file (workload identity federation; what google-github-actions/auth writes).
public struct ExternalAccountCredentials: Sendable {
    public var audience: String
    public var subjectTokenType: String
    public var tokenURL: String
    public var source: SubjectTokenSource
    /// nil for `text`; the field name for `json`.
    public var jsonFieldName: String?
    public var impersonationURL: String?
    public var tokenLifetimeSeconds: Int
    public var quotaProjectID: String?

    /// The service account named in the impersonation URL (`…/serviceAccounts/EMAIL:generateAccessToken`).
    public var impersonatedAccount: String? {
        guard let u = impersonationURL, let r = u.firstRange(of: "/serviceAccounts/") else { return nil }
        let rest = u[r.upperBound...]
        return String(rest.prefix { $0 != ":" })
    }
}

/// A parsed credential file, by its `type`.
public enum CredentialFile: Sendable {
    case serviceAccount(ServiceAccountKey)
    case authorizedUser(AuthorizedUserCredentials)
    case externalAccount(ExternalAccountCredentials)

    static let defaultTokenURI = "https://oauth2.googleapis.com/token"

    /// Parses the file's bytes; `origin` names it in messages (`GOOGLE_APPLICATION_CREDENTIALS=/path`).
    public static func parse(_ bytes: [UInt8], origin: String) throws -> CredentialFile {
        guard let json = JSONValue.parse(bytes), json.objectValue != nil else {
            throw GCPError(.credentials, "\(origin) is not a JSON credential file",
                           hint: "point GOOGLE_APPLICATION_CREDENTIALS at a service-account key or an ADC file, or run `gcloud auth application-default login`")
        }
        func field(_ name: String) throws -> String {
            guard let v = json[name]?.stringValue, !v.isEmpty else {
                throw GCPError(.credentials, "\(origin): the credential file has no '\(name)'",
                               hint: "download the file again (it is incomplete), or run `gcloud auth application-default login`")
            }
            return v
        }
        let type = json["type"]?.stringValue ?? "(missing)"
        switch type {
        case "service_account":
            return .serviceAccount(ServiceAccountKey(
                clientEmail: try field("client_email"), privateKey: Sensitive(try field("private_key")),
                privateKeyID: json["private_key_id"]?.stringValue,
                tokenURI: json["token_uri"]?.stringValue ?? defaultTokenURI,
                projectID: json["project_id"]?.stringValue))
        case "authorized_user":
            return .authorizedUser(AuthorizedUserCredentials(
                clientID: try field("client_id"), clientSecret: Sensitive(try field("client_secret")),
                refreshToken: Sensitive(try field("refresh_token")),
                tokenURI: json["token_uri"]?.stringValue ?? defaultTokenURI,
                quotaProjectID: json["quota_project_id"]?.stringValue, account: json["account"]?.stringValue))
        case "external_account":
            guard let cs = json["credential_source"], cs.objectValue != nil else {
                throw GCPError(.credentials, "\(origin): the external_account file has no 'credential_source'",
                               hint: "recreate it with google-github-actions/auth or `gcloud iam workload-identity-pools create-cred-config`")
            }
            let kinds = ["file", "url", "certificate", "environment_id", "executable"].filter { cs[$0] != nil }
            let source: SubjectTokenSource
            if kinds == ["file"], let p = cs["file"]?.stringValue {
                source = .file(path: p)
            } else if kinds == ["url"], let u = cs["url"]?.stringValue {
                var headers: [String: String] = [:]
                for (k, v) in cs["headers"]?.objectValue ?? [:] { if let s = v.stringValue { headers[k] = s } }
                source = .url(u, headers: headers)
            } else {
                let what = kinds.isEmpty ? "no file or url" : kinds.joined(separator: " + ")
                throw GCPError(.credentials, "\(origin): credential_source has \(what); infera supports exactly one of 'file' or 'url'",
                               hint: "use a file- or URL-sourced credential configuration (what google-github-actions/auth writes)")
            }
            var fieldName: String?
            if let fmt = cs["format"] {
                let t = fmt["type"]?.stringValue ?? "text"
                if t == "json" {
                    guard let f = fmt["subject_token_field_name"]?.stringValue else {
                        throw GCPError(.credentials, "\(origin): credential_source.format is json but has no subject_token_field_name",
                                       hint: "add \"subject_token_field_name\": \"value\" (GitHub Actions) to credential_source.format")
                    }
                    fieldName = f
                } else if t != "text" {
                    throw GCPError(.credentials, "\(origin): credential_source.format.type '\(t)' is not text or json",
                                   hint: "use \"type\": \"json\" with subject_token_field_name, or \"text\"")
                }
            }
            return .externalAccount(ExternalAccountCredentials(
                audience: try field("audience"), subjectTokenType: try field("subject_token_type"),
                tokenURL: json["token_url"]?.stringValue ?? "https://sts.googleapis.com/v1/token",
                source: source, jsonFieldName: fieldName,
                impersonationURL: json["service_account_impersonation_url"]?.stringValue,
                tokenLifetimeSeconds: json["service_account_impersonation"]?["token_lifetime_seconds"]?.intValue ?? 3600,
                quotaProjectID: json["quota_project_id"]?.stringValue))
        default:
            throw GCPError(.credentials, "\(origin): credential type '\(type)' is not supported",
                           hint: "infera reads service_account, authorized_user and external_account files; run `gcloud auth application-default login` for user credentials")
        }
    }
}
