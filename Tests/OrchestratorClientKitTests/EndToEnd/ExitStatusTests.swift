import Foundation
import Testing
import TestServer
@testable import OrchestratorCLI

/// Exit status 0, and the text on standard output, only when the thing happened: a failed write to standard output,
/// an answer that does not hold what the command prints, a redirect or a "no" are failures that say so.
@Suite("Exit 0 only when it happened")
struct ExitStatusTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let instanceAnswer = Support.recordedAnswer("a009-instance").reply
    static let wrongShapes = ["{}", "null", "\"OK\"", "[]", #"{"Code":"OK","Message":"","Details":null}"#, #"{"Key":{}}"#]

    /// Runs the client through `sh` with `redirection` applied to its standard output (a process of its own: the
    /// descriptors are the point).
    static func runRedirected(_ arguments: [String], _ redirection: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try Support.run(["-c", "exec \"$0\" \"$@\" \(redirection)", Support.executable] + arguments, environment: environment,
                        program: "/bin/sh")
    }

    @Test("a failed write to stdout (full disk, closed descriptor) is an error with a message, never exit 0", arguments: [
        ">/dev/full", ">&-",
    ])
    func writeErrors(_ redirection: String) throws {
        let server = try TestServer { _ in ExitStatusTests.instanceAnswer }
        defer { server.stop() }
        for arguments in [["-c", "which-master", "-i", "127.0.0.1:10112"], ["--help"], ["--version"],
                          ["-c", "which-master", "-i", "db1", "--dry-run"]] {
            let result = try Self.runRedirected(arguments, redirection, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments) \(redirection): exit \(result.status), stderr \(result.stderr)")
            #expect(result.stderr.contains("cannot write to standard output"), "\(arguments): \(result.stderr)")
        }
        // The request was made once, and nothing it printed went to another descriptor (the socket).
        #expect(server.targets == ["/api/instance/127.0.0.1/10112"])
    }

    @Test("--quiet writes nothing, so a full disk does not matter")
    func quietIgnoresFullDisk() throws {
        let server = try TestServer { _ in ExitStatusTests.discoverAnswer }
        defer { server.stop() }
        let result = try Self.runRedirected(["-c", "discover", "-i", "127.0.0.1:10111", "--quiet"], ">/dev/full",
                                            environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a 2xx answer that does not hold what the command prints: exit 1 naming the endpoint, status and expectation",
          arguments: [
              ["-c", "discover", "-i", "db1"], ["-c", "begin-downtime", "-i", "db1", "-r", "r"],
              ["-c", "which-master", "-i", "db1"], ["-c", "instance", "-i", "db1"], ["-c", "topology", "-a", "ci"],
              ["-c", "which-cluster", "-a", "ci"], ["-c", "discover", "-i", "db1", "--json"],
          ])
    func wrongShape(_ arguments: [String]) throws {
        for body in Self.wrongShapes {
            // Some of these fit some commands (topology prints any Details): only the misfits are checked.
            if arguments.contains("topology"), body.hasPrefix(#"{"Code":"OK""#) { continue }
            let server = try TestServer { _ in .json(body, status: 200) }
            defer { server.stop() }
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments) given \(body): exit \(result.status), stdout \(result.stdout)")
            #expect(result.stdout.isEmpty, "\(arguments) given \(body): printed \(result.stdout)")
            #expect(result.stderr.contains(server.apiURL), "\(result.stderr)")
            #expect(result.stderr.contains("HTTP 200"), "\(result.stderr)")
            #expect(result.stderr.contains("was expected"), "\(result.stderr)")
        }
    }

    @Test("a redirect is never success: exit 1, saying where it pointed, whatever its body", arguments: [301, 302, 307, 308])
    func redirect(_ status: Int) throws {
        let server = try TestServer { _ in
            var reply = ExitStatusTests.discoverAnswer
            reply.status = status
            reply.headers = [("Location", "https://orc.example.com/api/discover/db1/3306")]
            return reply
        }
        defer { server.stop() }
        for arguments in [["-c", "discover", "-i", "db1"], ["-c", "api", "--path", "clusters"]] {
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments): exit \(result.status)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("HTTP \(status)"), "\(result.stderr)")
            #expect(result.stderr.contains("redirect to https://orc.example.com/api/discover/db1/3306"), "\(result.stderr)")
        }
    }

    @Test("--json keeps a yes/no command's no: exit 1, the JSON printed")
    func jsonKeepsTheNo() throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"false","Details":null}"#) }
        defer { server.stop() }
        let result = try Support.runInProcess(["--json", "-c", "can-replicate-from", "-i", "db1", "-d", "db2"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.apiFailure)
        #expect(result.stdout.contains("\"false\""), "\(result.stdout)")
    }

    @Test("JSON nested deeper than the parser's limit is said to be so, not \"not JSON\"")
    func nestedTooDeep() throws {
        let body = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "api", "--path", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nested deeper than 512 levels"), "\(result.stderr)")
        #expect(!result.stderr.contains("not JSON"))
    }

    @Test("a member name sent twice: the last value counts, as with jq (and so the bash client)")
    func duplicateNames() throws {
        let body = #"{"Code":"OK","Message":"","Details":{"Key":{"Hostname":"first","Port":1},"Port":5,"Key":{"Hostname":"last","Port":2}}}"#
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "last:2\n")
        let api = try Support.runInProcess(["-c", "api", "--path", "x"], environment: ["ORCHESTRATOR_API": server.apiURL])
        // jq's layout: the name where it first occurred, with its last value.
        #expect(api.stdout.contains(#""Key": {"# + "\n" + #"      "Hostname": "last","#), "\(api.stdout)")
        #expect(!api.stdout.contains("first"))
    }
}
