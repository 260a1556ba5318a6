#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import InferaDiagnostics
import InferaHTTP

/// No source in the chain produced credentials; `tried` says what each one found.
public struct NoCredentialsError: Error, Sendable, CustomStringConvertible {
    public var tried: [String]
    public var description: String {
        "no AWS credentials found; tried, in order: " + tried.joined(separator: "; ")
    }
    /// What to do about it.
    public static let hint = "set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY (plus AWS_SESSION_TOKEN for temporary keys), or AWS_PROFILE with ~/.aws/credentials, or AWS_WEB_IDENTITY_TOKEN_FILE + AWS_ROLE_ARN in CI (GitHub Actions: aws-actions/configure-aws-credentials)"
}

/// A source was configured but failed (bad file, STS refused the token, …).
public struct CredentialSourceError: Error, Sendable, CustomStringConvertible {
    public var source: String
    public var message: String
    public var hint: String
    public var description: String { "\(source): \(message)" }
}

/// AWS's default credential chain in botocore's order (ci-federated-credentials.md §5): environment, profile
/// `role_arn` + `source_profile`, web identity, shared credentials file, config file, container endpoint, IMDSv2.
/// The first source that answers wins; temporary credentials are refreshed 15 minutes before they expire.
public actor CredentialChain {
    let environment: [String: String]
    let transport: any HTTPTransport
    let clock: any InferaClock
    let fileReader: @Sendable (String) -> String?
    /// `aws.profile` from infera.yaml. When set it selects the profile and wins over the environment's keys, web
    /// identity variables and `AWS_PROFILE` (the Terraform AWS provider's `profile` argument behaves the same way).
    let configuredProfile: String?
    private var cached: AWSCredentials?
    private var refreshable = false
    private var resolver: (@Sendable () async throws -> AWSCredentials)?

    /// - Parameter fileReader: reads a file's text (tests substitute files); defaults to the file system.
    /// - Parameter profile: `aws.profile` from infera.yaml (nil: `AWS_PROFILE` / `default`).
    public init(environment: [String: String], transport: any HTTPTransport, clock: any InferaClock,
                fileReader: (@Sendable (String) -> String?)? = nil, profile: String? = nil) {
        self.environment = environment
        self.configuredProfile = profile.nonEmpty
        self.transport = transport
        self.clock = clock
        self.fileReader = fileReader ?? { path in try? String(contentsOfFile: path, encoding: .utf8) }
    }

    /// Fixed credentials (tests).
    public init(fixed: AWSCredentials, transport: any HTTPTransport, clock: any InferaClock) {
        self.environment = [:]
        self.configuredProfile = nil
        self.transport = transport
        self.clock = clock
        self.fileReader = { _ in nil }
        self.cached = fixed
    }

    /// Whether the current credentials come from a source that can issue new ones.
    public var canRefresh: Bool { refreshable }

    /// The credentials to sign with, refreshed when they expire within 15 minutes (or when forced).
    public func resolve(forceRefresh: Bool = false) async throws -> AWSCredentials {
        let now = Int64(clock.wallTime())
        if let c = cached, !forceRefresh, !c.needsRefresh(now: now) { return c }
        if let c = cached, resolver == nil, !refreshable {
            // Fixed or environment credentials: nothing can renew them.
            if let e = c.expiration, e <= now {
                throw CredentialSourceError(source: c.source.description, message: "the session token expired at \(UTCCalendar.iso8601(e))",
                                            hint: "get new temporary credentials (aws sts get-session-token / re-run your CI login step) and export them again")
            }
            return c
        }
        if let r = resolver, refreshable {
            let c = try await r()
            cached = c
            return c
        }
        let (c, r) = try await discover()
        cached = c
        resolver = r
        refreshable = r != nil
        return c
    }

    // MARK: discovery

    var profileName: String { configuredProfile ?? environment["AWS_DEFAULT_PROFILE"].nonEmpty ?? environment["AWS_PROFILE"].nonEmpty ?? "default" }
    var profileExplicit: Bool { configuredProfile != nil || environment["AWS_DEFAULT_PROFILE"].nonEmpty != nil || environment["AWS_PROFILE"].nonEmpty != nil }
    /// Where the profile name came from, for messages.
    var profileOrigin: String { configuredProfile != nil ? "aws.profile in infera.yaml" : "AWS_PROFILE" }
    var home: String { environment["HOME"] ?? "~" }
    var credentialsPath: String { environment["AWS_SHARED_CREDENTIALS_FILE"].nonEmpty ?? "\(home)/.aws/credentials" }
    var configPath: String { environment["AWS_CONFIG_FILE"].nonEmpty ?? "\(home)/.aws/config" }

    func discover() async throws -> (AWSCredentials, (@Sendable () async throws -> AWSCredentials)?) {
        var tried: [String] = []
        let env = environment
        // 1. environment (not when infera.yaml names a profile: the configured profile wins, as in Terraform)
        if let p = configuredProfile {
            tried.append("environment (skipped: aws.profile '\(p)' in infera.yaml wins over AWS_ACCESS_KEY_ID)")
        } else if let id = env["AWS_ACCESS_KEY_ID"].nonEmpty, let secret = env["AWS_SECRET_ACCESS_KEY"].nonEmpty {
            let token = env["AWS_SESSION_TOKEN"].nonEmpty ?? env["AWS_SECURITY_TOKEN"].nonEmpty
            let exp = env["AWS_CREDENTIAL_EXPIRATION"].flatMap(UTCCalendar.parseISO8601)
            let c = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: token, expiration: exp,
                                   source: .environment, accountID: env["AWS_ACCOUNT_ID"])
            if let e = exp, e <= Int64(clock.wallTime()) {
                throw CredentialSourceError(source: "environment", message: "AWS_CREDENTIAL_EXPIRATION says these credentials expired at \(UTCCalendar.iso8601(e))",
                                            hint: "get new temporary credentials and export AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN again")
            }
            return (c, nil)
        }
        if configuredProfile == nil {
            tried.append(env["AWS_ACCESS_KEY_ID"].nonEmpty != nil ? "environment (AWS_ACCESS_KEY_ID set but AWS_SECRET_ACCESS_KEY missing)" : "environment (AWS_ACCESS_KEY_ID not set)")
        }

        let credFile = fileReader(credentialsPath).map(INIFile.parse)
        let confFile = fileReader(configPath).map(INIFile.parse)
        let profile = profileName
        let confSection = confFile?.section(profile == "default" ? "default" : "profile \(profile)")
            ?? confFile?.section(profile)
        let credSection = credFile?.section(profile)

        // 2. profile role_arn + source_profile
        if let roleARN = confSection?["role_arn"] ?? credSection?["role_arn"], confSection?["web_identity_token_file"] == nil {
            let source = confSection?["source_profile"] ?? credSection?["source_profile"]
            let credentialSource = confSection?["credential_source"]
            let sessionName = confSection?["role_session_name"] ?? "infera-\(Int64(clock.wallTime()))"
            let externalID = confSection?["external_id"]
            let duration = confSection?["duration_seconds"].flatMap(Int.init) ?? 3600
            let base: AWSCredentials
            if let source {
                guard let s = staticKeys(profile: source, credFile: credFile, confFile: confFile) else {
                    throw CredentialSourceError(source: "profile '\(profile)'", message: "source_profile '\(source)' has no aws_access_key_id/aws_secret_access_key in \(credentialsPath) or \(configPath)",
                                                hint: "add keys to [\(source)] in \(credentialsPath), or point source_profile at a profile that has them")
                }
                base = s
            } else if credentialSource?.lowercased() == "environment", let id = env["AWS_ACCESS_KEY_ID"].nonEmpty, let secret = env["AWS_SECRET_ACCESS_KEY"].nonEmpty {
                base = AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: env["AWS_SESSION_TOKEN"], source: .environment)
            } else {
                throw CredentialSourceError(source: "profile '\(profile)'", message: "role_arn needs source_profile (or credential_source = Environment)",
                                            hint: "add `source_profile = <profile with keys>` to [profile \(profile)] in \(configPath)")
            }
            let sts = STSCalls(environment: env, transport: transport, clock: clock, region: stsRegion(confSection))
            let fetch: @Sendable () async throws -> AWSCredentials = {
                try await sts.assumeRole(roleARN: roleARN, sessionName: sessionName, externalID: externalID, duration: duration,
                                         using: base, profile: profile)
            }
            return (try await fetch(), fetch)
        }
        tried.append("assume-role (no role_arn in profile '\(profile)')")

        // 3. web identity
        let fromEnv = configuredProfile == nil
        let tokenFile = (fromEnv ? env["AWS_WEB_IDENTITY_TOKEN_FILE"].nonEmpty : nil) ?? confSection?["web_identity_token_file"]
        if let tokenFile {
            guard let roleARN = (fromEnv ? env["AWS_ROLE_ARN"].nonEmpty : nil) ?? confSection?["role_arn"] else {
                throw CredentialSourceError(source: "web identity", message: "AWS_WEB_IDENTITY_TOKEN_FILE is set but AWS_ROLE_ARN is not",
                                            hint: "export AWS_ROLE_ARN=arn:aws:iam::<account>:role/<role trusted for your OIDC provider>")
            }
            let sessionName = env["AWS_ROLE_SESSION_NAME"].nonEmpty ?? confSection?["role_session_name"] ?? "infera-\(Int64(clock.wallTime()))"
            let sts = STSCalls(environment: env, transport: transport, clock: clock, region: stsRegion(confSection))
            let reader = fileReader
            let fetch: @Sendable () async throws -> AWSCredentials = {
                guard let raw = reader(tokenFile) else {
                    throw CredentialSourceError(source: "web identity", message: "cannot read the token file \(tokenFile)",
                                                hint: "check AWS_WEB_IDENTITY_TOKEN_FILE; in GitHub Actions the job needs `permissions: id-token: write`")
                }
                let token = String(raw.trimmingSpaces())
                return try await sts.assumeRoleWithWebIdentity(roleARN: roleARN, sessionName: sessionName, token: token)
            }
            return (try await fetch(), fetch)
        }
        tried.append("web identity (AWS_WEB_IDENTITY_TOKEN_FILE not set)")

        // 4. shared credentials file, 5. config file
        if let s = credSection, let id = s["aws_access_key_id"], let secret = s["aws_secret_access_key"] {
            return (AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: s["aws_session_token"],
                                   source: .sharedCredentialsFile(profile: profile, path: credentialsPath)), nil)
        }
        tried.append(credFile == nil ? "shared credentials file (\(credentialsPath) not found)" : "shared credentials file (\(credentialsPath) has no keys for [\(profile)])")
        if let s = confSection, let id = s["aws_access_key_id"], let secret = s["aws_secret_access_key"] {
            return (AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: s["aws_session_token"],
                                   source: .configFile(profile: profile, path: configPath)), nil)
        }
        tried.append(confFile == nil ? "config file (\(configPath) not found)" : "config file (\(configPath) has no keys for profile '\(profile)')")
        if profileExplicit && credSection == nil && confSection == nil {
            throw CredentialSourceError(source: "profile", message: "the profile '\(profile)' (\(profileOrigin)) is in neither \(credentialsPath) nor \(configPath)",
                                        hint: configuredProfile != nil ? "fix aws.profile in infera.yaml, or add [\(profile)] to \(credentialsPath) (or [profile \(profile)] to \(configPath))"
                                            : "fix AWS_PROFILE, or add [\(profile)] to \(credentialsPath)")
        }

        // 6. container
        if let url = try containerURL() {
            let fetcher = ContainerCredentials(url: url, environment: env, transport: transport, clock: clock, fileReader: fileReader)
            let fetch: @Sendable () async throws -> AWSCredentials = { try await fetcher.fetch() }
            return (try await fetch(), fetch)
        }
        tried.append("container credentials (AWS_CONTAINER_CREDENTIALS_RELATIVE_URI/FULL_URI not set)")

        // 7. IMDSv2
        if env["AWS_EC2_METADATA_DISABLED"]?.lowercased() == "true" {
            tried.append("EC2 instance metadata (disabled by AWS_EC2_METADATA_DISABLED)")
        } else {
            let imds = InstanceMetadataCredentials(environment: env, transport: transport)
            do {
                let c = try await imds.fetch()
                return (c, { try await imds.fetch() })
            } catch let e as IMDSUnavailable {
                tried.append("EC2 instance metadata (\(e.reason))")
            }
        }
        throw NoCredentialsError(tried: tried)
    }

    func stsRegion(_ conf: [String: String]?) -> String {
        environment["AWS_REGION"].nonEmpty ?? environment["AWS_DEFAULT_REGION"].nonEmpty ?? conf?["region"] ?? "us-east-1"
    }

    func staticKeys(profile: String, credFile: INIFile?, confFile: INIFile?) -> AWSCredentials? {
        if let s = credFile?.section(profile), let id = s["aws_access_key_id"], let secret = s["aws_secret_access_key"] {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: s["aws_session_token"],
                                  source: .sharedCredentialsFile(profile: profile, path: credentialsPath))
        }
        let conf = confFile?.section(profile == "default" ? "default" : "profile \(profile)")
        if let s = conf, let id = s["aws_access_key_id"], let secret = s["aws_secret_access_key"] {
            return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: s["aws_session_token"],
                                  source: .configFile(profile: profile, path: configPath))
        }
        return nil
    }

    func containerURL() throws -> String? {
        if let rel = environment["AWS_CONTAINER_CREDENTIALS_RELATIVE_URI"].nonEmpty {
            return "http://169.254.170.2" + (rel.hasPrefix("/") ? rel : "/" + rel)
        }
        guard let full = environment["AWS_CONTAINER_CREDENTIALS_FULL_URI"].nonEmpty else { return nil }
        guard let parts = URLParts(full) else {
            throw CredentialSourceError(source: "container credentials", message: "AWS_CONTAINER_CREDENTIALS_FULL_URI is not a URL", hint: "fix the variable")
        }
        let allowed = ["169.254.170.2", "169.254.170.23", "fd00:ec2::23", "localhost"]
        let host = parts.host
        let loopback = host == "::1" || host.hasPrefix("127.")
        guard parts.scheme == "https" || allowed.contains(host) || loopback else {
            throw CredentialSourceError(source: "container credentials", message: "unsupported host '\(host)' in AWS_CONTAINER_CREDENTIALS_FULL_URI (http is allowed only to loopback or the ECS/EKS agent addresses)",
                                        hint: "use https, or a loopback / 169.254.170.2 / 169.254.170.23 address")
        }
        return full
    }
}

