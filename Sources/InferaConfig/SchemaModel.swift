import InferaDiagnostics

// A small description language for infera.yaml. The validator walks it, the loader takes its defaults from it, and
// `infera schema` turns it into JSON Schema: one source of truth.

/// Rules for a string value. Patterns are POSIX extended regular expressions that are also valid ECMA-262 (JSON Schema).
public struct StringRule: Sendable {
    /// An anchored regular expression the value must match (also emitted as the JSON Schema `pattern`).
    public var pattern: String?
    /// The pattern in words, for messages ("lowercase letters, digits and '-'").
    public var patternDescription: String?
    public var minLength: Int?
    public var maxLength: Int?
    /// Values we know of; used for did-you-mean and, when `unknownSeverity` is set, to flag others.
    public var knownValues: [String]
    /// Severity of a value outside `knownValues` (nil: accept it silently).
    public var unknownSeverity: Severity?
    /// Example values for documentation.
    public var examples: [String]
    /// Prefixes the value must not start with (e.g. `aws:` for AWS tag keys).
    public var forbiddenPrefixes: [String]

    public init(pattern: String? = nil, patternDescription: String? = nil, minLength: Int? = nil, maxLength: Int? = nil,
                knownValues: [String] = [], unknownSeverity: Severity? = nil, examples: [String] = [], forbiddenPrefixes: [String] = []) {
        self.forbiddenPrefixes = forbiddenPrefixes
        self.pattern = pattern
        self.patternDescription = patternDescription
        self.minLength = minLength
        self.maxLength = maxLength
        self.knownValues = knownValues
        self.unknownSeverity = unknownSeverity
        self.examples = examples
    }

    /// Any string.
    public static let any = StringRule()
}

/// The type of a value in infera.yaml.
public indirect enum SchemaType: Sendable {
    case string(StringRule)
    case integer(min: Int?, max: Int?)
    case boolean
    /// One of a closed set of strings (case-sensitive; typos get a did-you-mean).
    case enumeration([String])
    case object(ObjectSchema)
    /// A mapping with free keys (labels, tags, env).
    case map(key: StringRule, value: SchemaType)
    case list(of: SchemaType, minItems: Int?, maxItems: Int?, unique: Bool)
    /// A plain string, or a mapping of the given shape (e.g. an env value or `{from_secret: name}`).
    case stringOrObject(StringRule, ObjectSchema)
    /// An object whose shape is chosen by the value of `discriminator` (e.g. `cache.provider`).
    case variants(discriminator: String, [SchemaVariant])

    /// "an integer", "a boolean", … for messages.
    public var expectation: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .boolean: "a boolean (true or false)"
        case .enumeration: "one of the listed values"
        case .object, .variants: "a mapping"
        case .map: "a mapping"
        case .list: "a list"
        case .stringOrObject: "a string or a mapping"
        }
    }
}

/// One shape of a `.variants` object.
public struct SchemaVariant: Sendable {
    /// The discriminator value that selects it.
    public var value: String
    public var schema: ObjectSchema

    public init(value: String, schema: ObjectSchema) {
        self.value = value
        self.schema = schema
    }
}

/// A key that must not be used in this place, with the reason.
public struct ForbiddenKey: Sendable {
    public var message: String
    public var hint: String?

    public init(message: String, hint: String? = nil) {
        self.message = message
        self.hint = hint
    }
}

/// One key of an object.
public struct PropertySchema: Sendable {
    public var name: String
    public var type: SchemaType
    /// One sentence for docs, JSON Schema `description` and editor tooltips.
    public var summary: String
    public var required: Bool
    /// The value used when the key is absent (nil: no default, or one that depends on other values — see summary).
    public var defaultValue: JSONValue?
    /// Set when the key is known but not allowed here; validation reports it with this message.
    public var forbidden: ForbiddenKey?

    /// A key; an object-typed key without a summary takes its object's summary.
    public init(_ name: String, _ type: SchemaType, _ summary: String = "", required: Bool = false, default defaultValue: JSONValue? = nil,
                forbidden: ForbiddenKey? = nil) {
        self.name = name
        self.type = type
        if summary.isEmpty, case .object(let o) = type {
            self.summary = o.summary
        } else {
            self.summary = summary
        }
        self.required = required
        self.defaultValue = defaultValue
        self.forbidden = forbidden
    }
}

/// A mapping with a fixed set of keys.
public struct ObjectSchema: Sendable {
    public var summary: String
    public var properties: [PropertySchema]

    public init(_ summary: String, _ properties: [PropertySchema]) {
        self.summary = summary
        self.properties = properties
    }

    /// The property called `name`, if any.
    public func property(_ name: String) -> PropertySchema? { properties.first { $0.name == name } }

    /// Names of the keys that may be written (forbidden ones excluded).
    public var allowedKeys: [String] { properties.filter { $0.forbidden == nil }.map(\.name) }
}
