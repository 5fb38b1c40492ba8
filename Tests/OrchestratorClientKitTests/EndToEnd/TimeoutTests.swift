import Foundation
import Testing
import TestServer

/// Nothing can hang: every request is bounded, and the message names the endpoint and what it waited for.
@Suite("Bounded time")
struct TimeoutTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply

    @Test("a single endpoint that accepts and never answers fails within --timeout, exit 4")
    func hungEndpoint() throws {
        let hung = try TestServer { _ in .hangForever }
        defer { hung.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "db1", "--timeout", "700ms"], environment: ["ORCHESTRATOR_API": hung.apiURL])
        #expect(result.status == 4)
        #expect(result.milliseconds < 6_000, "took \(result.milliseconds) ms")
        #expect(result.stderr.contains(hung.apiURL))
        #expect(result.stderr.contains("timed out after"))
        #expect(result.stderr.contains("GET /api/discover/db1/3306"))
        // A change is never re-sent once it may have reached the server.
        #expect(hung.targets == ["/api/discover/db1/3306"])
    }

    @Test("ORCHESTRATOR_TIMEOUT bounds the invocation too")
    func timeoutFromEnvironment() throws {
        let hung = try TestServer { _ in .hangForever }
        defer { hung.stop() }
        let result = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": hung.apiURL, "ORCHESTRATOR_TIMEOUT": "500ms"])
        #expect(result.status == 4)
        #expect(result.milliseconds < 6_000)
    }

    @Test("a refused connection: reads are retried with backoff within the bound, then exit 3")
    func refusedRead() throws {
        let port = refusedPort()
        let result = try Support.runInProcess(["-c", "clusters", "--timeout", "1s"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(port)/api"])
        #expect(result.status == 3)
        #expect(result.stderr.contains("connection refused"))
        #expect(result.milliseconds < 6_000)
    }

    @Test("a non-JSON answer fails at once with the status and an excerpt")
    func htmlAnswer() throws {
        let server = try TestServer { _ in
            Reply(status: 502, contentType: "text/html", body: Array("<html><body>502 Bad Gateway</body></html>".utf8))
        }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 502"))
        #expect(result.stderr.contains("<html><body>502 Bad Gateway"))
        #expect(server.targets == ["/api/clusters-info"])
        #expect(result.milliseconds < 5_000, "no retry loop on a non-JSON answer")
    }

    @Test("--timeout shorter than --leader-timeout with a slow leader: a timeout (4), not \"no leader\" (3)")
    func leaderSearchTimesOut() throws {
        let follower = try TestServer { request in RaftRole.follower.leaderCheckReply(request.target) ?? .notFound }
        let slowLeader = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? TimeoutTests.discoverAnswer).delayed(3_000)
        }
        defer { follower.stop(); slowLeader.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "db1", "--leader-timeout", "5s", "--timeout", "1s"],
                                              environment: ["ORCHESTRATOR_API": "\(follower.apiURL) \(slowLeader.apiURL)"])
        #expect(result.status == 4, "\(result.stderr)")
        #expect(result.stderr.contains("timed out after 1000 ms looking for the orchestrator raft leader"), "\(result.stderr)")
        #expect(result.milliseconds < 2_900, "took \(result.milliseconds) ms")
    }
}
