import Foundation
import InferaConfig
import InferaDiagnostics
import Testing

@Suite struct SchemaTests {
    static func walk(_ object: ObjectSchema, path: String, _ visit: (String, PropertySchema) -> Void) {
        for p in object.properties {
            let here = path.isEmpty ? p.name : path + "." + p.name
            visit(here, p)
            switch p.type {
            case .object(let o): walk(o, path: here, visit)
            case .variants(_, let variants): for v in variants { walk(v.schema, path: here + "<\(v.value)>", visit) }
            default: break
            }
        }
    }

    @Test func everyKeyIsDocumented() {
        var missing: [String] = []
        Self.walk(ConfigSchema.root, path: "") { path, p in if p.summary.isEmpty { missing.append(path) } }
        #expect(missing.isEmpty, "undocumented keys: \(missing)")
    }

    @Test func jsonSchemaIsValidJSONAndDraft202012() throws {
        let text = JSONSchemaGenerator.document().rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        #expect(object["$schema"] as? String == "https://json-schema.org/draft/2020-12/schema")
        let properties = try #require(object["properties"] as? [String: Any])
        #expect(Set(properties.keys) == Set(ConfigSchema.root.properties.map(\.name)))
        #expect(object["required"] as? [String] == ["project_name", "provider", "cache"])
        #expect(JSONSchemaGenerator.document().rendered() == text, "output must be deterministic")
    }

    @Test func jsonSchemaCarriesEnumsAndRangesFromTheSameSource() throws {
        let text = JSONSchemaGenerator.document().rendered()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
        let cache = try #require((object["properties"] as? [String: Any])?["cache"] as? [String: Any])
        let branches = try #require(cache["allOf"] as? [[String: Any]])
        #expect(branches.count == CacheProvider.allCases.count)
        let memorystore = try #require(branches.first?["then"] as? [String: Any])
        let instance = try #require((memorystore["properties"] as? [String: Any])?["instance"] as? [String: Any])
        let props = try #require(instance["properties"] as? [String: Any])
        let tier = try #require(props["tier"] as? [String: Any])
        #expect(tier["enum"] as? [String] == MemorystoreTier.allCases.map(\.rawValue))
        #expect(tier["default"] as? String == "BASIC")
        let memory = try #require(props["memory_size_gb"] as? [String: Any])
        #expect(memory["minimum"] as? Int == 1 && memory["maximum"] as? Int == 300)
        #expect(instance["additionalProperties"] as? Bool == false)
        // Upstash rejects networking in the schema too.
        let upstash = try #require(branches.last?["then"] as? [String: Any])
        let networking = try #require((upstash["properties"] as? [String: Any])?["networking"] as? [String: Any])
        #expect(networking["not"] != nil)
    }

    @Test func schemaPatternsAreValidRegexes() throws {
        var patterns: [String] = []
        func collect(_ type: SchemaType) {
            switch type {
            case .string(let r): if let p = r.pattern { patterns.append(p) }
            case .map(let k, let v): if let p = k.pattern { patterns.append(p) }; collect(v)
            case .list(let e, _, _, _): collect(e)
            case .stringOrObject(let r, let o): if let p = r.pattern { patterns.append(p) }; o.properties.forEach { collect($0.type) }
            case .object(let o): o.properties.forEach { collect($0.type) }
            case .variants(_, let vs): vs.forEach { $0.schema.properties.forEach { collect($0.type) } }
            default: break
            }
        }
        collect(.object(ConfigSchema.root))
        #expect(patterns.count > 15)
        for p in patterns {
            #expect(Pattern.compiles(p), "not a POSIX ERE: \(p)")
            #expect((try? Regex(p)) != nil, "not a portable regex: \(p)")
        }
    }
}

/// The generated JSON Schema, checked by an independent implementation (python-jsonschema from the project venv).
@Suite struct JSONSchemaConformanceTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func examplesPassAndBrokenFilesFailUnderPythonJSONSchema() throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python")
        try #require(FileManager.default.isExecutableFile(atPath: python.path), "run scripts/setup.sh to create .venv")
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("infera-schema-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dir) }
        let schemaFile = dir.appendingPathComponent("schema.json")
        try JSONSchemaGenerator.document().rendered().write(to: schemaFile, atomically: true, encoding: .utf8)
        let golden = Self.root.appendingPathComponent("Tests/InferaConfigTests/Golden")
        let script = """
        import json, sys, yaml, jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        v = jsonschema.Draft202012Validator(schema)
        good, bad = sys.argv[2].split(","), sys.argv[3].split(",")
        for f in good:
            errs = [e.message for e in v.iter_errors(yaml.safe_load(open(f)))]
            assert not errs, (f, errs)
        for f in bad:
            assert list(v.iter_errors(yaml.safe_load(open(f)))), ("accepted", f)
        print("ok", len(good), len(bad))
        """
        let good = ["gcp-memorystore", "aws-elasticache", "upstash"].map { Self.root.appendingPathComponent("Examples/\($0)/infera.yaml").path }
        let bad = ["unknown-key", "enum-typo", "out-of-range", "upstash-networking", "unknown-node-type", "provider-mismatch",
                   "wrong-type", "missing-required", "unknown-key-other-provider"]
            .map { golden.appendingPathComponent("\($0)/input.yaml").path }
        let process = Process()
        process.executableURL = python
        process.arguments = ["-c", script, schemaFile.path, good.joined(separator: ","), bad.joined(separator: ",")]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = out
        try process.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        #expect(process.terminationStatus == 0, "\(text)")
        #expect(text.hasPrefix("ok 3 9"))
    }
}
