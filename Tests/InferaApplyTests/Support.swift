import Foundation
import InferaTestSupport

/// A temporary project directory holding an Upstash infera.yaml.
struct UpstashProject {
    let dir: String
    var config: String { dir + "/infera.yaml" }

    init(name: String = "shop", environment: String = "staging", budget: Int = 50, eviction: Bool = true,
         readRegions: [String] = ["eu-west-1"]) throws {
        dir = NSTemporaryDirectory() + "infera-apply-\(UUID().uuidString.prefix(8))"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        try write(name: name, environment: environment, budget: budget, eviction: eviction, readRegions: readRegions)
    }

    func write(name: String = "shop", environment: String = "staging", budget: Int = 50, eviction: Bool = true,
               readRegions: [String] = ["eu-west-1"]) throws {
        let regions = readRegions.isEmpty ? "" : "  read_regions:\n" + readRegions.map { "    - \($0)\n" }.joined()
        let yaml = """
        project_name: \(name)
        provider: upstash
        region: us-east-1
        environment: \(environment)
        cache:
          type: redis
          provider: upstash
        \(regions)  tls: true
          eviction: \(eviction)
          plan: payg
          budget: \(budget)
        application:
          service: vercel
          env:
            REDIS_URL:
              from_secret: \(name)-redis-url

        """
        try yaml.write(toFile: config, atomically: true, encoding: .utf8)
    }

    func remove() { try? FileManager.default.removeItem(atPath: dir) }

    /// Every file under the project directory (infera's journal and lock included).
    func files() -> [String] {
        guard let e = FileManager.default.enumerator(atPath: dir) else { return [] }
        return e.compactMap { $0 as? String }.map { dir + "/" + $0 }.filter {
            var isDir: ObjCBool = false
            return FileManager.default.fileExists(atPath: $0, isDirectory: &isDir) && !isDir.boolValue
        }
    }

    func journal() -> String { String(decoding: FileManager.default.contents(atPath: dir + "/.infera/\(projectName)/journal.json") ?? Data(), as: UTF8.self) }

    var projectName: String {
        let text = (try? String(contentsOfFile: config, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").first { $0.hasPrefix("project_name:") }.map { String($0.dropFirst(13)).trimmingCharacters(in: .whitespaces) } ?? "shop"
    }
}

/// `infera` against a fake, in a project directory.
struct Infera {
    let project: UpstashProject
    var env: [String: String]

    init(_ project: UpstashProject, _ fake: UpstashFake, extra: [String: String] = [:]) {
        self.project = project
        env = InferaRunner.environment(fake.environment.merging(extra) { $1 })
    }

    func run(_ args: String..., timeout: TimeInterval = 60) throws -> InferaRunner.Result {
        try InferaRunner.run(args, cwd: project.dir, env: env, timeout: timeout)
    }

    func run(_ args: [String], timeout: TimeInterval = 60) throws -> InferaRunner.Result {
        try InferaRunner.run(args, cwd: project.dir, env: env, timeout: timeout)
    }
}