extension Optional where Wrapped == String {
    var nonEmpty: String? {
        switch self {
        case .some(let s) where !s.isEmpty: s
        default: nil
        }
    }
}

/// STS calls the chain needs: AssumeRoleWithWebIdentity (unsigned) and AssumeRole (signed with the source keys).
struct STSCalls: Sendable {
    let environment: [String: String]
    let transport: any HTTPTransport
    let clock: any InferaClock
    let region: String

    func post(_ action: String, _ params: [(String, QueryValue)], sign: AWSCredentials?) async throws -> XMLElement {
        let endpoint = try EndpointResolver.resolve(.sts, region: region, environment: environment)
        let body = QuerySerializer.formBody(QuerySerializer.pairs(action: action, version: "2011-06-15", params))
        var lastError: (any Error)?
        for attempt in 1...3 {
            var request = HTTPRequest(method: .POST, url: endpoint.url + "/", body: Array(body.utf8), retryable: true, timeout: 10)
            request.headers["Content-Type"] = "application/x-www-form-urlencoded; charset=utf-8"
            if let sign {
                SigV4Authenticator.sign(&request, signer: SigV4Signer(service: "sts", region: region), credentials: sign,
                                        unixTime: Int64(clock.wallTime()))
            }
            do {
                let r = try await transport.send(request)
                if r.isSuccess {
                    let root = try XMLReader.parse(r.body)
                    return root[action + "Result"] ?? root
                }
                let err = AWSError.fromXML(r.body, service: .sts, action: action, status: r.status)
                if !err.isRetryable || attempt == 3 { throw err }
                lastError = err
            } catch let e as HTTPError {
                if !e.isTransient || attempt == 3 { throw e }
                lastError = e
            }
            try await clock.sleep(seconds: Double(attempt) * 0.5)
        }
        throw lastError ?? CredentialSourceError(source: "STS", message: "no answer", hint: "re-run")
    }

