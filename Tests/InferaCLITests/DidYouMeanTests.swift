import InferaDiagnostics
import Testing

@Suite struct DidYouMeanTests {
    @Test(arguments: [("tierr", "tier"), ("memory_size", "memory_size_gb"), ("STANDRAD_HA", "STANDARD_HA")])
    func suggestsCloseWord(word: String, expected: String) {
        #expect(DidYouMean.suggest(word, from: ["tier", "memory_size_gb", "STANDARD_HA", "BASIC"]) == expected)
    }

    @Test func rejectsFarWord() {
        #expect(DidYouMean.suggest("zebra", from: ["tier", "region"]) == nil)
    }
}
