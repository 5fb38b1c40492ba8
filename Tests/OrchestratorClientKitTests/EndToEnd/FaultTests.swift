import Foundation
import Testing
import TestServer

/// Misbehaving loopback servers. Each test asserts what the server received: a change is never applied twice,
/// a read is retried only on transport failures, an HTTP answer is never retried blindly.
@Suite("Faults over loopback")
struct FaultTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let clustersAnswer = Support.recordedAnswer("a002-clusters").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]
    static let discoverTarget = "/api/discover/127.0.0.1/10111"

    // MARK: Refused

    @Test("refused: a change is sent again only because it never arrived, and arrives exactly once")
    func refusedThenListening() throws {
        let port = refusedPort()
        let late = Locked<TestServer?>(nil)
        let starter = Thread {
            usleep(400_000)
            let server = try? TestServer(port: port) { _ in FaultTests.discoverAnswer }
            late.with { $0 = server }
        }
        starter.start()
        let result = try Support.run(Self.discover + ["--timeout", "5s"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(port)/api"])
        let server = try #require(late.current, "the late server could not bind port \(port)")
        defer { server.stop() }
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(server.targets == [Self.discoverTarget])
        #expect(result.milliseconds >= 400, "succeeded before the server listened?")
    }

    // MARK: Accepts and never answers

    @Test("accepts and never answers: a read is abandoned at the bound, sent once")
    func hungRead() throws {
        let hung = try TestServer { _ in .hangForever }
        defer { hung.stop() }
        let result = try Support.run(["-c", "clusters", "--timeout", "800ms"], environment: ["ORCHESTRATOR_API": hung.apiURL])
        #expect(result.status == 4)
        #expect(result.stderr.contains("timed out after"))
        #expect(result.milliseconds < 2_500, "took \(result.milliseconds) ms")
        #expect(hung.targets == ["/api/clusters-info"])
    }

    // MARK: Slow

    @Test("a slow answer within the bound is waited for, and the change is sent once")
    func slowWithinBound() throws {
        let server = try TestServer { _ in FaultTests.discoverAnswer.delayed(700) }
        defer { server.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(result.milliseconds >= 700)
        #expect(server.targets == [Self.discoverTarget])
    }

    @Test("an answer slower than --timeout: exit 4 at the bound, the change sent once")
    func slowerThanBound() throws {
        let server = try TestServer { _ in FaultTests.discoverAnswer.delayed(3_000) }
        defer { server.stop() }
        let result = try Support.run(Self.discover + ["--timeout", "700ms"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 4)
        #expect(result.stdout.isEmpty)
        #expect(result.milliseconds < 2_000, "took \(result.milliseconds) ms")
        #expect(server.targets == [Self.discoverTarget])
    }

    // MARK: Closes in the middle of the body

    @Test("closed mid-body: a read is retried with backoff and succeeds")
    func cutRead() throws {
        let server = try TestServer(handler: scripted([Self.clustersAnswer.cutInHalf, Self.clustersAnswer.cutInHalf, Self.clustersAnswer]))
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(server.targets == Array(repeating: "/api/clusters-info", count: 3))
        #expect(result.milliseconds >= 300, "retries 100 ms and 200 ms apart: took \(result.milliseconds) ms")
    }

    @Test("closed mid-body: a change may have been applied, so it is not sent again")
    func cutChange() throws {
        let server = try TestServer(handler: scripted([Self.discoverAnswer.cutInHalf, Self.discoverAnswer]))
        defer { server.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL])
        // Not "cannot reach" (3): the change reached the server and may have been applied.
        #expect(result.status == 5)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr.contains("connection closed before the answer was complete"), "\(result.stderr)")
        #expect(result.stderr.contains("may or may not have been applied"), "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"), "\(result.stderr)")
        #expect(result.stderr.contains(server.apiURL))
        #expect(server.targets == [Self.discoverTarget])
    }

    // MARK: 10 MiB

    @Test("a 10 MiB JSON answer is read whole")
    func tenMebibytesOfJSON() throws {
        var body = Array("[".utf8)
        var count = 0
        let padding = String(repeating: "x", count: 120)
        while body.count < 10 << 20 {
            if count > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"ClusterName":"db\#(count):3306","ClusterAlias":"a\#(count)","ClusterDomain":"\#(padding)","CountInstances":3}"#.utf8)
            count += 1
        }
        body.append(UInt8(ascii: "]"))
        let reply = Reply(status: 200, body: body)
        let server = try TestServer { _ in reply }
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL], timeout: 60)
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines.count == count + 1)
        #expect(lines.first == "db0:3306")
        #expect(lines.dropLast().last.map(String.init) == "db\(count - 1):3306")
        #expect(server.targets == ["/api/clusters-info"])
    }

    @Test("10 MiB of binary garbage: exit 1 at once, one short printable line, sent once")
    func tenMebibytesOfGarbage() throws {
        var generator = SplitMix64(seed: 10)
        // Terminal escapes first: a proxy's answer must never reach the terminal raw.
        var body = Array("\u{1B}[2J\u{1B}]0;owned\u{07}\r\n\0".utf8)
        while body.count < 10 << 20 { body.append(UInt8(truncatingIfNeeded: generator.next())) }
        let reply = Reply(status: 200, contentType: "application/octet-stream", body: body)
        let server = try TestServer { _ in reply }
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL], timeout: 60)
        #expect(result.status == 1)
        #expect(result.stderr.contains("HTTP 200"))
        #expect(result.stderr.hasSuffix("\n") && result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(result.stderr.utf8.count < 600, "\(result.stderr.utf8.count) bytes of message")
        let controls = result.stderr.dropLast().unicodeScalars.filter { $0.value < 0x20 || (0x7F...0x9F).contains($0.value) }
        #expect(controls.isEmpty, "control characters printed raw: \(controls.map { $0.value })")
        #expect(server.targets == ["/api/clusters-info"])
    }

    // MARK: HTML 502

    // The exit status of a gateway's answer to a change is DeliveryTests.gatewayAnswer's; this pins the cluster side.
    @Test("three nodes, the leader's proxy answers HTML 502 to a change: no other node is asked to act")
    func htmlBadGatewayFromLeader() throws {
        let cluster = try RaftCluster(count: 3, leader: 1) { _, _, _ in
            Reply(status: 502, contentType: "text/html", body: Array("<html>bad gateway</html>".utf8))
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status != 0, "\(result.stderr)")
        #expect(cluster.calls(1) == [Self.discoverTarget])
        #expect(cluster.allCalls == [Self.discoverTarget])
    }

    // MARK: 500 Code: ERROR

    @Test("500 Code: ERROR: the server's message, exit 1, not retried", arguments: [
        (["-c", "discover", "-i", "127.0.0.1:10111"], "/api/discover/127.0.0.1/10111"),
        (["-c", "clusters"], "/api/clusters-info"),
    ])
    func codeError(_ arguments: [String], _ target: String) throws {
        let server = try TestServer { _ in
            .json(#"{"Code":"ERROR","Message":"Unexpected error: the backend database is locked","Details":null}"#, status: 500)
        }
        defer { server.stop() }
        let result = try Support.run(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stdout.isEmpty)
        #expect(result.stderr == "Unexpected error: the backend database is locked\n")
        #expect(server.targets == [target])
    }

    // MARK: 401

    @Test("401 and 403 say so plainly, once, without the password", arguments: [401, 403])
    func notAuthorized(_ status: Int) throws {
        let server = try TestServer { _ in
            Reply(status: status, contentType: "text/plain; charset=utf-8", body: Array("Not Authorized\n".utf8))
        }
        defer { server.stop() }
        let result = try Support.run(Self.discover + ["-b", "alice:Pz9s3cret"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("refused our credentials (HTTP \(status))"), "\(result.stderr)")
        #expect(!(result.stdout + result.stderr).contains("Pz9s3cret"))
        #expect(server.targets == [Self.discoverTarget])
        #expect(server.requests.first?.headers["authorization"] != nil, "the credentials were not sent")
    }

    // MARK: Leader changes between detection and the call

    @Test("the leader steps down before the call (Unauthorized): detected again once, the new leader acts once")
    func leaderChangesUnauthorized() throws {
        let cluster = try RaftCluster(count: 3, leader: 0) { node, _, state in
            guard node == state.leader else { return unauthorizedFollowerAnswer }
            if node == 0 {
                state.leader = 2
                return unauthorizedFollowerAnswer
            }
            return FaultTests.discoverAnswer
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(cluster.calls(0) == [Self.discoverTarget])
        #expect(cluster.calls(1) == [])
        #expect(cluster.calls(2) == [Self.discoverTarget])
        // The first round's probe of node 2 was abandoned when node 0 answered: its server may read it a moment later.
        for _ in 0..<100 where (cluster.state.current.leaderChecks[2] ?? 0) < 2 { usleep(20_000) }
        #expect((cluster.state.current.leaderChecks[2] ?? 0) >= 2, "the leader was not detected again")
    }

    @Test("a read answered 404 \"Not leader\": detected again once, answered by the new leader")
    func leaderChangesNotLeader() throws {
        let cluster = try RaftCluster(count: 3, leader: 1) { node, _, state in
            if node == 1 {
                state.leader = 0
                return .json("\"Not leader\"", status: 404)
            }
            return node == state.leader ? FaultTests.clustersAnswer : .json("\"Not leader\"", status: 404)
        }
        defer { cluster.stop() }
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(cluster.calls(1) == ["/api/clusters-info"])
        #expect(cluster.calls(0) == ["/api/clusters-info"])
        #expect(cluster.calls(2) == [])
    }

    @Test("a change the leader failed (Code ERROR, not a leader change) is not sent to another node")
    func failedChangeNotRedirected() throws {
        let cluster = try RaftCluster(count: 3, leader: 0) { node, _, state in
            state.leader = 1
            return .json(#"{"Code":"ERROR","Message":"Cannot read instance 127.0.0.1:10111","Details":null}"#)
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 1)
        #expect(result.stderr == "Cannot read instance 127.0.0.1:10111\n")
        #expect(cluster.allCalls == [Self.discoverTarget])
        #expect(cluster.calls(0) == [Self.discoverTarget])
    }

    @Test("leadership moves on every call: the leader is detected again only once")
    func leaderKeepsMoving() throws {
        let cluster = try RaftCluster(count: 3, leader: 0) { node, _, state in
            state.leader = (node + 1) % 3
            return unauthorizedFollowerAnswer
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 1)
        #expect(result.stderr == "Unauthorized\n")
        #expect(cluster.allCalls == [Self.discoverTarget, Self.discoverTarget])
        #expect(cluster.calls(0) == [Self.discoverTarget])
        #expect(cluster.calls(1) == [Self.discoverTarget])
    }

    @Test("the leader dies between detection and the call: the change, refused, goes to the new leader once")
    func leaderDies() throws {
        let cluster = try RaftCluster(count: 3, leader: 0, probe: { node, target, state in
            guard target == "/api/leader-check" else { return .json("\"Not leader\"", status: 404) }
            switch node {
            case 0:
                // Answers as leader (late enough that the others' probes have arrived), then dies.
                var reply = Reply.json("\"OK\"").delayed(150)
                reply.stopServerAfterReply = true
                state.leader = 1
                return reply
            case 1:
                return state.leaderChecks[1] == 1 ? .json("\"Not leader\"", status: 404) : .json("\"OK\"")
            default:
                return .json("\"Not leader\"", status: 404)
            }
        }) { node, _, _ in
            node == 1 ? FaultTests.discoverAnswer : unauthorizedFollowerAnswer
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(cluster.nodes[0].targets == ["/api/leader-check"])
        #expect(cluster.nodes[1].targets == ["/api/leader-check", "/api/leader-check", Self.discoverTarget])
        #expect(cluster.calls(2) == [])
    }

    @Test("three nodes, the leader's answer to a change breaks off: sent to no node again")
    func brokenChangeWithSeveralNodes() throws {
        let cluster = try RaftCluster(count: 3, leader: 2) { _, _, state in
            state.leader = 0
            return FaultTests.discoverAnswer.cutInHalf
        }
        defer { cluster.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 5)
        #expect(result.stderr.contains("connection closed before the answer was complete"))
        #expect(cluster.allCalls == [Self.discoverTarget])
    }
}
