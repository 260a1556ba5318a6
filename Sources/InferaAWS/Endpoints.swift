/// The AWS services infera calls, with their wire details.
public enum AWSService: String, Sendable, CaseIterable {
    case elasticache, secretsManager, sts, ec2

    /// SigV4 signing name (the model's `signingName`/`endpointPrefix`).
    public var signingName: String {
        switch self {
        case .elasticache: "elasticache"
        case .secretsManager: "secretsmanager"
        case .sts: "sts"
        case .ec2: "ec2"
        }
    }

    /// Query API version (`Version=`), nil for JSON services.
    public var apiVersion: String? {
        switch self {
        case .elasticache: "2015-02-02"
        case .sts: "2011-06-15"
        case .ec2: "2016-11-15"
        case .secretsManager: nil
        }
    }

    /// The SDKs' service id in env-var form: `AWS_ENDPOINT_URL_<this>`.
    public var endpointEnvSuffix: String {
        switch self {
        case .elasticache: "ELASTICACHE"
        case .secretsManager: "SECRETS_MANAGER"
        case .sts: "STS"
        case .ec2: "EC2"
        }
    }

    /// Human name for messages.
    public var displayName: String {
        switch self {
        case .elasticache: "ElastiCache"
        case .secretsManager: "Secrets Manager"
        case .sts: "STS"
        case .ec2: "EC2"
        }
    }
}

/// Partitions as in the endpoint rule sets' `aws.partition` function.
public struct AWSPartition: Sendable, Equatable {
    public var name: String
    public var dnsSuffix: String
    public var dualStackDnsSuffix: String
    public var supportsFIPS: Bool
    public var supportsDualStack: Bool

    public static func of(region: String) -> AWSPartition {
        if region.hasPrefix("cn-") {
            return AWSPartition(name: "aws-cn", dnsSuffix: "amazonaws.com.cn", dualStackDnsSuffix: "api.amazonwebservices.com.cn",
                                supportsFIPS: true, supportsDualStack: true)
        }
        if region.hasPrefix("us-gov-") {
            return AWSPartition(name: "aws-us-gov", dnsSuffix: "amazonaws.com", dualStackDnsSuffix: "api.aws",
                                supportsFIPS: true, supportsDualStack: true)
        }
        if region.hasPrefix("us-isob-") {
            return AWSPartition(name: "aws-iso-b", dnsSuffix: "sc2s.sgov.gov", dualStackDnsSuffix: "sc2s.sgov.gov",
                                supportsFIPS: true, supportsDualStack: false)
        }
        if region.hasPrefix("us-iso-") {
            return AWSPartition(name: "aws-iso", dnsSuffix: "c2s.ic.gov", dualStackDnsSuffix: "c2s.ic.gov",
                                supportsFIPS: true, supportsDualStack: false)
        }
        return AWSPartition(name: "aws", dnsSuffix: "amazonaws.com", dualStackDnsSuffix: "api.aws", supportsFIPS: true, supportsDualStack: true)
    }
}

public struct AWSEndpointError: Error, Sendable, CustomStringConvertible {
    public var description: String
}

/// A resolved endpoint: where to send, and which region to sign for.
public struct ResolvedEndpoint: Sendable, Equatable {
    public var url: String
    /// True when an `AWS_ENDPOINT_URL*` variable chose it.
    public var overridden: Bool
    public var overrideVariable: String?
}

/// Endpoint resolution: the SDKs' `AWS_ENDPOINT_URL_<SERVICE>` / `AWS_ENDPOINT_URL` overrides, then the endpoint
/// rules (standard, FIPS, dual-stack, per partition) from `aws-elasticache-2015-02-02.endpoint-rule-set.json`.
public enum EndpointResolver {
    public static func resolve(_ service: AWSService, region: String, environment: [String: String]) throws -> ResolvedEndpoint {
        let ignore = environment["AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"]?.lowercased() == "true"
        let fips = environment["AWS_USE_FIPS_ENDPOINT"]?.lowercased() == "true"
        let dual = environment["AWS_USE_DUALSTACK_ENDPOINT"]?.lowercased() == "true"
        if !ignore {
            for variable in ["AWS_ENDPOINT_URL_" + service.endpointEnvSuffix, "AWS_ENDPOINT_URL"] {
                if let v = environment[variable], !v.isEmpty {
                    if fips { throw AWSEndpointError(description: "Invalid Configuration: FIPS and custom endpoint are not supported (\(variable) is set and AWS_USE_FIPS_ENDPOINT=true)") }
                    if dual { throw AWSEndpointError(description: "Invalid Configuration: Dualstack and custom endpoint are not supported (\(variable) is set and AWS_USE_DUALSTACK_ENDPOINT=true)") }
                    guard v.hasPrefix("http://") || v.hasPrefix("https://") else {
                        throw AWSEndpointError(description: "\(variable)='\(v)' is not an http(s) URL")
                    }
                    var url = v
                    while url.hasSuffix("/") { url.removeLast() }
                    return ResolvedEndpoint(url: url, overridden: true, overrideVariable: variable)
                }
            }
        }
        guard !region.isEmpty else { throw AWSEndpointError(description: "Invalid Configuration: Missing Region") }
        let p = AWSPartition.of(region: region)
        let prefix = service.signingName
        if service == .sts && environment["AWS_STS_REGIONAL_ENDPOINTS"]?.lowercased() == "legacy" && p.name == "aws" && !fips && !dual {
            return ResolvedEndpoint(url: "https://sts.amazonaws.com", overridden: false)
        }
        if fips && dual {
            guard p.supportsFIPS && p.supportsDualStack else { throw AWSEndpointError(description: "FIPS and DualStack are enabled, but this partition does not support one or both") }
            return ResolvedEndpoint(url: "https://\(prefix)-fips.\(region).\(p.dualStackDnsSuffix)", overridden: false)
        }
        if fips {
            guard p.supportsFIPS else { throw AWSEndpointError(description: "FIPS is enabled but this partition does not support FIPS") }
            if p.name == "aws-us-gov" && service == .elasticache { return ResolvedEndpoint(url: "https://elasticache.\(region).amazonaws.com", overridden: false) }
            return ResolvedEndpoint(url: "https://\(prefix)-fips.\(region).\(p.dnsSuffix)", overridden: false)
        }
        if dual {
            guard p.supportsDualStack else { throw AWSEndpointError(description: "DualStack is enabled but this partition does not support DualStack") }
            return ResolvedEndpoint(url: "https://\(prefix).\(region).\(p.dualStackDnsSuffix)", overridden: false)
        }
        return ResolvedEndpoint(url: "https://\(prefix).\(region).\(p.dnsSuffix)", overridden: false)
    }

    /// `host[:port]` of a URL as curl sends it in the Host header (default ports omitted).
    public static func hostHeader(of url: String) -> String {
        var rest = Substring(url)
        var defaultPort = "443"
        if rest.hasPrefix("https://") { rest = rest.dropFirst(8) } else if rest.hasPrefix("http://") { rest = rest.dropFirst(7); defaultPort = "80" }
        let hostPort = rest.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? ""
        if hostPort.hasSuffix(":" + defaultPort) { return String(hostPort.dropLast(defaultPort.count + 1)) }
        return hostPort
    }
}
