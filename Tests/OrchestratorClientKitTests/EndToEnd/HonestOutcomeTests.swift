import Foundation
import Testing
import TestServer

/// Issue 12, "success must be true": exit status 0 and the text on stdout only when the thing happened.
@Suite("Success must be true")
struct HonestOutcomeTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let instanceAnswer = Support.recordedAnswer("a009-instance").reply
    static let relocateAnswer = Support.recordedAnswer("a102-relocate").reply

    /// Runs the client through `sh` with `redirection` applied to its standard output.
    static func runRedirected(_ arguments: [String], _ redirection: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try Support.run(["-c", "exec \"$0\" \"$@\" \(redirection)", Support.executable] + arguments, environment: environment,
                        program: "/bin/sh")
    }

    // MARK: 1. Write errors

    @Test("a failed write to stdout (full disk, closed descriptor) is an error with a message, never exit 0", arguments: [
        ">/dev/full", ">&-",
    ])
    func writeErrors(_ redirection: String) throws {
        let server = try TestServer { _ in HonestOutcomeTests.instanceAnswer }
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
        let server = try TestServer { _ in HonestOutcomeTests.discoverAnswer }
        defer { server.stop() }
        let result = try Self.runRedirected(["-c", "discover", "-i", "127.0.0.1:10111", "--quiet"], ">/dev/full",
                                            environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
    }

    // MARK: 2. Answers of the wrong shape

    static let wrongShapes = ["{}", "null", "\"OK\"", "[]", #"{"Code":"OK","Message":"","Details":null}"#, #"{"Key":{}}"#]

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
            let result = try Support.run(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
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
            var reply = HonestOutcomeTests.discoverAnswer
            reply.status = status
            reply.headers = [("Location", "https://orc.example.com/api/discover/db1/3306")]
            return reply
        }
        defer { server.stop() }
        for arguments in [["-c", "discover", "-i", "db1"], ["-c", "api", "--path", "clusters"]] {
            let result = try Support.run(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments): exit \(result.status)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("HTTP \(status)"), "\(result.stderr)")
            #expect(result.stderr.contains("redirect to https://orc.example.com/api/discover/db1/3306"), "\(result.stderr)")
        }
    }

    // MARK: 3. A delivered change whose answer broke

    @Test("reset after reading a change: outcome unknown (exit 5), not \"cannot reach\" (3), sent once")
    func resetAfterReading() throws {
        let reply = { var reply = Self.relocateAnswer; reply.closeWithoutAnswer = true; return reply }()
        let server = try TestServer { _ in reply }
        defer { server.stop() }
        let result = try Support.run(["-c", "relocate", "-i", "127.0.0.1:10114", "-d", "127.0.0.1:10111"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("was sent, but no complete answer came back"), "\(result.stderr)")
        #expect(result.stderr.contains("check its effect before sending it again"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"))
        #expect(server.targets == ["/api/relocate/127.0.0.1/10114/127.0.0.1/10111"])
    }

    @Test("an answer over --max-answer-size: a change's outcome is unknown (5), a read fails as too large (1)")
    func answerTooLarge() throws {
        let big = Reply.json(#"{"Code":"OK","Message":"","Details":""# + String(repeating: "x", count: 8_000) + "\"}")
        let server = try TestServer { _ in big }
        defer { server.stop() }
        let change = try Support.run(["-c", "discover", "-i", "db1", "--max-answer-size", "4K"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(change.status == 5, "\(change.stderr)")
        #expect(change.stderr.contains("larger than the limit of 4 KiB"), "\(change.stderr)")
        let read = try Support.run(["-c", "topology", "-a", "ci"], environment: ["ORCHESTRATOR_API": server.apiURL,
                                                                              "ORCHESTRATOR_MAX_ANSWER_SIZE": "4K"])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("larger than the limit of 4 KiB"), "\(read.stderr)")
        #expect(!read.stderr.contains("cannot reach"))
        #expect(server.targets == ["/api/discover/db1/3306", "/api/topology/ci"], "a too-large answer is not asked again")
        let bad = try Support.run(["-c", "topology", "-a", "ci", "--max-answer-size", "lots"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(bad.status == 2)
    }

    @Test("oversized headers are named as such: a change's outcome is unknown (5), a read fails (1)")
    func oversizedHeaders() throws {
        let reply = { var reply = Self.discoverAnswer; reply.headers = [("X-Padding", String(repeating: "p", count: 200_000))]; return reply }()
        let server = try TestServer { _ in reply }
        defer { server.stop() }
        let change = try Support.run(["-c", "discover", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(change.status == 5, "\(change.stderr)")
        #expect(change.stderr.contains("headers are larger than libcurl accepts"), "\(change.stderr)")
        let read = try Support.run(["-c", "instance", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("headers are larger than libcurl accepts"), "\(read.stderr)")
    }

    // MARK: 4. Exit statuses that lie

    @Test("--timeout shorter than --leader-timeout with a slow leader: a timeout (4), not \"no leader\" (3)")
    func leaderSearchTimesOut() throws {
        let follower = try TestServer { request in RaftRole.follower.leaderCheckReply(request.target) ?? .notFound }
        let slowLeader = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? HonestOutcomeTests.discoverAnswer).delayed(3_000)
        }
        defer { follower.stop(); slowLeader.stop() }
        let result = try Support.run(["-c", "discover", "-i", "db1", "--leader-timeout", "5s", "--timeout", "1s"],
                                     environment: ["ORCHESTRATOR_API": "\(follower.apiURL) \(slowLeader.apiURL)"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("timed out after 1000 ms looking for the orchestrator raft leader"), "\(result.stderr)")
        #expect(result.milliseconds < 2_900, "took \(result.milliseconds) ms")
    }

    @Test("JSON nested deeper than the parser's limit is said to be so, not \"not JSON\"")
    func nestedTooDeep() throws {
        let body = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.run(["-c", "api", "--path", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nested deeper than 512 levels"), "\(result.stderr)")
        #expect(!result.stderr.contains("not JSON"))
    }

    // MARK: 15. Duplicate member names

    @Test("a member name sent twice: the last value counts, as with jq (and so the bash client)")
    func duplicateNames() throws {
        let body = #"{"Code":"OK","Message":"","Details":{"Key":{"Hostname":"first","Port":1},"Port":5,"Key":{"Hostname":"last","Port":2}}}"#
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.run(["-c", "discover", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "last:2\n")
        let api = try Support.run(["-c", "api", "--path", "x"], environment: ["ORCHESTRATOR_API": server.apiURL])
        // jq's layout: the name where it first occurred, with its last value.
        #expect(api.stdout.contains(#""Key": {"# + "\n" + #"      "Hostname": "last","#), "\(api.stdout)")
        #expect(!api.stdout.contains("first"))
    }
}
