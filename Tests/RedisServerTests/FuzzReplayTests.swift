import Foundation
import InferaTestSupport
import Testing

/// Runs the RESP fuzz target's properties without libFuzzer: the committed seed corpus plus a
/// seeded random campaign of structure-aware inputs (the long libFuzzer run is `make fuzz`).
@Suite("RESP decoder fuzz properties")
struct FuzzReplayTests {
    @Test("FuzzRESP replays the corpus and 20,000 random inputs without a violation")
    func replay() throws {
        let infera = try ServerProcess.inferaExecutable()
        let fuzz = (infera as NSString).deletingLastPathComponent + "/FuzzRESP"
        #expect(FileManager.default.isExecutableFile(atPath: fuzz), "build FuzzRESP with `swift build --build-tests`")
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/RESP").path
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted().map { "\(corpus)/\($0)" }
        #expect(!files.isEmpty)
        let (status, output) = try ChildProcess.run(fuzz, ["--random", "20000", "--seed", "7"] + files, timeout: .seconds(300))
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 failures"), "\(output)")
    }
}

/// Runs the command-layer fuzz target's properties without libFuzzer: its committed corpus
/// (inputs libFuzzer found, including each crash fixed) and a seeded random campaign
/// (the long libFuzzer run is `make fuzz FUZZ_TARGETS=commands`).
@Suite("Command layer fuzz properties")
struct CommandFuzzReplayTests {
    @Test("FuzzCommands replays the corpus and 1,500 random programs without a crash or malformed reply")
    func replay() throws {
        let infera = try ServerProcess.inferaExecutable()
        let fuzz = (infera as NSString).deletingLastPathComponent + "/FuzzCommands"
        #expect(FileManager.default.isExecutableFile(atPath: fuzz), "build FuzzCommands with `swift build --build-tests`")
        let corpus = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("FuzzCorpus/Commands").path
        let files = try FileManager.default.contentsOfDirectory(atPath: corpus).sorted().map { "\(corpus)/\($0)" }
        #expect(files.count > 100)
        let (status, output) = try ChildProcess.run(fuzz, ["--random", "1500", "--seed", "15"] + files, timeout: .seconds(300))
        #expect(status == 0, "\(output)")
        #expect(output.contains("0 failures"), "\(output)")
    }
}