    static func credentials(_ result: XMLElement, source: CredentialSource, action: String) throws -> AWSCredentials {
        guard let c = result["Credentials"], let id = c.string("AccessKeyId"), let secret = c.string("SecretAccessKey") else {
            throw CredentialSourceError(source: "STS \(action)", message: "the answer has no Credentials element", hint: "check AWS_ENDPOINT_URL_STS")
        }
        let arn = result.at("AssumedRoleUser", "Arn").map { String($0.text.trimmingSpaces()) }
        let account = arn.flatMap { a -> String? in
            let f = a.split(separator: ":", omittingEmptySubsequences: false)
            return f.count > 4 ? String(f[4]) : nil
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: c.string("SessionToken"),
                              expiration: c.string("Expiration").flatMap(UTCCalendar.parseISO8601), source: source, accountID: account)
    }

    func assumeRoleWithWebIdentity(roleARN: String, sessionName: String, token: String) async throws -> AWSCredentials {
        do {
            let r = try await post("AssumeRoleWithWebIdentity", [
                ("RoleArn", .string(roleARN)), ("RoleSessionName", .string(sessionName)),
                ("WebIdentityToken", .string(token)), ("DurationSeconds", .int(3600)),
            ], sign: nil)
            return try Self.credentials(r, source: .webIdentity(roleARN: roleARN), action: "AssumeRoleWithWebIdentity")
        } catch let e as AWSError {
            throw CredentialSourceError(source: "web identity (STS AssumeRoleWithWebIdentity for \(roleARN))", message: "\(e.code): \(e.message)",
                                        hint: e.code == "AccessDenied" || e.code == "InvalidIdentityToken"
                                            ? "check the role's trust policy: it must trust your OIDC provider with matching aud (sts.amazonaws.com) and sub claims"
                                            : "check AWS_ROLE_ARN and the token file; re-run to fetch a fresh token")
        }
    }

