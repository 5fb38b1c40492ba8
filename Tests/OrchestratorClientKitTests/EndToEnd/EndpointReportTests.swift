import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit

/// `-c endpoints` and ``OrchestratorClient/endpointReport()``: every endpoint probed at once, one line each, a
/// summary, and the verdict as the exit status (0 healthy, 1 degraded or credentials refused, 3 no leader).
@Suite("Endpoint report")
struct EndpointReportTests {
    /// What the recorded raft cluster answered, by role: `raft-nodes.json` (127.0.1.2 led, 127.0.1.1 followed).
    static func recorded(_ path: String, leader: Bool) throws -> Reply {
        let node = leader ? "http://127.0.1.2:3000" : "http://127.0.1.1:3000"
        guard let directory = Support.recordingsDirectory, let exchange = try Recordings.raftNodes(in: directory)[node]?[path] else {
            throw FixtureError.missing("raft-nodes.json: \(node)\(path)")
        }
        return exchange.reply
    }

    /// A three-node cluster answering the report's probes as the recorded cluster did; `override` changes a node's answer.
    static func cluster(leader: Int = 1, override: @escaping @Sendable (Int, String) -> Reply? = { _, _ in nil }) throws -> RaftCluster {
        var answers: [Bool: [String: Reply]] = [:]
        for leads in [true, false] {
            for path in ["/api/raft-state", "/api/raft-leader", "/api/raft-health", "/api/status"] {
                answers[leads, default: [:]][path] = try recorded(path, leader: leads)
            }
        }
        let table = answers
        return try RaftCluster(count: 3, leader: leader, probe: { node, target, _ in override(node, target) }) { node, request, state in
            override(node, request.target) ?? table[node == state.leader]?[request.target] ?? .notFound
        }
    }

    static func run(_ cluster: RaftCluster, _ extra: [String] = []) throws -> ProcessResult {
        try Support.run(["-c", "endpoints"] + extra, environment: ["ORCHESTRATOR_API": cluster.api])
    }

    static func lines(_ result: ProcessResult) -> [String] { result.stdout.split(separator: "\n").map(String.init) }

    static let probes = ["/api/leader-check", "/api/raft-state", "/api/raft-leader", "/api/raft-health", "/api/status"]

    @Test("healthy three nodes: one line each, the leader named, exit 0; only the five read-only probes are sent")
    func healthy() throws {
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 0, "\(result.stdout)\(result.stderr)")
        #expect(result.stderr.isEmpty)
        let lines = Self.lines(result)
        #expect(lines.count == 4)
        for (index, line) in lines.prefix(3).enumerated() {
            #expect(line.hasPrefix(cluster.nodes[index].apiURL + "  "), "\(line)")
            #expect(line.contains(index == 1 ? "  leader " : "  follower "), "\(line)")
            #expect(line.contains("raft healthy"), "\(line)")
            #expect(line.contains("leader-check \(index == 1 ? 200 : 404)"), "\(line)")
            #expect(line.contains(" ms  no credentials needed"), "\(line)")
            #expect(!line.contains("problem"), "\(line)")
        }
        #expect(lines[3] == "healthy: leader \(cluster.nodes[1].apiURL); 3 of 3 endpoints healthy")
        for node in cluster.nodes { #expect(node.targets.sorted() == Self.probes.sorted(), "each probe once, nothing else") }
    }

    @Test("--json: one object with the verdict, the leader and every endpoint")
    func json() throws {
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        let result = try Self.run(cluster, ["--json"])
        #expect(result.status == 0, "\(result.stderr)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "healthy")
        #expect(object["leader"] as? String == cluster.nodes[1].apiURL)
        let endpoints = try #require(object["endpoints"] as? [[String: Any]])
        #expect(endpoints.map { $0["role"] as? String } == ["follower", "leader", "follower"])
        #expect(endpoints.allSatisfy { $0["raftLeader"] as? String == "127.0.1.2:10008" && $0["hostname"] as? String == "vm" })
        #expect(endpoints.allSatisfy { $0["reachable"] as? Bool == true && $0["healthy"] as? Bool == true })
        #expect(endpoints.allSatisfy { ($0["roundTripMilliseconds"] as? Int).map { $0 >= 0 } == true })
        #expect(endpoints[1]["leaderCheckStatus"] as? Int == 200)
    }

