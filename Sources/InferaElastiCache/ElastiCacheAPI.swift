import InferaAWS

/// A replication group as infera reads it (cluster mode disabled or enabled: `clusterEnabled`, `nodeGroups`,
/// `configurationEndpoint`).
struct ReplicationGroup: Sendable, Hashable {
    var id: String
    var description: String
    var status: String
    var memberClusters: [String]
    var primaryEndpoint: String?
    var readerEndpoint: String?
    var port: Int?
    var nodeType: String
    var automaticFailover: String
    var multiAZ: String
    var authTokenEnabled: Bool
    var transitEncryption: Bool
    var atRestEncryption: Bool
    var kmsKeyID: String?
    var snapshotRetention: Int
    var snapshotWindow: String?
    var arn: String?
    var engine: String?
    var autoMinorVersionUpgrade: Bool?
    var pending: [String: String]
    /// `ClusterEnabled` (or `ClusterMode` = enabled): the data is partitioned across `nodeGroups`.
    var clusterEnabled: Bool = false
    /// Cluster mode: the configuration endpoint clients discover the shards through.
    var configurationEndpoint: String?
    /// One entry per node group (shard), in the order DescribeReplicationGroups lists them.
    var nodeGroups: [NodeGroupInfo] = []
    /// Online resharding in progress: `PendingModifiedValues.Resharding.SlotMigration.ProgressPercentage`.
    var slotMigrationPercent: Double?

    init(_ x: XMLElement) {
        id = x.string("ReplicationGroupId") ?? ""
        description = x.string("Description") ?? ""
        status = x.string("Status") ?? "unknown"
        memberClusters = x["MemberClusters"]?.children.map { $0.trimmedText } ?? []
        let ng = x["NodeGroups"]?.children.first
        primaryEndpoint = ng?.at("PrimaryEndpoint", "Address").map { $0.trimmedText }
        readerEndpoint = ng?.at("ReaderEndpoint", "Address").map { $0.trimmedText }
        port = ng?.at("PrimaryEndpoint", "Port").flatMap { Int($0.trimmedText) }
        nodeType = x.string("CacheNodeType") ?? ""
        automaticFailover = x.string("AutomaticFailover") ?? "disabled"
        multiAZ = x.string("MultiAZ") ?? "disabled"
        authTokenEnabled = x.bool("AuthTokenEnabled") ?? false
        transitEncryption = x.bool("TransitEncryptionEnabled") ?? false
        atRestEncryption = x.bool("AtRestEncryptionEnabled") ?? false
        kmsKeyID = x.string("KmsKeyId")
        snapshotRetention = x.int("SnapshotRetentionLimit") ?? 0
        snapshotWindow = x.string("SnapshotWindow")
        arn = x.string("ARN")
        engine = x.string("Engine")
        autoMinorVersionUpgrade = x.bool("AutoMinorVersionUpgrade")
        var p: [String: String] = [:]
        for c in x["PendingModifiedValues"]?.children ?? [] where !c.trimmedText.isEmpty && c.children.isEmpty {
            p[c.name] = c.trimmedText
        }
        pending = p
        clusterEnabled = x.bool("ClusterEnabled") ?? (x.string("ClusterMode")?.lowercased() == "enabled")
        configurationEndpoint = x.at("ConfigurationEndpoint", "Address").map { $0.trimmedText }
        if clusterEnabled, let cp = x.at("ConfigurationEndpoint", "Port").flatMap({ Int($0.trimmedText) }) { port = cp }
        slotMigrationPercent = x.at("PendingModifiedValues", "Resharding", "SlotMigration", "ProgressPercentage").flatMap { Double($0.trimmedText) }
        nodeGroups = (x["NodeGroups"]?.children ?? []).map {
            NodeGroupInfo(id: $0.string("NodeGroupId") ?? "", status: $0.string("Status"), slots: $0.string("Slots"),
                          members: $0["NodeGroupMembers"]?.children.count ?? 0)
        }
    }