    func assumeRole(roleARN: String, sessionName: String, externalID: String?, duration: Int, using base: AWSCredentials,
                    profile: String) async throws -> AWSCredentials {
        var params: [(String, QueryValue)] = [("RoleArn", .string(roleARN)), ("RoleSessionName", .string(sessionName)),
                                              ("DurationSeconds", .int(duration))]
        if let externalID { params.append(("ExternalId", .string(externalID))) }
        do {
            let r = try await post("AssumeRole", params, sign: base)
            return try Self.credentials(r, source: .assumeRole(profile: profile, roleARN: roleARN), action: "AssumeRole")
        } catch let e as AWSError {
            throw CredentialSourceError(source: "profile '\(profile)' (STS AssumeRole \(roleARN) with \(base.source))", message: "\(e.code): \(e.message)",
                                        hint: "check that the source profile's user may sts:AssumeRole on \(roleARN) and the role trusts it")
        }
    }
}

/// ECS / EKS Pod Identity / CodeBuild credentials endpoint.
struct ContainerCredentials: Sendable {
    let url: String
    let environment: [String: String]
    let transport: any HTTPTransport
    let clock: any InferaClock
    let fileReader: @Sendable (String) -> String?

    func fetch() async throws -> AWSCredentials {
        var auth: String?
        if let f = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE"].nonEmpty {
            guard let t = fileReader(f) else {
                throw CredentialSourceError(source: "container credentials", message: "cannot read AWS_CONTAINER_AUTHORIZATION_TOKEN_FILE \(f)", hint: "check the file")
            }
            auth = String(t.trimmingSpaces())
        } else {
            auth = environment["AWS_CONTAINER_AUTHORIZATION_TOKEN"].nonEmpty
        }
        if let a = auth, a.contains("\r") || a.contains("\n") {
            throw CredentialSourceError(source: "container credentials", message: "the authorization token contains a line break", hint: "fix the token")
        }
        var last = ""
        for attempt in 1...3 {
            var request = HTTPRequest(method: .GET, url: url, timeout: 2)
            request.headers["Accept"] = "application/json"
            if let auth { request.headers["Authorization"] = auth }
            do {
                let r = try await transport.send(request)
                if r.status == 200, let obj = JSONObjects.object(r.body),
                   let id = obj["AccessKeyId"] as? String, let secret = obj["SecretAccessKey"] as? String {
                    return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: obj["Token"] as? String,
                                          expiration: (obj["Expiration"] as? String).flatMap(UTCCalendar.parseISO8601),
                                          source: .container(url: url), accountID: obj["AccountId"] as? String)
                }
                last = "HTTP \(r.status)"
            } catch let e as HTTPError {
                last = e.description
            }
            if attempt < 3 { try await clock.sleep(seconds: 1) }
        }
        throw CredentialSourceError(source: "container credentials (\(url))", message: "no credentials after 3 attempts: \(last)",
                                    hint: "check the task role and AWS_CONTAINER_CREDENTIALS_* variables")
    }
}