    @Test("one node down: degraded, exit 1, the node unreachable and why")
    func oneDown() throws {
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        cluster.nodes[2].stop()
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[2].hasPrefix(cluster.nodes[2].apiURL + "  unreachable: connection refused"), "\(lines[2])")
        #expect(lines[3] == "degraded: leader \(cluster.nodes[1].apiURL); 2 of 3 endpoints healthy")
    }

    @Test("two nodes claim leadership: degraded, exit 1")
    func twoLeaders() throws {
        let leaderState = try Self.recorded("/api/raft-state", leader: true)
        let cluster = try Self.cluster { node, target in
            guard node == 0 else { return nil }
            switch target {
            case "/api/leader-check": return .json("\"OK\"")
            case "/api/raft-state": return leaderState
            default: return nil
            }
        }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[0].contains("  leader ") && lines[1].contains("  leader "), "\(result.stdout)")
        #expect(lines[3] == "degraded: 3 of 3 endpoints healthy; 2 endpoints claim leadership: \(cluster.nodes[0].apiURL), \(cluster.nodes[1].apiURL)")
    }

    @Test("credentials refused by one node (401): degraded, exit 1, the others accept them")
    func refusedOnOne() throws {
        let cluster = try Self.cluster { node, _ in
            node == 2 ? Reply(status: 401, contentType: "text/plain", body: Array("Not Authorized\n".utf8)) : nil
        }
        defer { cluster.stop() }
        let result = try Self.run(cluster, ["-b", "monitor:s3cret"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(!result.stdout.contains("s3cret"))
        let lines = Self.lines(result)
        #expect(lines[0].contains("credentials accepted"), "\(lines[0])")
        #expect(lines[2].contains("refused") && lines[2].contains("credentials refused (HTTP 401)"), "\(lines[2])")
        #expect(lines[3] == "degraded: leader \(cluster.nodes[1].apiURL); 2 of 3 endpoints healthy")
        for node in cluster.nodes { #expect(node.requests.allSatisfy { $0.headers["authorization"] != nil }) }
    }

    @Test("no leader (every node a candidate): exit 3")
    func noLeader() throws {
        let cluster = try Self.cluster { _, target in
            switch target {
            case "/api/leader-check": .json("\"Not leader\"", status: 404)
            case "/api/raft-state": .json("\"Candidate\"")
            case "/api/raft-leader": .json("\"\"")
            case "/api/raft-health": .json(#"{"Code":"ERROR","Message":"unhealthy","Details":null}"#, status: 500)
            default: nil
            }
        }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 3, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines.prefix(3).allSatisfy { $0.contains("  candidate ") && $0.contains("raft unhealthy") }, "\(result.stdout)")
        #expect(lines[3] == "no leader: 0 of 3 endpoints healthy; no endpoint answers leader-check with 200")
    }

    @Test("a follower whose backend fails (status 500) and that is out of the raft group: degraded, and why")
    func unhealthyFollower() throws {
        let directory = UpstreamSystemTests.directory + "/answers/"
        let status = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "status-unhealthy.json")))
        let health = Array(try Data(contentsOf: URL(fileURLWithPath: directory + "raft-health-unhealthy.json")))
        let cluster = try Self.cluster { node, target in
            guard node == 0 else { return nil }
            switch target {
            case "/api/status": return Reply(status: 500, body: status)
            case "/api/raft-health": return Reply(status: 500, body: health)
            default: return nil
            }
        }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let line = Self.lines(result)[0]
        #expect(line.contains("raft unhealthy"), "\(line)")
        #expect(line.contains("problem: raft unhealthy (raft-health: unhealthy); backend unhealthy (status: Application node is unhealthy dial tcp"),
                "\(line)")
        #expect(Self.lines(result)[3] == "degraded: leader \(cluster.nodes[1].apiURL); 2 of 3 endpoints healthy")
    }

    @Test("without raft, Percona's prefixed 'not running with raft setup': active and standby nodes, healthy")
    func nonRaftPercona() throws {
        let status = Array(try Data(contentsOf: URL(fileURLWithPath: UpstreamSystemTests.directory + "/answers/status-non-raft.json")))
        let server = Locked<[TestServer]>([])
        for index in 0..<2 {
            let node = try TestServer { request in
                switch request.target {
                case "/api/leader-check": index == 0 ? .json("\"OK\"") : .json("\"Not leader\"", status: 404)
                case "/api/status": Reply(status: 200, body: status)
                default: .json(#"{"Code":"ERROR","Message":"Orchestrator orc\#(index) says: raft-state: not running with raft setup","Details":null}"#,
                               status: 500)
                }
            }
            server.with { $0.append(node) }
        }
        let nodes = server.current
        defer { nodes.forEach { $0.stop() } }
        let result = try Support.run(["-c", "endpoints"], environment: ["ORCHESTRATOR_API": nodes.map(\.apiURL).joined(separator: " ")])
        #expect(result.status == 0, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[0].contains("  active ") && lines[0].contains("no raft"), "\(lines[0])")
        #expect(lines[1].contains("  standby ") && lines[1].contains("no raft"), "\(lines[1])")
        #expect(lines[2] == "healthy: leader \(nodes[0].apiURL); 2 of 2 endpoints healthy")
    }

    @Test("a node that never answers costs the leader-probe timeout, no more")
    func bounded() throws {
        let cluster = try Self.cluster { node, _ in node == 0 ? .hangForever : nil }
        defer { cluster.stop() }
        let result = try Self.run(cluster, ["--leader-timeout", "400ms"])
        #expect(result.status == 1, "\(result.stdout)")
        #expect(result.milliseconds < 3_000, "took \(result.milliseconds) ms")
        #expect(Self.lines(result)[0].contains("unreachable: no complete answer after"), "\(result.stdout)")
    }

    @Test("--dry-run lists every probe and sends nothing; --quiet keeps only the exit status; help lists it under Meta")
    func dryRunQuietHelp() throws {
        let cluster = try Self.cluster { node, _ in node == 0 ? .json("\"Not leader\"", status: 404) : nil }
        defer { cluster.stop() }
        let dry = try Self.run(cluster, ["--dry-run"])
        #expect(dry.status == 0)
        #expect(Self.lines(dry) == cluster.nodes.flatMap { node in Self.probes.map { "GET \(node.apiURL.dropLast(4))\($0)" } })
        #expect(cluster.nodes.allSatisfy { $0.requests.isEmpty })
        cluster.nodes[0].stop()
        let quiet = try Self.run(cluster, ["--quiet"])
        #expect(quiet.status == 1)
        #expect(quiet.stdout.isEmpty && quiet.stderr.isEmpty)
        let help = try Support.run(["--help"])
        let meta = help.stdout.components(separatedBy: "\nMeta:\n").last?.components(separatedBy: "\n\n").first ?? ""
        #expect(meta.contains("  endpoints "), "\(help.stdout)")
    }

    @Test("the library's endpointReport() gives the typed report")
    func library() async throws {
        let cluster = try Self.cluster(leader: 2)
        defer { cluster.stop() }
        let client = OrchestratorClient(configuration: ClientConfiguration(endpoints: try cluster.nodes.map { try Endpoint(parsing: $0.apiURL) }))
        let report = await client.endpointReport()
        #expect(report.verdict == .healthy)
        #expect(report.leaders.map(\.endpoint.url) == [cluster.nodes[2].apiURL])
        #expect(report.endpoints.map(\.role) == [.follower, .follower, .leader])
        #expect(report.endpoints.allSatisfy { $0.raftHealthy == true && $0.backendHealthy == true && $0.credentialsAccepted == true })
        #expect(report.problems.isEmpty)
    }

    /// A web server that answers every path alike, as a wrong port or a default site does.
    static func webServer(status: Int) throws -> TestServer {
        try TestServer { _ in Reply(status: status, contentType: "text/html", body: Array("<!doctype html><html><body>It works!</body></html>".utf8)) }
    }

    @Test("a web server answering 200 HTML everywhere is not a healthy leader, nor one answering 404 a healthy follower: degraded, exit 1, and why")
    func notOrchestrator() throws {
        let everything = try Self.webServer(status: 200)
        let nothing = try Self.webServer(status: 404)
        defer { everything.stop(); nothing.stop() }
        let result = try Support.run(["-c", "endpoints"], environment: ["ORCHESTRATOR_API": everything.apiURL + " " + nothing.apiURL])
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines.count == 3, "\(result.stdout)")
        #expect(lines[0].contains("problem: answers, but not as orchestrator: HTTP 200 text/html \"<!doctype html>"), "\(lines[0])")
        #expect(lines[0].contains("to raft-state and status"), "\(lines[0])")
        #expect(lines[1].contains("problem: answers, but not as orchestrator: HTTP 404 text/html"), "\(lines[1])")
        #expect(!lines[0].contains("  leader ") && !lines[0].contains("no credentials needed"), "\(lines[0])")
        #expect(lines[2] == "degraded: 0 of 2 endpoints healthy", "\(lines[2])")
        let json = try Support.run(["-c", "endpoints", "--json"], environment: ["ORCHESTRATOR_API": everything.apiURL])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "degraded")
        #expect(object["leader"] is NSNull, "a server that is not orchestrator is no leader: \(object)")
        let endpoint = try #require((object["endpoints"] as? [[String: Any]])?.first)
        #expect(endpoint["answersAsOrchestrator"] as? Bool == false && endpoint["healthy"] as? Bool == false, "\(endpoint)")
    }

    @Test("orchestrator's router 404 on every path (a wrong /api): not orchestrator, with the hint to check the URL's /api")
    func wrongPath() throws {
        let server = try TestServer { _ in .notFound }
        defer { server.stop() }
        let result = try Support.run(["-c", "endpoints"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 3, "no endpoint answers leader-check with 200: \(result.stdout)")
        #expect(Self.lines(result)[0].contains("answers, but not as orchestrator: HTTP 404 text/plain"), "\(result.stdout)")
        #expect(Self.lines(result)[0].contains("check the URL's /api"), "\(result.stdout)")
    }

    @Test("every node refusing our credentials (a rotated password): 'credentials refused', exit 1, as the other commands say it; none sent: 'credentials required'")
    func refusedEverywhere() throws {
        let cluster = try Self.cluster { _, _ in Reply(status: 401, contentType: "text/plain", body: Array("Not Authorized\n".utf8)) }
        defer { cluster.stop() }
        let result = try Self.run(cluster, ["-b", "monitor:s3cret"])
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines.prefix(3).allSatisfy { $0.contains("credentials refused (HTTP 401)") }, "\(result.stdout)")
        #expect(lines[3] == "credentials refused: 0 of 3 endpoints healthy; every endpoint that answered refused our credentials (HTTP 401)",
                "\(lines[3])")
        let json = try Self.run(cluster, ["-b", "monitor:s3cret", "--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["verdict"] as? String == "credentials-refused")
        let unsent = try Self.run(cluster)
        #expect(unsent.status == 1, "\(unsent.stdout)")
        #expect(Self.lines(unsent)[3].hasPrefix("credentials required: 0 of 3 endpoints healthy; every endpoint that answered requires credentials"),
                "\(unsent.stdout)")
    }
}

