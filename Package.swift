// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "orchestrator-client",
    products: [
        .library(name: "OrchestratorClientKit", targets: ["OrchestratorClientKit"]),
        // OrchestratorClient initialisers taking a swift-log Logger; apart so the command line links no swift-log.
        .library(name: "OrchestratorClientKitLogging", targets: ["OrchestratorClientKitLogging"]),
        .executable(name: "orchestrator-client", targets: ["orchestrator-client"]),
    ],
    dependencies: [
        // Documentation only (`swift package generate-documentation`); no product depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
        // The library's optional request log, in OrchestratorClientKitLogging only: linked into the command line
        // it cost ~200 KB of binary (bench/notes.md).
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
    ],
    targets: [
        // libcurl's headers (Debian: libcurl4-openssl-dev) and the shims Swift calls. libcurl itself is loaded with
        // dlopen when the first request is made; it is not linked (no pkg-config link flags), see Sources/CCurl/shim.h.
        .systemLibrary(name: "CCurl"),
        .target(
            name: "OrchestratorClientKit",
            dependencies: ["CCurl"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .target(
            name: "OrchestratorClientKitLogging",
            dependencies: ["OrchestratorClientKit", .product(name: "Logging", package: "swift-log")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The bash-compatible command line: flag parser, help, dry-run text, terminal output, exit statuses.
        // Not a product: the executable is its only user (and the tests).
        .target(
            name: "OrchestratorCLI",
            dependencies: ["OrchestratorClientKit"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "orchestrator-client",
            dependencies: ["OrchestratorCLI"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // Development tool: writes completions/ and man/ from the command and flag tables (`make generate`).
        // Never shipped; the tests use the generators to check the checked-in files are current.
        .target(
            name: "FileGenerators",
            dependencies: ["OrchestratorCLI", "OrchestratorClientKit"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "generate-files",
            dependencies: ["FileGenerators"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // A loopback HTTP server replaying recorded orchestrator answers; used by the tests and the benchmark.
        .target(
            name: "TestServer",
            dependencies: ["OrchestratorClientKit"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .executableTarget(
            name: "orchestrator-test-server",
            dependencies: ["TestServer"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // A small program built on the library alone, as another package would use it.
        .executableTarget(
            name: "cluster-report",
            dependencies: ["OrchestratorClientKit"],
            path: "examples/cluster-report",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // The library's benchmark and lifecycle probe: bench/run.sh and the library tests run it.
        .executableTarget(
            name: "library-bench",
            dependencies: ["OrchestratorClientKit"],
            path: "bench/library-bench",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "OrchestratorClientKitTests",
            dependencies: ["OrchestratorClientKit", "OrchestratorClientKitLogging", "OrchestratorCLI", "FileGenerators",
                           "TestServer", .product(name: "Logging", package: "swift-log")],
            // Unit/ (values, parsing, the command line with a stand-in transport: no socket), EndToEnd/ (the command
            // line in process or as the built executable, and the library, against loopback servers), Shells/
            // (completions in real shells, man page), Packaging/ (release files), Fuzz/, Support/ (runners, fixtures,
            // test servers' helpers).
            resources: [.copy("Support/tls_server.py"), .copy("Support/h2_server.py"), .copy("Support/tls_proxy.py"),
                        .copy("Support/tls_support.py")],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
