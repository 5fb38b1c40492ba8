import Foundation
import Testing
import TestServer

/// Several endpoints: the client asks them all at once and uses the raft leader, with no proxy.
@Suite("Leader detection over loopback")
struct LeaderDetectionTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply

    /// A node that plays `role` and answers `discover` with the recording.
    static func node(_ role: RaftRole) throws -> TestServer {
        try TestServer { request in role.leaderCheckReply(request.target) ?? discoverAnswer }
    }

    @Test("three nodes, leader listed last: discover goes to the leader only, one probe per node")
    func leaderLast() throws {
        let followers = [try Self.node(.follower), try Self.node(.follower)]
        let leader = try Self.node(.leader)
        defer { (followers + [leader]).forEach { $0.stop() } }
        let api = (followers + [leader]).map(\.apiURL).joined(separator: " ")
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_API": api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(leader.targets == ["/api/leader-check", "/api/discover/127.0.0.1/10111"])
        // Followers listed before the leader are waited for briefly (the first claimant in configured order wins),
        // never asked again, never asked anything else.
        for follower in followers { #expect(follower.targets == ["/api/leader-check"]) }
    }

    @Test("which-api prints the leader's endpoint")
    func whichAPI() throws {
        let follower = try Self.node(.follower)
        let leader = try Self.node(.leader)
        defer { follower.stop(); leader.stop() }
        let result = try Support.run(["-c", "which-api"], environment: ["ORCHESTRATOR_API": "\(follower.apiURL) \(leader.apiURL)/"])
        #expect(result.stdout == leader.apiURL + "\n")
    }

    @Test("a refusing node and a hung node do not hold up the leader")
    func refusedAndHungNodes() throws {
        let hung = try TestServer { _ in .hangForever }
        let leader = try Self.node(.leader)
        defer { hung.stop(); leader.stop() }
        let refused = "http://127.0.0.1:\(refusedPort())/api"
        // A 5 s probe bound: waiting for the hung node at all would take 5 s.
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111", "--leader-timeout", "5s"],
                                     environment: ["ORCHESTRATOR_API": "\(hung.apiURL) \(refused) \(leader.apiURL)"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(result.milliseconds < 4_000, "the hung node was waited for: \(result.milliseconds) ms")
        #expect(leader.targets == ["/api/leader-check", "/api/discover/127.0.0.1/10111"])
    }

    @Test("no leader-check 200: a follower that routes to the leader is used")
    func routedLeaderCheck() throws {
        let followers = [try Self.node(.follower), try Self.node(.follower)]
        defer { followers.forEach { $0.stop() } }
        let result = try Support.run(["-c", "which-api"], environment: ["ORCHESTRATOR_API": followers.map(\.apiURL).joined(separator: " ")])
        #expect(result.status == 0)
        #expect(followers.map(\.apiURL).map { $0 + "\n" }.contains(result.stdout))
        let all = followers.flatMap(\.targets)
        #expect(all.filter { $0 == "/api/leader-check" }.count == 2)
        #expect(all.contains("/api/routed-leader-check"))
    }

    @Test("no usable endpoint: exit 3, one line per endpoint saying what it did")
    func noLeader() throws {
        let hung = try TestServer { _ in .hangForever }
        let broken = try TestServer { _ in .json("\"Not leader\"", status: 404) }
        defer { hung.stop(); broken.stop() }
        let refused = "http://127.0.0.1:\(refusedPort())/api"
        let result = try Support.run(["-c", "discover", "-i", "db1", "--leader-timeout", "300ms"],
                                     environment: ["ORCHESTRATOR_API": "\(hung.apiURL) \(broken.apiURL) \(refused)"])
        #expect(result.status == 3)
        #expect(result.stdout.isEmpty)
        let lines = result.stderr.split(separator: "\n")
        #expect(lines.count == 4, "\(result.stderr)")
        #expect(result.stderr.contains("\(hung.apiURL): leader-check failed: no complete answer after"))
        #expect(result.stderr.contains("\(broken.apiURL): leader-check answered 404 \"Not leader\""))
        #expect(result.stderr.contains("\(refused): leader-check failed: connection refused"))
        #expect(!broken.targets.contains { $0.hasPrefix("/api/discover") })
        #expect(result.milliseconds < 5_000, "each probe is bounded: took \(result.milliseconds) ms")
    }

    @Test("a single endpoint is used as is, without probes")
    func singleEndpoint() throws {
        let server = try Self.node(.follower)
        defer { server.stop() }
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0)
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }

    @Test("two nodes claim leadership: the first listed is used every time, and a warning names both")
    func splitBrain() throws {
        // The second node claims sooner than the first: who answers first must not decide.
        let first = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? LeaderDetectionTests.discoverAnswer).delayed(request.target.hasSuffix("leader-check") ? 150 : 0)
        }
        let second = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? LeaderDetectionTests.discoverAnswer).delayed(request.target.hasSuffix("leader-check") ? 100 : 0)
        }
        defer { first.stop(); second.stop() }
        for _ in 0..<3 {
            let result = try Support.runInProcess(["-c", "discover", "-i", "127.0.0.1:10111"],
                                                  environment: ["ORCHESTRATOR_API": "\(first.apiURL) \(second.apiURL)"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "127.0.0.1:10111\n")
            #expect(result.stderr.contains("warning: several endpoints claim to be the raft leader"), "\(result.stderr)")
            #expect(result.stderr.contains("\(first.apiURL), \(second.apiURL); using \(first.apiURL)"), "\(result.stderr)")
        }
        #expect(first.targets.filter { $0.hasPrefix("/api/discover") }.count == 3)
        #expect(!second.targets.contains { $0.hasPrefix("/api/discover") })
    }
}
