// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "orchestrator-client",
    products: [
        .library(name: "OrchestratorClientKit", targets: ["OrchestratorClientKit"]),
        .executable(name: "orchestrator-client", targets: ["orchestrator-client"]),
    ],
    dependencies: [
        // Documentation only (`swift package generate-documentation`); no product depends on it.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
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
        .executableTarget(
            name: "orchestrator-client",
            dependencies: ["OrchestratorClientKit"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        // A loopback HTTP server replaying recorded orchestrator answers; used by the tests and the benchmark.
        .target(
            name: "TestServer",
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
            path: "Examples/ClusterReport",
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
        .testTarget(
            name: "OrchestratorClientKitTests",
            dependencies: ["OrchestratorClientKit", "TestServer"],
            swiftSettings: [.swiftLanguageMode(.v6)]
        ),
    ]
)