/// What the nodes say of themselves: their text never forges a line, and the role must be readable and agree with
/// `leader-check` for an endpoint to be healthy.
extension EndpointReportTests {
    @Test("server text (status's Message, raft leader names) is shown escaped, line breaks included: it cannot forge a line; --json keeps it, JSON-escaped")
    func serverTextEscaped() throws {
        let forged = #"db down\nhealthy: leader http://evil\u001b]0;x\u0007"#
        let cluster = try Self.cluster { node, target in
            switch (node, target) {
            case (0, "/api/status"): .json(#"{"Code":"ERROR","Message":"\#(forged)","Details":{"Healthy":false}}"#, status: 500)
            case (2, "/api/raft-leader"): .json(#""x\nhealthy: \u001b[2J""#)
            default: nil
            }
        }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines.count == 4, "one line per endpoint and the verdict: \(result.stdout)")
        #expect(!lines.contains { $0.hasPrefix("healthy") }, "\(result.stdout)")
        #expect(!result.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(result.stdout)")
        #expect(lines[0].contains(#"backend unhealthy (status: db down\nhealthy: leader http://evil\u{1B}]0;x\u{07})"#), "\(lines[0])")
        #expect(lines[3].hasPrefix("degraded: ") && lines[3].hasSuffix(#", x\nhealthy: \u{1B}[2J"#), "\(lines[3])")
        let json = try Self.run(cluster, ["--json"])
        #expect(!json.stdout.unicodeScalars.contains { $0.value < 0x20 && $0 != "\n" }, "\(json.stdout)")
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let endpoints = try #require(object["endpoints"] as? [[String: Any]])
        let problems = endpoints[0]["problems"] as? [String] ?? []
        #expect(problems.contains("backend unhealthy (status: db down\nhealthy: leader http://evil\u{1B}]0;x\u{07})"), "\(problems)")
        #expect(endpoints[2]["raftLeader"] as? String == "x\nhealthy: \u{1B}[2J")
    }

    @Test("--json holds server text as sent in every problem (raft-state, raft-health, a page that is not orchestrator's); the lines escape it")
    func serverTextAsSentInJSON() throws {
        let cluster = try Self.cluster { node, target in
            switch (node, target) {
            case (0, "/api/raft-state"): .json(#""Lead\u001b[2Jer""#)
            case (2, "/api/raft-health"): .json(#"{"Code":"ERROR","Message":"cut\u001b[2J off","Details":null}"#, status: 500)
            default: nil
            }
        }
        let page = try TestServer { _ in Reply(status: 200, contentType: "text/html", body: Array("<p>\u{1B}[2J</p>".utf8)) }
        defer { cluster.stop(); page.stop() }
        let api = cluster.api + " " + page.apiURL
        let lines = Self.lines(try Support.run(["-c", "endpoints"], environment: ["ORCHESTRATOR_API": api]))
        #expect(lines[0].contains(#"raft-state answered "Lead\u{1B}[2Jer", which is not a raft state"#), "\(lines)")
        #expect(lines[2].contains(#"raft unhealthy (raft-health: cut\u{1B}[2J off)"#), "\(lines)")
        #expect(lines[3].contains(#"HTTP 200 text/html "<p>\u{1B}[2J</p>" to raft-state and status"#), "\(lines)")
        #expect(!lines.joined().unicodeScalars.contains { $0.value < 0x20 }, "\(lines)")
        let json = try Support.run(["-c", "endpoints", "--json"], environment: ["ORCHESTRATOR_API": api])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any], "\(json.stdout)")
        let problems = try #require(object["endpoints"] as? [[String: Any]]).map { $0["problems"] as? [String] ?? [] }
        #expect(problems[0].contains("raft-state answered \"Lead\u{1B}[2Jer\", which is not a raft state"), "\(problems)")
        #expect(problems[2].contains("raft unhealthy (raft-health: cut\u{1B}[2J off)"), "\(problems)")
        #expect(problems[3].contains { $0.contains("HTTP 200 text/html \"<p>\u{1B}[2J</p>\" to raft-state and status") }, "\(problems)")
        #expect(!problems.joined().contains { $0.contains(#"\u{1B}"#) }, "never escaped in the library: \(problems)")
    }

    @Test("a raft-state that is no raft state (role unknown) is a problem: degraded, exit 1")
    func unreadableRaftState() throws {
        let cluster = try Self.cluster { node, target in node == 0 && target == "/api/raft-state" ? .json("\"Leaderish\"") : nil }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[0].contains("  unknown ") && lines[0].contains(#"problem: raft-state answered "Leaderish", which is not a raft state"#),
                "\(lines[0])")
        #expect(lines[3] == "degraded: leader \(cluster.nodes[1].apiURL); 2 of 3 endpoints healthy")
    }

    @Test("an orchestrator without the raft routes (404 page not found): active and standby, no raft, healthy")
    func withoutRaftRoutes() throws {
        let status = Array(try Data(contentsOf: URL(fileURLWithPath: UpstreamSystemTests.directory + "/answers/status-non-raft.json")))
        let cluster = try RaftCluster(count: 2, leader: 0) { _, request, _ in request.target == "/api/status" ? Reply(status: 200, body: status) : .notFound }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 0, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[0].contains("  active ") && lines[0].contains("no raft"), "\(lines[0])")
        #expect(lines[1].contains("  standby ") && lines[1].contains("no raft"), "\(lines[1])")
        #expect(lines[2] == "healthy: leader \(cluster.nodes[0].apiURL); 2 of 2 endpoints healthy")
    }

