import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// libcurl is loaded only when a request is about to be made: commands that send nothing never load it.
@Suite("libcurl is loaded on first request only")
struct LazyLoadingTests {
    /// The shared objects the dynamic loader opened during a run, from glibc's LD_DEBUG=files trace.
    static func loadedLibraries(_ arguments: [String], api: String) throws -> String {
        try Support.run(arguments, environment: ["ORCHESTRATOR_API": api, "LD_DEBUG": "files"]).stderr
    }

    @Test("help, usage errors and --dry-run do not load libcurl", arguments: [
        ["--help"], ["-c", "discover", "--bogus"], ["-c", "discover", "-i", "db1", "--dry-run"],
    ])
    func noRequestNoCurl(_ arguments: [String]) throws {
        let trace = try Self.loadedLibraries(arguments, api: "http://127.0.0.1:1/api")
        #expect(trace.contains("libc.so"), "LD_DEBUG trace missing: \(trace.prefix(200))")
        #expect(!trace.contains("libcurl"))
    }

    /// --version is the one command besides a request that loads libcurl, to name its version and TLS backend.
    @Test("--version loads libcurl and names it")
    func versionNamesCurl() throws {
        let result = try Support.run(["--version"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:1/api", "LD_DEBUG": "files"])
        #expect(result.status == 0)
        #expect(result.stderr.contains("libcurl"), "--version did not load libcurl")
        let line = result.stdout.trimmingCharacters(in: .newlines)
        #expect(result.stdout.hasSuffix(")\n") && !line.contains("\n"), "one line: \(result.stdout)")
        // orchestrator-client 4.0.0 (libcurl 7.88.1, OpenSSL/3.0.17)
        let pattern = #"^orchestrator-client [0-9]+\.[0-9]+\.[0-9]+ \(libcurl [0-9]+\.[0-9]+\.[0-9]+[^,)]*, [^)]+\)$"#
        #expect(line.range(of: pattern, options: .regularExpression) != nil, "\(line)")
        #expect(line.hasPrefix("orchestrator-client \(ClientVersion.current) ("))
    }

    /// Without a loadable libcurl --version still prints the version and succeeds. The library is hidden in a private
    /// mount namespace (root and unshare(1) needed, as in CI; skipped elsewhere).
    @Test("--version without libcurl", .enabled(if: hideCurlAvailable, "needs root and unshare(1) to hide libcurl"))
    func versionWithoutCurl() throws {
        let hide = #"for f in /usr/lib/*/libcurl.so.4 /lib/*/libcurl.so.4 /usr/lib64/libcurl.so.4 /usr/lib/libcurl.so.4; do [ -e "$f" ] && mount --bind /dev/null "$f"; done; exec "$0" --version"#
        let result = try Support.run(["-m", "sh", "-c", hide, Support.executable], program: "/usr/bin/unshare")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "orchestrator-client \(ClientVersion.current) (libcurl not found)\n")
    }

    static let hideCurlAvailable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        && (try? Support.run(["-m", "true"], program: "/usr/bin/unshare").status) == 0

    @Test("a request loads libcurl")
    func requestLoadsCurl() throws {
        let replay = SequentialReplay(try Support.transcript("a041-discover").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let trace = try Self.loadedLibraries(["-c", "discover", "-i", "127.0.0.1:10111"], api: server.apiURL)
        #expect(trace.contains("libcurl"))
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }
}
