import Foundation
import InferaAWS
import Testing

/// The repository's copy of shared/reference (Tests/Fixtures/reference).
enum Fixtures {
    static let root: String = {
        var url = URL(fileURLWithPath: #filePath)
        url.deleteLastPathComponent() // InferaAWSTests
        url.deleteLastPathComponent() // Tests
        return url.appendingPathComponent("Fixtures/reference").path
    }()

    static func text(_ relative: String) throws -> String {
        try String(contentsOfFile: root + "/" + relative, encoding: .utf8)
    }
}

/// One case of the official AWS SigV4 test suite.
struct SuiteCase: CustomStringConvertible, Sendable {
    var name: String
    var dir: String
    var description: String { name }

    static let all: [SuiteCase] = {
        let base = Fixtures.root + "/aws-sigv4-testsuite"
        var out: [SuiteCase] = []
        let fm = FileManager.default
        guard let e = fm.enumerator(atPath: base) else { return [] }
        while let rel = e.nextObject() as? String {
            if rel.hasSuffix(".req") {
                let dir = (base + "/" + rel as NSString).deletingLastPathComponent
                out.append(SuiteCase(name: ((rel as NSString).lastPathComponent as NSString).deletingPathExtension, dir: dir))
            }
        }
        return out.sorted { $0.name < $1.name }
    }()

