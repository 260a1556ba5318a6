/// What a plan does to one resource.
public enum ChangeAction: String, Sendable, Hashable, Codable, CaseIterable {
    case create, update, replace, delete, noop

    /// Terraform's marker: `+`, `~`, `-/+`, `-` (blank for no-op).
    public var marker: String {
        switch self {
        case .create: "+"
        case .update: "~"
        case .replace: "-/+"
        case .delete: "-"
        case .noop: " "
        }
    }
}

/// One attribute that differs between observed and desired state.
public struct AttributeChange: Sendable, Hashable, Codable {
    public var name: String
    public var before: AttributeValue?
    public var after: AttributeValue?
    /// True when this change forces replacement.
    public var forcesReplacement: Bool

    enum CodingKeys: String, CodingKey {
        case name, before, after, forcesReplacement = "forces_replacement"
    }
}

/// The planned change of one resource.
public struct ResourceChange: Sendable, Hashable, Codable {
    public var address: String
    public var type: String
    public var name: String
    public var action: ChangeAction
    /// Desired attributes (nil for delete).
    public var after: AttributeMap?
    /// Observed attributes (nil for create), sorted by name.
    public var before: AttributeMap?
    /// For update / replace: the attributes that differ.
    public var changedAttributes: [AttributeChange]
    /// What the change does beyond its attributes, shown under its header (`online resharding 3 → 4 shards: …`).
    public var notes: [String]? = nil

    enum CodingKeys: String, CodingKey {
        case address, type, name, action, after, before, changedAttributes = "changed_attributes", notes
    }
}

/// Computes changes between desired resources and observed state, Terraform's way: a resource
/// that does not exist is created, one whose force-new attribute differs is replaced, one whose
/// other known attributes differ is updated, an observed resource infera no longer wants is deleted.
public enum Differ {
    public static func diff(desired: [DesiredResource], observed: ObservedState) -> [ResourceChange] {
        var changes: [ResourceChange] = []
        let wanted = Set(desired.map(\.address))
        for d in desired {
            guard let o = observed.resources[d.address] else {
                changes.append(ResourceChange(address: d.address, type: d.type, name: d.name, action: .create,
                                              after: AttributeMap(d.attributes), before: nil, changedAttributes: []))
                continue
            }
            var changed: [AttributeChange] = impliedChanges(d, o)
            for a in d.attributes where a.value.isKnown {
                let before = o.attributes[a.name]
                if before != a.value && !sameResource(type: d.type, attribute: a.name, before, a.value) {
                    changed.append(AttributeChange(name: a.name, before: before, after: a.value,
                                                   forcesReplacement: d.forceNew.contains(a.name)
                                                       || isOneWayBack(type: d.type, attribute: a.name, before: before, after: a.value)))
                }
            }
            for name in d.clearable where d[name] == nil {
                if case .list(let items)? = o.attributes[name], !items.isEmpty {
                    changed.append(AttributeChange(name: name, before: .list(items), after: .list([]), forcesReplacement: d.forceNew.contains(name)))
                }
            }
            let action: ChangeAction = changed.isEmpty ? .noop : (changed.contains { $0.forcesReplacement } ? .replace : .update)
            let before = o.attributes.sorted { $0.key < $1.key }.map { Attribute($0.key, $0.value) }
            changes.append(ResourceChange(address: d.address, type: d.type, name: d.name, action: action,
                                          after: AttributeMap(d.attributes), before: AttributeMap(before), changedAttributes: changed))
        }
        for (address, o) in observed.resources.sorted(by: { $0.key < $1.key }) where !wanted.contains(address) {
            changes.append(ResourceChange(address: address, type: o.type, name: o.name, action: .delete, after: nil,
                                          before: AttributeMap(o.attributes.sorted { $0.key < $1.key }.map { Attribute($0.key, $0.value) }),
                                          changedAttributes: []))
        }
        return changes
    }
}

extension Differ {
    /// Attributes that change in place only forwards (values in order): going back replaces the
    /// resource. Memorystore upgrades its version in place but cannot downgrade, and cannot turn
    /// read replicas off once on.
    public static let oneWay: [String: [String: [String]]] = [
        "google_redis_instance": [
            "redis_version": ["REDIS_3_2", "REDIS_4_0", "REDIS_5_0", "REDIS_6_X", "REDIS_7_0", "REDIS_7_2"],
            "read_replicas_mode": ["READ_REPLICAS_DISABLED", "READ_REPLICAS_ENABLED"],
        ],
    ]

    /// Attributes holding a reference to another resource that the provider accepts as a self-link, a
    /// path or a bare name (the Google provider's `CompareSelfLinkOrResourceName`).
    public static let resourceReferences: [String: Set<String>] = ["google_redis_instance": ["authorized_network"]]

    /// True when `before` and `after` name the same resource: equal paths (after dropping a self-link's
    /// URL prefix), or equal last segments when either side is a bare name.
    public static func sameResource(type: String, attribute: String, _ before: AttributeValue?, _ after: AttributeValue) -> Bool {
        guard resourceReferences[type]?.contains(attribute) == true, case .string(let b)? = before, case .string(let a) = after else { return false }
        func path(_ s: String) -> String {
            guard let r = s.firstRange(of: "/projects/") else { return s }
            return String(s[s.index(after: r.lowerBound)...])
        }
        let pb = path(b), pa = path(a)
        if !pb.contains("/") || !pa.contains("/") {
            return pb.split(separator: "/").last == pa.split(separator: "/").last
        }
        return pb == pa
    }

    static func isOneWayBack(type: String, attribute: String, before: AttributeValue?, after: AttributeValue) -> Bool {
        guard let order = oneWay[type]?[attribute], case .string(let b)? = before, case .string(let a) = after,
              let bi = order.firstIndex(of: b), let ai = order.firstIndex(of: a) else { return false }
        return ai < bi
    }
}

/// `Plan: N to add, M to change, K to destroy.` counts (a replacement adds one and destroys one).
public struct ChangeSummary: Sendable, Hashable, Codable {
    public var add: Int
    public var change: Int
    public var destroy: Int

    public init(_ changes: [ResourceChange]) {
        add = changes.filter { $0.action == .create || $0.action == .replace }.count
        change = changes.filter { $0.action == .update }.count
        destroy = changes.filter { $0.action == .delete || $0.action == .replace }.count
    }

    public var hasChanges: Bool { add + change + destroy > 0 }
}
