import Foundation
import Testing
import TestServer

/// libcurl is loaded only when a request is about to be made (issue 8): commands that send nothing never load it.
@Suite("libcurl is loaded on first request only")
struct LazyLoadingTests {
    /// The shared objects the dynamic loader opened during a run, from glibc's LD_DEBUG=files trace.
    static func loadedLibraries(_ arguments: [String], api: String) throws -> String {
        try Support.run(arguments, environment: ["ORCHESTRATOR_API": api, "LD_DEBUG": "files"]).stderr
    }

    @Test("help, usage errors and --dry-run do not load libcurl", arguments: [
        ["--help"], ["-c", "discover", "--bogus"], ["-c", "discover", "-i", "db1", "--dry-run"], ["--version"],
    ])
    func noRequestNoCurl(_ arguments: [String]) throws {
        let trace = try Self.loadedLibraries(arguments, api: "http://127.0.0.1:1/api")
        #expect(trace.contains("libc.so"), "LD_DEBUG trace missing: \(trace.prefix(200))")
        #expect(!trace.contains("libcurl"))
    }

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