    /// Cluster mode: replicas per shard as the node groups report them (the smallest, so a shard still short of
    /// replicas is seen as such; 0 without node groups).
    var replicasPerShard: Int { max(0, (nodeGroups.map(\.members).min() ?? 1) - 1) }
}

/// One node group (shard) of a replication group.
struct NodeGroupInfo: Sendable, Hashable {
    var id: String
    var status: String?
    /// `0-5461`, cluster mode only.
    var slots: String?
    /// Primary plus replicas.
    var members: Int
}

/// The member cluster facts the replication group does not carry (engine version, maintenance window, groups).
struct CacheClusterInfo: Sendable, Hashable {
    var engineVersion: String?
    var maintenanceWindow: String?
    var parameterGroup: String?
    var subnetGroup: String?
    var securityGroups: [String]
    /// The member cluster's `PendingModifiedValues` (node type and engine version wait here when not applied immediately).
    var pending: [String: String] = [:]
}

/// Typed ElastiCache, EC2 and Secrets Manager calls over `AWSClient`.
struct ElastiCacheAPI: Sendable {
    let client: AWSClient

    // MARK: ElastiCache

    /// `DescribeReplicationGroups` for one id, following `Marker` pages; nil on ReplicationGroupNotFoundFault.
    func replicationGroup(_ id: String) async throws -> ReplicationGroup? {
        do {
            let all = try await paginate("DescribeReplicationGroups", [("ReplicationGroupId", .string(id))], list: "ReplicationGroups")
            return all.map(ReplicationGroup.init).first { $0.id == id.lowercased() }
        } catch let e as AWSError where e.code == "ReplicationGroupNotFoundFault" {
            return nil
        }
    }

    /// Follows the model's paginator (`input_token: Marker`, `output_token: Marker`, `limit_key: MaxRecords`).
    func paginate(_ action: String, _ params: [(String, QueryValue)], list: String, maxPages: Int = 50) async throws -> [XMLElement] {
        var out: [XMLElement] = []
        var marker: String?
        for _ in 0..<maxPages {
            var p = params
            p.append(("MaxRecords", .int(100)))
            if let m = marker { p.append(("Marker", .string(m))) }
            let r = try await client.query(.elasticache, action, p)
            out += r[list]?.children ?? []
            marker = r.string("Marker")
            if marker == nil || marker!.isEmpty { break }
        }
        return out
    }

    func cacheCluster(_ id: String) async throws -> CacheClusterInfo? {
        do {
            let r = try await client.query(.elasticache, "DescribeCacheClusters", [("CacheClusterId", .string(id))])
            guard let c = r["CacheClusters"]?.children.first else { return nil }
            return CacheClusterInfo(engineVersion: c.string("EngineVersion"), maintenanceWindow: c.string("PreferredMaintenanceWindow"),
                                    parameterGroup: c["CacheParameterGroup"]?.string("CacheParameterGroupName"),
                                    subnetGroup: c.string("CacheSubnetGroupName"),
                                    securityGroups: c["SecurityGroups"]?.children.compactMap { $0.string("SecurityGroupId") } ?? [],
                                    pending: Dictionary((c["PendingModifiedValues"]?.children ?? []).filter { !$0.trimmedText.isEmpty && $0.children.isEmpty }
                                        .map { ($0.name, $0.trimmedText) }, uniquingKeysWith: { a, _ in a }))
        } catch let e as AWSError where e.code == "CacheClusterNotFound" {
            return nil
        }
    }

    func subnetGroup(_ name: String) async throws -> XMLElement? {
        do {
            return try await paginate("DescribeCacheSubnetGroups", [("CacheSubnetGroupName", .string(name))], list: "CacheSubnetGroups").first
        } catch let e as AWSError where e.code == "CacheSubnetGroupNotFoundFault" {
            return nil
        }
    }

    func parameterGroup(_ name: String) async throws -> XMLElement? {
        do {
            return try await paginate("DescribeCacheParameterGroups", [("CacheParameterGroupName", .string(name))], list: "CacheParameterGroups").first
        } catch let e as AWSError where e.code == "CacheParameterGroupNotFound" {
            return nil
        }
    }