struct IMDSUnavailable: Error { var reason: String }

/// EC2 instance metadata, IMDSv2 (token first).
struct InstanceMetadataCredentials: Sendable {
    let environment: [String: String]
    let transport: any HTTPTransport

    var base: String {
        if let e = environment["AWS_EC2_METADATA_SERVICE_ENDPOINT"].nonEmpty { return e.hasSuffix("/") ? String(e.dropLast()) : e }
        if environment["AWS_EC2_METADATA_SERVICE_ENDPOINT_MODE"]?.lowercased() == "ipv6" { return "http://[fd00:ec2::254]" }
        return "http://169.254.169.254"
    }
    var timeout: Double { environment["AWS_METADATA_SERVICE_TIMEOUT"].flatMap(Double.init) ?? 1 }

    func fetch() async throws -> AWSCredentials {
        var tokenReq = HTTPRequest(method: .PUT, url: base + "/latest/api/token", timeout: timeout)
        tokenReq.headers["x-aws-ec2-metadata-token-ttl-seconds"] = "21600"
        let token: String
        do {
            let r = try await transport.send(tokenReq)
            guard r.status == 200 else { throw IMDSUnavailable(reason: "token request answered HTTP \(r.status) at \(base)") }
            token = String(r.text.trimmingSpaces())
        } catch let e as HTTPError {
            throw IMDSUnavailable(reason: "no answer from \(base) (\(e.kind.rawValue))")
        }
        func get(_ path: String) async throws -> HTTPResponse {
            var req = HTTPRequest(method: .GET, url: base + path, timeout: timeout)
            req.headers["x-aws-ec2-metadata-token"] = token
            do { return try await transport.send(req) } catch let e as HTTPError { throw IMDSUnavailable(reason: e.description) }
        }
        let roleResp = try await get("/latest/meta-data/iam/security-credentials/")
        let role = roleResp.text.split(separator: "\n").first.map { String($0.trimmingSpaces()) } ?? ""
        guard roleResp.status == 200, !role.isEmpty else { throw IMDSUnavailable(reason: "no instance role attached (HTTP \(roleResp.status))") }
        let credResp = try await get("/latest/meta-data/iam/security-credentials/\(role)")
        guard credResp.status == 200, let obj = JSONObjects.object(credResp.body),
              let id = obj["AccessKeyId"] as? String, let secret = obj["SecretAccessKey"] as? String else {
            throw IMDSUnavailable(reason: "role \(role) returned no keys")
        }
        return AWSCredentials(accessKeyID: id, secretAccessKey: secret, sessionToken: obj["Token"] as? String,
                              expiration: (obj["Expiration"] as? String).flatMap(UTCCalendar.parseISO8601), source: .instanceMetadata(role: role))
    }
}

