import Foundation
import Testing

/// Every example's expected.json validates against docs/detect.schema.json (python-jsonschema from the
/// project's .venv; the test is skipped with a note when the venv is not set up).
struct SchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func expectedReportsMatchTheDocumentedSchema() throws {
        let python = Self.root.appendingPathComponent(".venv/bin/python").path
        guard FileManager.default.isExecutableFile(atPath: python) else {
            Issue.record("no .venv/bin/python: run `make setup` to check the schema")
            return
        }
        let script = """
        import glob, json, sys
        import jsonschema
        schema = json.load(open(sys.argv[1]))
        jsonschema.Draft202012Validator.check_schema(schema)
        v = jsonschema.Draft202012Validator(schema)
        files = sorted(glob.glob(sys.argv[2] + '/*/expected.json'))
        assert files, 'no expected.json files'
        bad = 0
        checked = 0
        for f in files:
            doc = json.load(open(f))
            if 'truth' in doc:
                continue
            checked += 1
            for e in v.iter_errors(doc):
                bad += 1
                print(f, list(e.path), e.message)
        print('checked', checked)
        sys.exit(1 if bad else 0)
        """
        let p = Process()
        p.executableURL = URL(fileURLWithPath: python)
        p.arguments = ["-c", script, Self.root.appendingPathComponent("docs/detect.schema.json").path, Self.root.appendingPathComponent("Examples/apps").path]
        let out = Pipe()
        p.standardOutput = out
        p.standardError = out
        try p.run()
        let text = String(decoding: out.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        p.waitUntilExit()
        #expect(p.terminationStatus == 0, "\(text)")
        #expect(text.contains("checked 11"))   // every example app with an expected.json
    }
}