    /// User-set parameters of a group (`Source=user`).
    func parameters(_ group: String) async throws -> [String: String] {
        let items = try await paginate("DescribeCacheParameters", [("CacheParameterGroupName", .string(group)), ("Source", .string("user"))],
                                       list: "Parameters")
        var out: [String: String] = [:]
        for p in items { if let n = p.string("ParameterName") { out[n] = p.string("ParameterValue") ?? "" } }
        return out
    }

    /// `ListTagsForResource` for an ElastiCache ARN.
    func tags(arn: String) async throws -> [String: String] {
        let r = try await client.query(.elasticache, "ListTagsForResource", [("ResourceName", .string(arn))])
        var out: [String: String] = [:]
        for t in r["TagList"]?.children ?? [] { if let k = t.string("Key") { out[k] = t.string("Value") ?? "" } }
        return out
    }

    /// Makes an ElastiCache resource's tags exactly `want`: `AddTagsToResource` for new or changed values,
    /// `RemoveTagsFromResource` for keys infera.yaml no longer sets (Terraform's `tags_all`).
    func reconcileTags(arn: String, want: [(key: String, value: String)]) async throws {
        let have = try await tags(arn: arn)
        let add = want.filter { have[$0.key] != $0.value }
        let wanted = Set(want.map(\.key))
        let remove = have.keys.filter { !wanted.contains($0) }.sorted()
        if !add.isEmpty {
            _ = try await client.query(.elasticache, "AddTagsToResource", [("ResourceName", .string(arn)), ("Tags", Self.tags(add))])
        }
        if !remove.isEmpty {
            do {
                _ = try await client.query(.elasticache, "RemoveTagsFromResource", [
                    ("ResourceName", .string(arn)), ("TagKeys", .list(member: "member", remove.map { .string($0) }))])
            } catch let e as AWSError where e.code == "TagNotFound" {} // removed by an earlier attempt
        }
    }

    /// A secret's tags as DescribeSecret returns them.
    static func secretTags(_ d: [String: Any]) -> [String: String] {
        var out: [String: String] = [:]
        for t in d["Tags"] as? [[String: Any]] ?? [] { if let k = t["Key"] as? String { out[k] = t["Value"] as? String ?? "" } }
        return out
    }

    /// `TagResource` / `UntagResource` so a secret's tags are exactly `want`.
    func reconcileSecretTags(_ name: String, have: [String: String], want: [(key: String, value: String)]) async throws {
        let add = want.filter { have[$0.key] != $0.value }
        let wanted = Set(want.map(\.key))
        let remove = have.keys.filter { !wanted.contains($0) }.sorted()
        if !add.isEmpty {
            _ = try await client.json(.secretsManager, "TagResource", ["SecretId": name, "Tags": add.map { ["Key": $0.key, "Value": $0.value] }])
        }
        if !remove.isEmpty {
            _ = try await client.json(.secretsManager, "UntagResource", ["SecretId": name, "TagKeys": remove])
        }
    }

    /// An EC2 security group's `tagSet`.
    static func ec2Tags(_ g: XMLElement) -> [String: String] {
        var out: [String: String] = [:]
        for t in g["tagSet"]?.children ?? [] { if let k = t.string("key") { out[k] = t.string("value") ?? "" } }
        return out
    }

    /// `CreateTags` / `DeleteTags` so a security group's tags are exactly `want`.
    func reconcileEC2Tags(id: String, have: [String: String], want: [(key: String, value: String)]) async throws {
        let add = want.filter { have[$0.key] != $0.value }
        let wanted = Set(want.map(\.key))
        let remove = have.keys.filter { !wanted.contains($0) }.sorted()
        if !add.isEmpty {
            _ = try await client.query(.ec2, "CreateTags", [
                ("ResourceId", .list(member: nil, [.string(id)])),
                ("Tag", .list(member: nil, add.map { .structure([("Key", .string($0.key)), ("Value", .string($0.value))]) })),
            ])
        }
        if !remove.isEmpty {
            _ = try await client.query(.ec2, "DeleteTags", [
                ("ResourceId", .list(member: nil, [.string(id)])),
                ("Tag", .list(member: nil, remove.map { .structure([("Key", .string($0))]) })),
            ])
        }
    }