    func file(_ ext: String) throws -> String { try String(contentsOfFile: "\(dir)/\(name).\(ext)", encoding: .utf8) }
}

/// Parses a `.req` file: request line, headers (continuation lines folded with one space), blank line, body.
func parseRawRequest(_ text: String) -> SigV4Signer.Request {
    var lines = text.components(separatedBy: "\n")
    let first = lines.removeFirst()
    let method = String(first.prefix { $0 != " " })
    var target = String(first.dropFirst(method.count + 1))
    if let r = target.range(of: " HTTP/", options: .backwards) { target = String(target[..<r.lowerBound]) }
    var headers: [(String, String)] = []
    var bodyLines: [String] = []
    var inBody = false
    for line in lines {
        if inBody { bodyLines.append(line); continue }
        if line.isEmpty { inBody = true; continue }
        if line.first == " " || line.first == "\t", !headers.isEmpty {
            headers[headers.count - 1].1 += " " + line.trimmingCharacters(in: .whitespaces)
            continue
        }
        let colon = line.firstIndex(of: ":")!
        headers.append((String(line[..<colon]), String(line[line.index(after: colon)...])))
    }
    var path = target
    var query: [(String, String)] = []
    if let q = target.firstIndex(of: "?") {
        path = String(target[..<q])
        query = QuerySerializer.parseForm(String(target[target.index(after: q)...]))
    }
    return SigV4Signer.Request(method: method, path: Percent.decode(path), query: query, headers: headers,
                               body: Array(bodyLines.joined(separator: "\n").utf8))
}

let suiteCredentials = AWSCredentials(accessKeyID: "AKIDEXAMPLE", secretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY")
let suiteTime: Int64 = 1_440_938_160 // 20150830T123600Z
let stsToken = "AQoDYXdzEPT//////////wEXAMPLEtc764bNrC9SAPBSM22wDOk4x4HIZ8j4FZTwdQWLWsKWHGBuFqwAeMicRXmxfpSPfIeoIYRqTflfKD8YUuwthAx7mSEI/qkPpKPi/kMcGdQrmGdeehM4IC1NtBmUpp2wUE8phUZampKsburEDy0KPkyQDYwT7WZ0wq5VSXDvp75YU9HFvlRd8Tx6q6fE8YQcHNVXAkiY9q6d+xo0rKwT38xVqr7ZD0u0iPPkUL64lIZbqBAz+scqKmlzm8FDrypNC9Yjc8fPOLn9FX9KSYvKTr4rvx3iSIlTJabIQwj2ICCR/oLxBA=="

@Suite("SigV4")
struct SigV4Tests {
    @Test func suiteHasAllCases() {
        #expect(SuiteCase.all.count == 34)
        #expect(SigV4Signer.amzDate(suiteTime) == "20150830T123600Z")
    }

    @Test(arguments: SuiteCase.all)
    func officialVector(_ c: SuiteCase) throws {
        let req = parseRawRequest(try c.file("req"))
        var creds = suiteCredentials
        var signToken = true
        switch c.name {
        case "get-vanilla-with-session-token":
            creds.sessionToken = Redacted("6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267")
        case "post-sts-header-before":
            creds.sessionToken = Redacted(stsToken)
        case "post-sts-header-after":
            creds.sessionToken = Redacted(stsToken)
            signToken = false
        default: break
        }
        let signer = SigV4Signer(service: "service", region: "us-east-1")
        let s = signer.sign(req, credentials: creds, unixTime: suiteTime, signToken: signToken)
        #expect(s.canonicalRequest == (try c.file("creq")), "canonical request of \(c.name)")
        #expect(s.stringToSign == (try c.file("sts")), "string to sign of \(c.name)")
        #expect(s.authorization == (try c.file("authz")), "authorization of \(c.name)")
    }

    /// `aws-elasticache-sigv4-examples.txt`: four ElastiCache Query requests signed by botocore.
    @Test func elasticacheExamples() throws {
        let text = try Fixtures.text("aws-elasticache-sigv4-examples.txt")
        let cases = text.components(separatedBy: "### case: ").dropFirst()
        #expect(cases.count == 4)
        for block in cases {
            let name = String(block.prefix { $0 != "\n" })
            let region = block.components(separatedBy: "region=")[1].prefix { $0 != " " }
            func section(_ title: String, _ next: String) -> String {
                let after = block.components(separatedBy: "--- \(title)\n")[1]
                return after.components(separatedBy: "\n--- \(next)")[0]
            }
            let raw = section("request (.req)", "canonical request")
            let creq = section("canonical request (.creq)", "string to sign")
            let sts = section("string to sign (.sts)", "Authorization")
            let authz = block.components(separatedBy: "--- Authorization header (.authz)\n")[1].components(separatedBy: "\n")[0]
            var req = parseRawRequest(raw)
            var creds = suiteCredentials
            if let tok = req.headers.first(where: { $0.0 == "X-Amz-Security-Token" }) {
                creds.sessionToken = Redacted(tok.1)
                req.headers.removeAll { $0.0 == "X-Amz-Security-Token" }
            }
            // The body the examples sign is exactly what the Query serializer writes.
            let form = String(decoding: req.body, as: UTF8.self)
            let pairs = QuerySerializer.parseForm(form)
            #expect(QuerySerializer.formBody(pairs) == form, "re-encoding of \(name)")
            let s = SigV4Signer(service: "elasticache", region: String(region)).sign(req, credentials: creds, unixTime: suiteTime)
            #expect(s.canonicalRequest == creq, "\(name)")
            #expect(s.stringToSign == sts, "\(name)")
            #expect(s.authorization == authz, "\(name)")
        }
    }

    /// The Secrets Manager known-answer vector in aws-secretsmanager.md.
    @Test func secretsManagerExample() throws {
        let md = try Fixtures.text("aws-secretsmanager.md")
        let expected = md.components(separatedBy: "→ `Authorization: ")[1].components(separatedBy: "`")[0]
        let req = SigV4Signer.Request(method: "POST", headers: [
            ("Content-Type", "application/x-amz-json-1.1"), ("Host", "secretsmanager.us-east-1.amazonaws.com"),
            ("X-Amz-Target", "secretsmanager.GetSecretValue"),
        ], body: Array(#"{"SecretId":"infera/demo/redis"}"#.utf8))
        let s = SigV4Signer(service: "secretsmanager", region: "us-east-1").sign(req, credentials: suiteCredentials, unixTime: suiteTime)
        #expect(s.authorization == expected)
        #expect(s.stringToSign.hasSuffix("536fea30853122f051e371d9d1b1f78338dcff6bb3ecfb34e9efda0021368b41"))
    }

    /// The full CreateReplicationGroup example comes out of the serializer byte for byte, list member names included.
    @Test func querySerializerMatchesBotocore() throws {
        let pairs = QuerySerializer.pairs(action: "CreateReplicationGroup", version: "2015-02-02", [
            ("ReplicationGroupId", .string("infera-cache")), ("ReplicationGroupDescription", .string("managed by infera")),
            ("NumCacheClusters", .int(2)), ("CacheNodeType", .string("cache.t3.micro")), ("Engine", .string("redis")),
            ("EngineVersion", .string("7.1")), ("AutomaticFailoverEnabled", .bool(true)), ("MultiAZEnabled", .bool(true)),
            ("AuthToken", .string("Sup3r-Secret-Token-0123")), ("TransitEncryptionEnabled", .bool(true)),
            ("AtRestEncryptionEnabled", .bool(true)), ("SnapshotRetentionLimit", .int(7)), ("SnapshotWindow", .string("03:00-04:00")),
            ("PreferredMaintenanceWindow", .string("sun:05:00-sun:06:00")), ("CacheParameterGroupName", .string("infera-redis7")),
            ("CacheSubnetGroupName", .string("infera-subnets")),
            ("SecurityGroupIds", .list(member: ElastiCacheListMembers.securityGroupIds, [.string("sg-0123456789abcdef0"), .string("sg-0fedcba9876543210")])),
            ("Tags", .list(member: ElastiCacheListMembers.tags, [
                .structure([("Key", .string("managed-by")), ("Value", .string("infera"))]),
                .structure([("Key", .string("env")), ("Value", .string("prod"))]),
            ])),
        ])
        let text = try Fixtures.text("aws-elasticache-sigv4-examples.txt")
        let line = text.components(separatedBy: "\n").first { $0.hasPrefix("Action=CreateReplicationGroup") }
        #expect(QuerySerializer.formBody(pairs) == line)
    }

    /// The list member names infera writes are the model's `member.locationName`s.
    @Test func listMemberNamesComeFromTheModel() throws {
        let data = try Data(contentsOf: URL(fileURLWithPath: Fixtures.root + "/aws-elasticache-2015-02-02.json"))
        let model = try JSONSerialization.jsonObject(with: data) as! [String: Any]
        let shapes = model["shapes"] as! [String: Any]
        for entry in ElastiCacheListMembers.modelShapes {
            let shape = shapes[entry.shape] as? [String: Any]
            let member = shape?["member"] as? [String: Any]
            #expect(member?["locationName"] as? String == entry.locationName, "\(entry.shape)")
        }
        let create = shapes["CreateReplicationGroupMessage"] as! [String: Any]
        let members = create["members"] as! [String: Any]
        #expect((members["SecurityGroupIds"] as! [String: Any])["shape"] as? String == "SecurityGroupIdsList")
        #expect((members["Tags"] as! [String: Any])["shape"] as? String == "TagList")
    }

    @Test func percentEncoding() {
        #expect(Percent.encode("a b&c#$^<>-~") == "a%20b%26c%23%24%5E%3C%3E-~")
        #expect(Percent.decode("a%20b+c", plusIsSpace: true) == "a b c")
    }

    @Test func dates() {
        #expect(UTCCalendar.parseISO8601("2026-12-02T19:30:03.388459Z") == UTCCalendar.unixTime(year: 2026, month: 12, day: 2, hour: 19, minute: 30, second: 3))
        #expect(UTCCalendar.iso8601(suiteTime) == "2015-08-30T12:36:00Z")
    }
}
