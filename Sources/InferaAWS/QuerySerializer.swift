/// A value in a Query-protocol request (ElastiCache, STS, EC2): scalars, lists and structures.
public indirect enum QueryValue: Sendable, Equatable {
    case string(String)
    /// A list; `member` is the model's member `locationName` (`SecurityGroupId`, `Tag`, …), nil for `.member.N`.
    case list(member: String?, [QueryValue])
    /// A structure, members in the order to write them.
    case structure([(String, QueryValue)])

    public static func bool(_ b: Bool) -> QueryValue { .string(b ? "true" : "false") }
    public static func int(_ n: Int) -> QueryValue { .string(String(n)) }

    public static func == (a: QueryValue, b: QueryValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): x == y
        case (.list(let m1, let v1), .list(let m2, let v2)): m1 == m2 && v1 == v2
        case (.structure(let s1), .structure(let s2)): s1.count == s2.count && zip(s1, s2).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: false
        }
    }
}

/// Flattens Query parameters the way botocore's query serializer does.
public enum QuerySerializer {
    public enum Style: Sendable {
        /// awsQuery (ElastiCache, STS): `Name.<locationName|member>.N`.
        case query
        /// ec2: `Name.N` (EC2 flattens every list).
        case ec2
    }

    /// `[(key, value)]` pairs, in order, for `Action`, `Version` and the parameters.
    public static func pairs(action: String, version: String, _ params: [(String, QueryValue)], style: Style = .query) -> [(String, String)] {
        var out: [(String, String)] = [("Action", action), ("Version", version)]
        for (k, v) in params { flatten(prefix: k, v, style: style, into: &out) }
        return out
    }

    static func flatten(prefix: String, _ v: QueryValue, style: Style, into out: inout [(String, String)]) {
        switch v {
        case .string(let s): out.append((prefix, s))
        case .list(let member, let items):
            if items.isEmpty {
                if style == .query { out.append((prefix, "")) }
                return
            }
            for (i, item) in items.enumerated() {
                let key: String
                switch style {
                case .query: key = "\(prefix).\(member ?? "member").\(i + 1)"
                case .ec2: key = "\(prefix).\(i + 1)"
                }
                flatten(prefix: key, item, style: style, into: &out)
            }
        case .structure(let members):
            for (k, mv) in members { flatten(prefix: "\(prefix).\(k)", mv, style: style, into: &out) }
        }
    }

    /// `application/x-www-form-urlencoded` body with RFC 3986 encoding (space → `%20`).
    public static func formBody(_ pairs: [(String, String)]) -> String {
        pairs.map { Percent.encode($0.0) + "=" + Percent.encode($0.1) }.joined(separator: "&")
    }

    /// Parses a form body back into pairs (for fakes and tests).
    public static func parseForm(_ body: String) -> [(String, String)] {
        body.split(separator: "&", omittingEmptySubsequences: true).map { part in
            let kv = part.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            return (Percent.decode(String(kv[0]), plusIsSpace: true), kv.count > 1 ? Percent.decode(String(kv[1]), plusIsSpace: true) : "")
        }
    }
}

/// The list member names ElastiCache's model gives (`shapes[<list>].member.locationName`); checked against the
/// copied model by the tests.
public enum ElastiCacheListMembers {
    public static let securityGroupIds = "SecurityGroupId"
    public static let tags = "Tag"
    public static let subnetIds = "SubnetIdentifier"
    public static let parameterNameValues = "ParameterNameValue"
    public static let preferredCacheClusterAZs = "AvailabilityZone"
    public static let parameterNames = "ParameterName"
    /// ModifyReplicationGroupShardConfiguration's `NodeGroupsToRemove`.
    public static let nodeGroupsToRemove = "NodeGroupToRemove"

    /// Input member → list shape name in the model, for the test that checks the table above.
    public static let modelShapes: [(member: String, shape: String, locationName: String)] = [
        ("SecurityGroupIds", "SecurityGroupIdsList", securityGroupIds),
        ("Tags", "TagList", tags),
        ("SubnetIds", "SubnetIdentifierList", subnetIds),
        ("ParameterNameValues", "ParameterNameValueList", parameterNameValues),
        ("PreferredCacheClusterAZs", "AvailabilityZonesList", preferredCacheClusterAZs),
        ("NodeGroupsToRemove", "NodeGroupsToRemoveList", nodeGroupsToRemove),
    ]
}
