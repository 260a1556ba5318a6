/// A value of a resource attribute as the plan shows it.
public indirect enum AttributeValue: Sendable, Hashable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case list([AttributeValue])
    case object([Attribute])
    /// Known only after apply (a computed attribute or a reference to one).
    case unknown
    /// A secret: never shown, never stored.
    case sensitive

    public static func int(_ n: Int) -> AttributeValue { .number(Double(n)) }

    /// The same value with object members sorted by name at every level (the canonical form).
    public var normalized: AttributeValue {
        switch self {
        case .list(let l): .list(l.map(\.normalized))
        case .object(let o): .object(o.map { Attribute($0.name, $0.value.normalized) }.sorted { $0.name < $1.name })
        default: self
        }
    }

    /// True when the value can be compared with observed state.
    public var isKnown: Bool {
        switch self {
        case .unknown, .sensitive: false
        case .list(let l): l.allSatisfy(\.isKnown)
        case .object(let o): o.allSatisfy(\.value.isKnown)
        default: true
        }
    }
}

/// One named attribute (order is kept: the plan shows attributes sorted by name).
public struct Attribute: Sendable, Hashable, Codable {
    public var name: String
    public var value: AttributeValue
    public init(_ name: String, _ value: AttributeValue) {
        self.name = name
        self.value = value
    }
}

/// A resource infera wants to exist.
public struct DesiredResource: Sendable, Hashable, Codable {
    /// Terraform type, e.g. `google_redis_instance`.
    public var type: String
    /// Terraform name, e.g. `main`.
    public var name: String
    /// Attributes sorted by name.
    public var attributes: [Attribute]
    /// Attributes whose change replaces the resource (force-new).
    public var forceNew: [String]
    /// List attributes infera manages although they are left out when empty: when the
    /// configuration drops them, a live non-empty value is planned as a change to `[]`
    /// (as Terraform plans removing an optional list), not silently kept.
    public var clearable: [String]

    public init(type: String, name: String, attributes: [Attribute], forceNew: [String] = [], clearable: [String] = []) {
        self.type = type
        self.name = name
        self.attributes = attributes.map { Attribute($0.name, $0.value.normalized) }.sorted { $0.name < $1.name }
        self.forceNew = forceNew.sorted()
        self.clearable = clearable.sorted()
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        try self.init(type: c.decode(String.self, forKey: .type), name: c.decode(String.self, forKey: .name),
                      attributes: c.decode([Attribute].self, forKey: .attributes),
                      forceNew: c.decodeIfPresent([String].self, forKey: .forceNew) ?? [],
                      clearable: c.decodeIfPresent([String].self, forKey: .clearable) ?? [])
    }

    /// `type.name`.
    public var address: String { "\(type).\(name)" }

    public subscript(_ name: String) -> AttributeValue? { attributes.first { $0.name == name }?.value }

    enum CodingKeys: String, CodingKey {
        case type, name, attributes, forceNew = "force_new", clearable
    }
}

extension AttributeValue: Codable {
    // JSON shape: strings, numbers, booleans, arrays and objects as themselves;
    // unknown as {"$unknown": true}; sensitive as {"$sensitive": true} (the value is never stored).
    public init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if let b = try? c.decode(Bool.self) { self = .bool(b); return }
        if let n = try? c.decode(Double.self) { self = .number(n); return }
        if let s = try? c.decode(String.self) { self = .string(s); return }
        if let l = try? c.decode([AttributeValue].self) { self = .list(l); return }
        let o = try c.decode([String: AttributeValue].self)
        if o["$unknown"] != nil { self = .unknown; return }
        if o["$sensitive"] != nil { self = .sensitive; return }
        self = .object(o.sorted { $0.key < $1.key }.map { Attribute($0.key, $0.value) })
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .string(let s): try c.encode(s)
        case .number(let n):
            if n == n.rounded(), abs(n) < 1e15 { try c.encode(Int(n)) } else { try c.encode(n) }
        case .bool(let b): try c.encode(b)
        case .list(let l): try c.encode(l)
        case .object(let o):
            var d: [String: AttributeValue] = [:]
            for a in o { d[a.name] = a.value }
            try c.encode(d)
        case .unknown: try c.encode(["$unknown": true])
        case .sensitive: try c.encode(["$sensitive": true])
        }
    }
}

/// What exists today, as read from the provider (the apply work supplies it; offline it is empty).
public struct ObservedState: Sendable, Hashable, Codable {
    /// Observed resources by address (`type.name`).
    public var resources: [String: ObservedResource]
    /// Where the state came from (`none`, `gcp`, `aws`, `upstash`, a file …) for display.
    public var source: String

    public init(resources: [String: ObservedResource] = [:], source: String = "none") {
        self.resources = resources
        self.source = source
    }

    /// Nothing exists (offline planning).
    public static let empty = ObservedState()

    enum CodingKeys: String, CodingKey {
        case resources, source
    }
}

/// One observed resource with the attributes the provider reported.
public struct ObservedResource: Sendable, Hashable, Codable {
    public var type: String
    public var name: String
    public var attributes: [String: AttributeValue]
    public init(type: String, name: String, attributes: [String: AttributeValue]) {
        self.type = type
        self.name = name
        self.attributes = attributes
    }
    public var address: String { "\(type).\(name)" }

    enum CodingKeys: String, CodingKey {
        case type, name, attributes
    }
}

/// Attributes in name order, encoded as a JSON object (`{"name": value}`).
public struct AttributeMap: Sendable, Hashable, Codable {
    public var attributes: [Attribute]

    public init(_ attributes: [Attribute]) {
        self.attributes = attributes.sorted { $0.name < $1.name }
    }

    public subscript(_ name: String) -> AttributeValue? { attributes.first { $0.name == name }?.value }

    public init(from decoder: any Decoder) throws {
        let d = try decoder.singleValueContainer().decode([String: AttributeValue].self)
        self.init(d.map { Attribute($0.key, $0.value) })
    }

    public func encode(to encoder: any Encoder) throws {
        var d: [String: AttributeValue] = [:]
        for a in attributes { d[a.name] = a.value }
        var c = encoder.singleValueContainer()
        try c.encode(d)
    }
}