    static func tags(_ t: [(key: String, value: String)]) -> QueryValue {
        .list(member: ElastiCacheListMembers.tags, t.map { .structure([("Key", .string($0.key)), ("Value", .string($0.value))]) })
    }

    // MARK: EC2

    func securityGroup(name: String, vpc: String) async throws -> XMLElement? {
        let r = try await client.query(.ec2, "DescribeSecurityGroups", [
            ("Filter", .list(member: nil, [
                .structure([("Name", .string("group-name")), ("Value", .list(member: nil, [.string(name)]))]),
                .structure([("Name", .string("vpc-id")), ("Value", .list(member: nil, [.string(vpc)]))]),
            ])),
        ])
        return r["securityGroupInfo"]?.children.first
    }

    func securityGroup(id: String) async throws -> XMLElement? {
        do {
            let r = try await client.query(.ec2, "DescribeSecurityGroups", [("GroupId", .list(member: nil, [.string(id)]))])
            return r["securityGroupInfo"]?.children.first
        } catch let e as AWSError where e.code == "InvalidGroup.NotFound" {
            return nil
        }
    }

    /// The VPC of the first subnet, else the account's default VPC; with its CIDR.
    func vpc(subnets: [String], configured: String?) async throws -> (id: String, cidr: String?) {
        if !subnets.isEmpty {
            let r = try await client.query(.ec2, "DescribeSubnets", [("SubnetId", .list(member: nil, subnets.map { .string($0) }))])
            if let v = r["subnetSet"]?.children.first?.string("vpcId") {
                return (configured ?? v, try await vpcCIDR(configured ?? v))
            }
        }
        if let configured { return (configured, try await vpcCIDR(configured)) }
        let r = try await client.query(.ec2, "DescribeVpcs", [
            ("Filter", .list(member: nil, [.structure([("Name", .string("isDefault")), ("Value", .list(member: nil, [.string("true")]))])])),
        ])
        guard let v = r["vpcSet"]?.children.first, let id = v.string("vpcId") else {
            throw AWSError(service: .ec2, action: "DescribeVpcs", code: "NoDefaultVpc", message: "the account has no default VPC in \(client.region)", httpStatus: 400)
        }
        return (id, v.string("cidrBlock"))
    }

    func vpcCIDR(_ id: String) async throws -> String? {
        let r = try await client.query(.ec2, "DescribeVpcs", [("VpcId", .list(member: nil, [.string(id)]))])
        return r["vpcSet"]?.children.first?.string("cidrBlock")
    }

    /// Every subnet of a VPC (when the config names none).
    func subnets(vpc: String) async throws -> [String] {
        let r = try await client.query(.ec2, "DescribeSubnets", [
            ("Filter", .list(member: nil, [.structure([("Name", .string("vpc-id")), ("Value", .list(member: nil, [.string(vpc)]))])])),
        ])
        return (r["subnetSet"]?.children ?? []).compactMap { $0.string("subnetId") }.sorted()
    }

    // MARK: Secrets Manager

    /// DescribeSecret; nil on ResourceNotFoundException.
    func describeSecret(_ name: String) async throws -> [String: Any]? {
        do { return try await client.json(.secretsManager, "DescribeSecret", ["SecretId": name]) } catch let e as AWSError where e.code == "ResourceNotFoundException" {
            return nil
        }
    }

    /// The current string value; nil when the secret has none.
    func secretValue(_ name: String) async throws -> String? {
        do {
            return try await client.json(.secretsManager, "GetSecretValue", ["SecretId": name])["SecretString"] as? String
        } catch let e as AWSError where e.code == "ResourceNotFoundException" {
            return nil
        }
    }
}