    @Test("leader-check 200 from a node whose raft-state says Follower (or 404 from a Leader): a contradiction, degraded, exit 1, no leader named")
    func leaderCheckContradictsRaftState() throws {
        let cluster = try Self.cluster { _, target in target == "/api/raft-state" ? .json("\"Follower\"") : nil }
        defer { cluster.stop() }
        let result = try Self.run(cluster)
        #expect(result.status == 1, "\(result.stdout)")
        let lines = Self.lines(result)
        #expect(lines[1].contains("  follower ") && lines[1].contains("problem: leader-check answered 200 but raft-state answered Follower"),
                "\(lines[1])")
        #expect(lines[3] == "degraded: 2 of 3 endpoints healthy", "\(lines[3])")
        let json = try Self.run(cluster, ["--json"])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
        #expect(object["leader"] is NSNull && object["verdict"] as? String == "degraded", "\(json.stdout)")

        let leaderState = try Self.recorded("/api/raft-state", leader: true)
        let reverse = try Self.cluster { node, target in node == 0 && target == "/api/raft-state" ? leaderState : nil }
        defer { reverse.stop() }
        let line = Self.lines(try Self.run(reverse))[0]
        #expect(line.contains("problem: raft-state answered Leader but leader-check answered 404"), "\(line)")
    }
}