/// `~/.aws/credentials` / `~/.aws/config`: `[section]` headers, `key = value` lines, `#`/`;` comments.
public struct INIFile: Sendable {
    public var sections: [String: [String: String]]

    public func section(_ name: String) -> [String: String]? { sections[name] }

    public static func parse(_ text: String) -> INIFile {
        var sections: [String: [String: String]] = [:]
        var current: String?
        var lastKey: String?
        for raw in text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }) {
            let line = raw.trimmingSpaces()
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix(";") { continue }
            if line.hasPrefix("[") && line.hasSuffix("]") {
                let name = line.dropFirst().dropLast().trimmingSpaces()
                current = name.split(separator: " ", omittingEmptySubsequences: true).joined(separator: " ")
                if sections[current!] == nil { sections[current!] = [:] }
                lastKey = nil
                continue
            }
            guard let sec = current else { continue }
            if raw.first == " " || raw.first == "\t", lastKey != nil { continue } // nested (s3 = …) values: not used
            guard let eq = line.firstIndex(of: "=") else { continue }
            let key = line[..<eq].trimmingSpaces().lowercased()
            let value = line[line.index(after: eq)...].trimmingSpaces()
            sections[sec]![String(key)] = String(value)
            lastKey = String(key)
        }
        return INIFile(sections: sections)
    }
}

/// Region resolution: infera.yaml, then `AWS_REGION`, `AWS_DEFAULT_REGION`, then `region` in the config file's profile.
public enum RegionResolver {
    public static func resolve(configured: String?, environment: [String: String], profile configuredProfile: String? = nil,
                               fileReader: (String) -> String?) -> String? {
        if let c = configured, !c.isEmpty { return c }
        if let r = environment["AWS_REGION"].nonEmpty ?? environment["AWS_DEFAULT_REGION"].nonEmpty { return r }
        let home = environment["HOME"] ?? "~"
        let path = environment["AWS_CONFIG_FILE"].nonEmpty ?? "\(home)/.aws/config"
        guard let text = fileReader(path) else { return nil }
        let ini = INIFile.parse(text)
        let profile = configuredProfile.nonEmpty ?? environment["AWS_DEFAULT_PROFILE"].nonEmpty ?? environment["AWS_PROFILE"].nonEmpty ?? "default"
        let sec = ini.section(profile == "default" ? "default" : "profile \(profile)") ?? ini.section(profile)
        return sec?["region"]
    }
}
