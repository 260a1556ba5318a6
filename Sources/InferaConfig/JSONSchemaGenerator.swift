import InferaDiagnostics

/// Turns `ConfigSchema` into a JSON Schema (draft 2020-12) for editors (yaml-language-server) and other tools.
public enum JSONSchemaGenerator {
    /// The schema's `$id`.
    public static let id = "https://github.com/infera/infera/schema/infera.schema.json"

    /// The whole document for `infera schema`.
    public static func document() -> JSONValue {
        guard case .object(var members) = schema(.object(ConfigSchema.root), summary: ConfigSchema.root.summary) else { return .null }
        members["$schema"] = .string("https://json-schema.org/draft/2020-12/schema")
        members["$id"] = .string(id)
        members["title"] = .string("infera.yaml")
        // Per cloud: which cache providers fit, and which cache shape applies when `cache.provider` is omitted.
        members["allOf"] = .array(CloudProvider.allCases.map { cloud in
            .object([
                "if": .object([
                    "properties": .object(["provider": .object(["const": .string(cloud.rawValue)])]),
                    "required": .array([.string("provider")]),
                ]),
                "then": .object(["properties": .object(["cache": .object([
                    "properties": .object(["provider": .object(["enum": .array(cloud.compatibleCacheProviders.map { .string($0.rawValue) })])]),
                    "if": .object(["not": .object(["required": .array([.string("provider")])])]),
                    "then": .object(objectSchema(ConfigSchema.cacheSchema(for: cloud.defaultCacheProvider))),
                ])])]),
            ])
        })
        return .object(members)
    }

    static func schema(_ type: SchemaType, summary: String? = nil, defaultValue: JSONValue? = nil) -> JSONValue {
        var s: [String: JSONValue] = [:]
        switch type {
        case .string(let rule):
            s = stringSchema(rule)
        case .integer(let lo, let hi):
            s["type"] = .string("integer")
            if let lo { s["minimum"] = .int(lo) }
            if let hi { s["maximum"] = .int(hi) }
        case .boolean:
            s["type"] = .string("boolean")
        case .enumeration(let values):
            s["type"] = .string("string")
            s["enum"] = .array(values.map(JSONValue.string))
        case .object(let object):
            s = objectSchema(object)
        case .map(let key, let value):
            s["type"] = .string("object")
            var names = stringSchema(key)
            names["type"] = nil
            if !names.isEmpty { s["propertyNames"] = .object(names) }
            s["additionalProperties"] = schema(value)
        case .list(let element, let lo, let hi, let unique):
            s["type"] = .string("array")
            s["items"] = schema(element)
            if let lo, lo > 0 { s["minItems"] = .int(lo) }
            if let hi { s["maxItems"] = .int(hi) }
            if unique { s["uniqueItems"] = .bool(true) }
        case .stringOrObject(let rule, let object):
            s["anyOf"] = .array([.object(stringSchema(rule)), .object(objectSchema(object))])
        case .variants(let discriminator, let variants):
            s["type"] = .string("object")
            s["properties"] = .object([discriminator: .object(["type": .string("string"), "enum": .array(variants.map { .string($0.value) })])])
            s["allOf"] = .array(variants.map { variant in
                .object([
                    "if": .object([
                        "properties": .object([discriminator: .object(["const": .string(variant.value)])]),
                        "required": .array([.string(discriminator)]),
                    ]),
                    "then": .object(objectSchema(variant.schema)),
                ])
            })
        }
        if let summary, !summary.isEmpty { s["description"] = .string(summary) }
        if let defaultValue { s["default"] = defaultValue }
        return .object(s)
    }

    private static func stringSchema(_ rule: StringRule) -> [String: JSONValue] {
        var s: [String: JSONValue] = ["type": .string("string")]
        if rule.unknownSeverity == .error, !rule.knownValues.isEmpty {
            s["enum"] = .array(rule.knownValues.map(JSONValue.string))
            return s
        }
        if let p = rule.pattern { s["pattern"] = .string(p) }
        if let n = rule.minLength { s["minLength"] = .int(n) }
        if let n = rule.maxLength { s["maxLength"] = .int(n) }
        if !rule.knownValues.isEmpty { s["examples"] = .array(rule.knownValues.map(JSONValue.string)) }
        if !rule.forbiddenPrefixes.isEmpty {
            s["not"] = .object(["pattern": .string("^(" + rule.forbiddenPrefixes.joined(separator: "|") + ")")])
        }
        return s
    }

    private static func objectSchema(_ object: ObjectSchema) -> [String: JSONValue] {
        var properties: [String: JSONValue] = [:]
        for p in object.properties {
            if let forbidden = p.forbidden {
                properties[p.name] = .object(["not": .object([:]), "description": .string(forbidden.message)])
            } else {
                properties[p.name] = schema(p.type, summary: p.summary, defaultValue: p.defaultValue)
            }
        }
        var s: [String: JSONValue] = [
            "type": .string("object"),
            "properties": .object(properties),
            "additionalProperties": .bool(false),
        ]
        let required = object.properties.filter(\.required).map { JSONValue.string($0.name) }
        if !required.isEmpty { s["required"] = .array(required) }
        if !object.summary.isEmpty { s["description"] = .string(object.summary) }
        return s
    }
}
