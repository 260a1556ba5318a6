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
        .package(url: "https://github.com/hummingbird-project/swift-mustache", from: "2.0.0"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.80.0"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.29.0"),
        .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.0.0"),
    ],
    targets: [
        // MARK: system libraries
        .systemLibrary(
            name: "CYAML",
            pkgConfig: "yaml-0.1",
            providers: [.apt(["libyaml-dev"])]
        ),

        // MARK: core libraries
        .target(name: "InferaDiagnostics"),
        .target(name: "InferaYAML", dependencies: ["CYAML", "InferaDiagnostics"]),
        .target(name: "InferaConfig", dependencies: ["InferaYAML", "InferaDiagnostics"]),
        .target(name: "InferaDetect", dependencies: ["InferaDiagnostics"]),
        .target(name: "InferaPlan", dependencies: ["InferaConfig", "InferaDetect", "InferaDiagnostics"]),
        .target(name: "InferaTerraform", dependencies: [
            "InferaPlan",
            .product(name: "Mustache", package: "swift-mustache"),
        ]),

        // MARK: bundled Redis-compatible engine
        .target(name: "RESP", dependencies: [.product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: engineSpeed),
        .target(name: "RedisEngine", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")],
                swiftSettings: engineSpeed),
        // epoll/eventfd headers for the plain-TCP transport (Linux).
        .systemLibrary(name: "CEpoll", path: "Sources/CEpoll"),
        .target(name: "RedisServer", dependencies: [
            "RESP", "RedisEngine", "CEpoll",
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
            "InferaPlan", "InferaTerraform", "InferaVerify", "RESP", "RedisEngine", "RedisServer",
            .product(name: "NIOCore", package: "swift-nio"),
            .product(name: "NIOPosix", package: "swift-nio"),
        ]),
        .executableTarget(name: "infera", dependencies: ["InferaCLI"]),
        // libFuzzer targets: built by scripts/fuzz.sh (-sanitize=fuzzer); a plain build compiles a stub.
        .executableTarget(name: "FuzzConfigLoader", dependencies: ["InferaConfig", "InferaDiagnostics"], path: "Fuzz/FuzzConfigLoader"),
        .executableTarget(name: "FuzzRESP", dependencies: ["RESP", .product(name: "NIOCore", package: "swift-nio")]),

        // MARK: tests
        .target(name: "InferaTestSupport", dependencies: ["InferaDiagnostics"], path: "Sources/InferaTestSupport"),
        .testTarget(name: "InferaConfigTests", dependencies: ["InferaConfig", "InferaYAML", "InferaTestSupport"], exclude: ["Golden"]),
        .testTarget(name: "InferaDetectTests", dependencies: ["InferaDetect", "InferaTestSupport"]),
        .testTarget(name: "InferaPlanTests", dependencies: ["InferaPlan", "InferaTerraform", "InferaConfig", "InferaTestSupport"], exclude: ["Golden", "Cases"]),
        .testTarget(name: "RedisEngineTests", dependencies: [
            "RESP", "RedisEngine", "InferaTestSupport", .product(name: "NIOCore", package: "swift-nio"),
        ]),
        .testTarget(name: "RedisServerTests", dependencies: ["RedisServer", "RedisEngine", "RESP", "InferaTestSupport"]),
        .testTarget(name: "InferaVerifyTests", dependencies: [
            "InferaVerify", "InferaPlan", "RedisEngine", "RedisServer", "InferaTestSupport",
        ]),
        .testTarget(name: "InferaCLITests", dependencies: ["InferaCLI", "InferaDiagnostics", "InferaTestSupport", "InferaDetect", "InferaConfig"]),
    ],
    swiftLanguageModes: [.v6]
)
