import Foundation
import Testing
import TestServer

/// A change reaches the server at most once: an answer that breaks after the change was sent is "outcome unknown"
/// (exit 5), never a retry and never "cannot reach". (A change cut off mid-body, and one whose leader moved, are in
/// FaultTests.)
@Suite("A change is sent at most once")
struct ChangeSafetyTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]
    static let discoverTarget = "/api/discover/127.0.0.1/10111"

    /// libcurl resends a request whose kept connection closed unanswered; after the leader probe the change must
    /// therefore take a connection of its own, and a close without an answer must end the run.
    @Test("a change whose connection closes unanswered, after a leader probe: sent once, exit 5, check before resending")
    func closedWithoutAnswer() throws {
        let discoveries = Locked(0)
        let leader = try TestServer { request in
            if let probe = RaftRole.leader.leaderCheckReply(request.target) { return probe }
            let count = discoveries.with { count -> Int in count += 1; return count }
            var reply = ChangeSafetyTests.discoverAnswer
            reply.closeWithoutAnswer = count == 1   // a Go handler that panics closes the connection like this
            return reply
        }
        let follower = try TestServer { RaftRole.follower.leaderCheckReply($0.target) ?? .notFound }
        defer { leader.stop(); follower.stop() }
        let result = try Support.runInProcess(Self.discover, environment: ["ORCHESTRATOR_API": "\(follower.apiURL) \(leader.apiURL)"])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("\(leader.apiURL)/discover/127.0.0.1/10111 was sent, but no complete answer came back"),
                "\(result.stderr)")
        #expect(result.stderr.contains("may or may not have been applied: check its effect before sending it again"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"))
        #expect(discoveries.current == 1, "the change was sent \(discoveries.current) times")
        #expect(leader.targets == ["/api/leader-check", Self.discoverTarget])
        #expect(follower.targets == ["/api/leader-check"])
    }

    @Test("-c api sends any path once: a change is never retried after it may have arrived")
    func rawAPINotRetried() throws {
        let server = try TestServer { _ in var reply = Reply.json("{}"); reply.closeWithoutAnswer = true; return reply }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "api", "-P", "begin-downtime/db1/3306/ops/maint/1h"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(server.targets == ["/api/begin-downtime/db1/3306/ops/maint/1h"])
    }

    @Test("an answer that is not HTTP to a change: the change was sent, outcome unknown (exit 5)")
    func notHTTPAnswer() throws {
        let server = try TestServer { _ in var reply = Reply.json(""); reply.raw = Array("garbage\r\n\r\n".utf8); return reply }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(server.targets == [Self.discoverTarget])
    }

    @Test("an answer over --max-answer-size: a change's outcome is unknown (5), a read fails as too large (1)")
    func answerTooLarge() throws {
        let big = Reply.json(#"{"Code":"OK","Message":"","Details":""# + String(repeating: "x", count: 8_000) + "\"}")
        let server = try TestServer { _ in big }
        defer { server.stop() }
        let change = try Support.runInProcess(["-c", "discover", "-i", "db1", "--max-answer-size", "4K"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(change.status == 5, "\(change.stderr)")
        #expect(change.stderr.contains("larger than the limit of 4 KiB"), "\(change.stderr)")
        let read = try Support.runInProcess(["-c", "topology", "-a", "ci"],
                                            environment: ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_MAX_ANSWER_SIZE": "4K"])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("larger than the limit of 4 KiB"), "\(read.stderr)")
        #expect(!read.stderr.contains("cannot reach"))
        #expect(server.targets == ["/api/discover/db1/3306", "/api/topology/ci"], "a too-large answer is not asked again")
        let bad = try Support.runInProcess(["-c", "topology", "-a", "ci", "--max-answer-size", "lots"],
                                           environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(bad.status == 2)
    }

    @Test("oversized headers are named as such: a change's outcome is unknown (5), a read fails (1)")
    func oversizedHeaders() throws {
        let reply = { var reply = Self.discoverAnswer; reply.headers = [("X-Padding", String(repeating: "p", count: 200_000))]; return reply }()
        let server = try TestServer { _ in reply }
        defer { server.stop() }
        let change = try Support.runInProcess(["-c", "discover", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(change.status == 5, "\(change.stderr)")
        #expect(change.stderr.contains("headers are larger than libcurl accepts"), "\(change.stderr)")
        let read = try Support.runInProcess(["-c", "instance", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(read.status == 1, "\(read.stderr)")
        #expect(read.stderr.contains("headers are larger than libcurl accepts"), "\(read.stderr)")
    }
}
