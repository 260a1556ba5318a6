// swift-tools-version: 6.0
import PackageDescription

// Dependencies point down only (see docs/ARCHITECTURE.md):
//   infera -> InferaCLI -> {InferaVerify, InferaPlan, InferaTerraform, InferaDetect, InferaConfig, RedisServer}
//   InferaVerify -> {InferaPlan, InferaDetect, RedisServer} (+ swift-certificates for the run's throwaway CA)
//   InferaConfig -> InferaYAML -> CYAML (libyaml) ; everything -> InferaDiagnostics
//   RedisServer -> RedisEngine -> RESP
// The engine's hot path (decode → execute → reply) runs without Swift's dynamic exclusivity checks
// in release builds: they cost ~15% of CPU per request (measured with perf, docs/engine.md). Debug
// builds, and therefore every test run, keep them on.

let engineSpeed: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "infera",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "infera", targets: ["infera"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        // 4.x imports only FoundationEssentials where it exists (3.x imports Foundation): docs/ci.md#release-binaries
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
    ],
    targets: [
        // MARK: system libraries
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),
        // libcurl: the only HTTP client infera uses to talk to providers (InferaHTTP). Headers only
        // (libcurl4-openssl-dev): the library is opened on first use, not linked (Sources/CCurl/shim.h).
        .systemLibrary(
            name: "CCurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // Build stamp (commit, date) patched into release binaries by scripts/release.sh.
        .target(name: "CInferaBuildInfo"),

        // MARK: core libraries
        .target(name: "InferaDiagnostics"),
        .target(name: "InferaYAML", dependencies: ["CYAML", "InferaDiagnostics"]),
        .target(name: "InferaConfig", dependencies: ["InferaYAML", "InferaDiagnostics"]),
        .target(name: "InferaDetect", dependencies: ["InferaDiagnostics"]),
        .target(name: "InferaPlan", dependencies: ["InferaConfig", "InferaDetect", "InferaDiagnostics"]),
        // Templates render with its own Mustache subset (Mustache.swift): swift-mustache imports Foundation.
        .target(name: "InferaTerraform", dependencies: ["InferaPlan"]),

        // MARK: provisioning (apply): HTTP layer, provider-independent engine, one target per provider
        .target(name: "InferaHTTP", dependencies: ["CCurl"]),
        .target(name: "InferaApply", dependencies: ["InferaHTTP", "InferaPlan", "InferaDiagnostics"]),
        .target(name: "InferaUpstash", dependencies: ["InferaApply", "InferaHTTP", "InferaPlan", "InferaDiagnostics"]),
        // GCP: Google's credential chain, Memorystore v1 + Secret Manager v1 REST, long-running operations.
        .target(name: "InferaGCP", dependencies: [
            "InferaApply", "InferaHTTP", "InferaDiagnostics", "InferaPlan",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        // AWS: SigV4, the credential chain, endpoints, Query/JSON 1.1 wire formats (no SDK, no FoundationXML)
        .target(name: "InferaAWS", dependencies: ["InferaHTTP", "InferaDiagnostics", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "InferaElastiCache", dependencies: ["InferaAWS", "InferaApply", "InferaHTTP", "InferaPlan", "InferaDiagnostics", .product(name: "Crypto", package: "swift-crypto")]),

        // MARK: bundled Redis-compatible engine
        .target(name: "RESP", dependencies: [.product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: engineSpeed),
        .target(name: "RedisEngine", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: engineSpeed),
        // epoll/eventfd headers for the plain-TCP transport (Linux).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        // Lua 5.1 with the cjson and bit libraries Redis scripts use (Debian liblua5.1-0-dev,
        // lua-cjson-dev, lua-bitop-dev), and the C half of the bridge: wrappers for lua.h's macros and
        // a trampoline that raises Lua errors from C, never across Swift frames.
        .target(name: "CLuaBridge", linkerSettings: [
            .linkedLibrary("lua5.1"), .linkedLibrary("lua5.1-cjson"), .linkedLibrary("lua5.1-bitop"), .linkedLibrary("m"),
        ]),
        // EVAL/EVALSHA/SCRIPT and FUNCTION/FCALL on Lua 5.1, through the engine's command table.
        .target(name: "RedisScripting", dependencies: [
            "RedisEngine", "RESP", "CLuaBridge", .product(name: "NIOCore", package: "swift-nio"),
        ], swiftSettings: engineSpeed),
        .target(name: "RedisServer", dependencies: [
            "RESP", "RedisEngine", "RedisScripting", "CEpoll",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ], swiftSettings: engineSpeed),

        // MARK: verify: the planned deployment rehearsed on the bundled engine
        .target(name: "InferaVerify", dependencies: [
            "InferaPlan", "InferaDetect", "InferaDiagnostics", "RedisServer", "RedisEngine", "RESP",
            .product(name: "X509", package: "swift-certificates"),
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "SwiftASN1", package: "swift-asn1"),
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
            .product(name: "NIOSSL", package: "swift-nio-ssl"),
        ]),

        // MARK: command line
        .target(name: "InferaCLI", dependencies: [
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            "InferaDiagnostics", "InferaYAML", "InferaConfig", "InferaDetect",
            "InferaPlan", "InferaTerraform", "InferaVerify", "RESP", "RedisEngine", "RedisServer", "CInferaBuildInfo",
            "InferaHTTP", "InferaApply",
            // providers (one line each)
            "InferaUpstash",
            "InferaGCP",
            "InferaElastiCache",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "infera", dependencies: ["InferaCLI"]),
        // libFuzzer targets: built by scripts/fuzz.sh (-sanitize=fuzzer); a plain build compiles a stub.
        .executableTarget(name: "FuzzConfigLoader", dependencies: ["InferaConfig", "InferaDiagnostics"], path: "Fuzz/FuzzConfigLoader"),
        .executableTarget(name: "FuzzRESP", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")]),
        .executableTarget(name: "FuzzCommands", dependencies: ["RESP", "RedisEngine", .product(name: "NIOCore", package: "swift-nio")],
                          path: "Fuzz/FuzzCommands"),

        // MARK: tests
        .target(name: "InferaTestSupport", dependencies: ["InferaDiagnostics", "InferaHTTP"], path: "Sources/InferaTestSupport"),
        .testTarget(name: "InferaConfigTests", dependencies: ["InferaConfig", "InferaYAML", "InferaTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "InferaDetectTests", dependencies: ["InferaDetect", "InferaTestSupport"]),
        .testTarget(name: "InferaPlanTests", dependencies: ["InferaPlan", "InferaTerraform", "InferaConfig", "InferaTestSupport"], exclude: ["Golden", "GoldenMarkdown", "Cases"]),
        .testTarget(name: "RedisEngineTests", dependencies: [
            "RESP", "RedisEngine", "InferaTestSupport", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "RedisServerTests", dependencies: ["RedisServer", "RedisEngine", "RESP", "InferaTestSupport"]),
        .testTarget(name: "InferaHTTPTests", dependencies: ["InferaHTTP", "InferaTestSupport"]),
        .testTarget(name: "InferaApplyTests", dependencies: [
            "InferaApply", "InferaHTTP", "InferaPlan", "InferaUpstash", "InferaTestSupport",
        ]),
        .testTarget(name: "InferaGCPTests", dependencies: ["InferaGCP", "InferaApply", "InferaHTTP", "InferaPlan", "InferaTestSupport"]),
        .testTarget(name: "InferaAWSTests", dependencies: [
            "InferaAWS", "InferaElastiCache", "InferaApply", "InferaHTTP", "InferaPlan", "InferaTestSupport",
        ]),
        .testTarget(name: "InferaVerifyTests", dependencies: [
            "InferaVerify", "InferaPlan", "RedisEngine", "RedisServer", "InferaTestSupport",
        ]),
        .testTarget(name: "InferaCLITests", dependencies: ["InferaCLI", "InferaDiagnostics", "InferaTestSupport", "InferaDetect", "InferaConfig"]),
    ],
    swiftLanguageModes: [.v6]
)
