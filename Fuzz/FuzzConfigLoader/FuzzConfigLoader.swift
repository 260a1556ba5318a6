// libFuzzer target over the whole config loader: bytes -> YAML -> schema -> rules -> renderer.
// Built by scripts/fuzz.sh with -sanitize=fuzzer,address and -D INFERA_FUZZ; a plain build gets a stub main.
import InferaConfig
import InferaDiagnostics

#if INFERA_FUZZ
/// libFuzzer's driver (exported by libclang_rt.fuzzer since LLVM 12).
@_silgen_name("LLVMFuzzerRunDriver")
func LLVMFuzzerRunDriver(_ argc: UnsafeMutablePointer<CInt>, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
                         _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> CInt) -> CInt

/// SwiftPM links executables with `main` aliased to `<module>_main`; run libFuzzer's driver from there.
@_cdecl("FuzzConfigLoader_main")
public func fuzzMain(_ argc: CInt, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> CInt {
    var count = argc
    var vector = argv
    return LLVMFuzzerRunDriver(&count, &vector, fuzzConfigLoader)
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzConfigLoader(_ data: UnsafePointer<UInt8>?, _ size: Int) -> CInt {
    let bytes = data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? []
    let result = ConfigLoader.load(bytes: bytes, file: "fuzz.yaml", options: .init(environment: ["AWS_REGION": "us-east-1"]))
    // Exercise rendering too: every location must be renderable against the source.
    _ = DiagnosticRenderer(color: true).render(result.diagnostics, sources: result.source.map { ["fuzz.yaml": $0] } ?? [:])
    _ = DiagnosticJSON.report(file: "fuzz.yaml", diagnostics: result.diagnostics).rendered()
    // Invariants: a config exists exactly when there is no error.
    if (result.config != nil) == result.diagnostics.hasErrors { fatalError("config presence disagrees with diagnostics") }
    return 0
}
#else
@main
enum FuzzConfigLoaderStub {
    static func main() {
        print("FuzzConfigLoader is a libFuzzer target; run scripts/fuzz.sh SECONDS config")
    }
}
#endif
