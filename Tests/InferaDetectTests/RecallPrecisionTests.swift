import Foundation
import Testing
@testable import InferaDetect

/// Example apps whose `expected.json` is a hand-checked truth (`"truth"`): every Redis library declaration and every
/// place the application touches Redis. Detection's reported locations are compared with it; each app must reach
/// recall ≥ 0.9 and precision ≥ 0.8. The figures are printed per app.
struct RecallPrecisionTests {
    struct Truth: Decodable {
        struct Lib: Decodable { let package: String; let manifest: String; let line: Int }
        let truth: String
        let libraries: [Lib]
        let locations: [String]
    }

    static let truthApps: [String] = ExampleAppsTests.apps.filter { app in
        guard let d = FileManager.default.contents(atPath: ExampleAppsTests.appsDir + "/" + app + "/expected.json") else { return false }
        return (try? JSONDecoder().decode(Truth.self, from: d)) != nil
    }

    /// Every `path:line` the report claims is Redis use: library declarations and their version locations (conditional
    /// ones only when resolved to Redis), settings (backend choices only when they select Redis), every production
    /// command call, production evidence, environment variables and infrastructure.
    static func reportedLocations(_ r: DetectionReport) -> Set<String> {
        var out = Set<String>()
        for l in r.client_libraries where !l.conditional || l.resolved == "redis" {
            for loc in l.locations { out.insert("\(loc.manifest):\(loc.line)") }
        }
        for s in r.settings where s.kind != "backend" || s.redis == true { out.insert("\(s.path):\(s.line)") }
        for c in r.commands { for u in c.uses where u.scope == "production" { out.insert("\(u.path):\(u.line)") } }
        for e in r.evidence where e.scope == "production" { out.insert("\(e.path):\(e.line)") }
        for e in r.env_vars { out.insert("\(e.path):\(e.line)") }
        for i in r.infrastructure { out.insert("\(i.path):\(i.line)") }
        return out
    }

    @Test func thereAreTruthApps() {
        #expect(Self.truthApps.count >= 7)
    }

    @Test(arguments: truthApps)
    func recallAndPrecision(_ app: String) throws {
        let dir = ExampleAppsTests.appsDir + "/" + app
        let truth = try JSONDecoder().decode(Truth.self, from: Data(contentsOf: URL(fileURLWithPath: dir + "/expected.json")))
        let report = Detector.detect(root: dir, options: DetectOptions(useGit: false, excludedNames: ["expected.json"]))
        let expected = Set(truth.locations)
        let reported = Self.reportedLocations(report)
        let hits = expected.intersection(reported)
        let recall = Double(hits.count) / Double(max(1, expected.count))
        let precision = Double(hits.count) / Double(max(1, reported.count))
        print("recall/precision \(app): recall \(String(format: "%.2f", recall)) (\(hits.count)/\(expected.count)), precision \(String(format: "%.2f", precision)) (\(hits.count)/\(reported.count)); missed \(expected.subtracting(reported).sorted()); extra \(reported.subtracting(expected).sorted())")
        #expect(recall >= 0.9, "recall \(recall) for \(app); missed \(expected.subtracting(reported).sorted())")
        #expect(precision >= 0.8, "precision \(precision) for \(app); extra \(reported.subtracting(expected).sorted())")
        #expect(report.uses_redis)
        // Every hand-listed library is reported at its manifest line.
        for lib in truth.libraries {
            #expect(report.client_libraries.contains { $0.package == lib.package && $0.manifest == lib.manifest && $0.line == lib.line }, "\(app): library \(lib.package) at \(lib.manifest):\(lib.line) not reported")
        }
    }
}
