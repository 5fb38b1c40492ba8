import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit

/// `-c endpoints` and ``OrchestratorClient/endpointReport()``: every endpoint probed at once, one line each, a
/// summary, and the verdict as the exit status (0 healthy, 1 degraded, 3 no leader).
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

    @Test("https: the certificate's expiry, as the certificate says it")
    func certificateExpiry() throws {
        let pki = try TestPKI.shared.get()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey)
        defer { server.stop() }
        let result = try Support.run(["-c", "endpoints", "--ca-file", pki.caCertificate, "--leader-timeout", "5s", "--json"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        let object = try #require(try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result.stderr)")
        let endpoint = try #require((object["endpoints"] as? [[String: Any]])?.first)
        let expected = try Self.expiry(of: pki.serverCertificate)
        #expect(endpoint["certificateExpiresAt"] as? String == expected, "\(endpoint)")
        #expect((endpoint["certificateExpiry"] as? String)?.hasSuffix("GMT") == true)
        let days = try #require(endpoint["certificateDaysLeft"] as? Int)
        #expect((2...3).contains(days), "the test certificate is valid for 3 days: \(days)")
        #expect(endpoint["leaderCheckStatus"] as? Int == 200)
        let text = try Support.run(["-c", "endpoints", "--ca-file", pki.caCertificate, "--leader-timeout", "5s"],
                                   environment: ["ORCHESTRATOR_API": server.apiURL])
        // Whole days left, rounded down: the two runs straddle a day's boundary when the certificate was made in the
        // same second as the first run (exactly 3 days left, then a moment less).
        let said = ["(\(days) day", "(\(days - 1) day"].map { "certificate expires \(expected.prefix(10)) \($0)" }
        #expect(said.contains { text.stdout.contains($0) }, "\(text.stdout)")
    }

    @Test("https through the library: endpointReport() gives the certificate's expiry, as -c endpoints does, on every report")
    func libraryCertificateExpiry() async throws {
        let pki = try TestPKI.shared.get()
        // Alive for the whole test however slow the machine: two reports of up to 20 s each.
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, lifetime: 120, keepAlive: true)
        defer { server.stop() }
        let configuration = ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)],
                                                timeouts: Timeouts(connectMilliseconds: 5_000, leaderProbeMilliseconds: 5_000,
                                                                   totalMilliseconds: 20_000),
                                                tls: TLSOptions(caFile: pki.caCertificate))
        let client = OrchestratorClient(configuration: configuration)
        let expected = try Self.expiry(of: pki.serverCertificate)
        // The second report finds the first one's connections kept (and its TLS session): it must still see the certificate.
        for round in 1...2 {
            let status = try #require(await client.endpointReport().endpoints.first)
            #expect(status.leaderCheckStatus == 200, "report \(round): \(status)")
            #expect(status.certificateExpiresAt == expected, "report \(round): \(status)")
            #expect(status.certificateExpiry?.hasSuffix("GMT") == true, "report \(round): \(status)")
            #expect(status.certificateDaysLeft.map { (2...3).contains($0) } == true, "report \(round): \(status)")
        }
    }

    /// The certificate's notAfter as openssl says it (`notAfter=Nov 30 15:44:00 2026 GMT`), as an ISO date.
    static func expiry(of certificate: String) throws -> String {
        let enddate = try ExternalTool.run("openssl", ["x509", "-enddate", "-noout", "-in", certificate], in: "/")
        let words = enddate.trimmingCharacters(in: .whitespacesAndNewlines).dropFirst("notAfter=".count).split(separator: " ")
        let month = try #require(CertificateDate.months.firstIndex(of: String(words[0]))) + 1
        func two(_ value: Int) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(words[3])-\(two(month))-\(two(Int(words[1]) ?? 0))T\(words[2])Z"
    }

    @Test("certificate dates in both libcurl wordings; days round down")
    func certificateDates() throws {
        let openssl = try #require(CertificateDate(text: "Nov  7 05:04:03 2027 GMT"))
        #expect(openssl.iso8601 == "2027-11-07T05:04:03Z")
        let other = try #require(CertificateDate(text: "2027-11-07 05:04:03 GMT"))
        #expect(other.secondsSinceEpoch == openssl.secondsSinceEpoch)
        #expect(CertificateDate(text: "Jan  1 00:00:00 1970 GMT")?.secondsSinceEpoch == 0)
        #expect(CertificateDate(text: "Mar  1 00:00:00 2000 GMT")?.secondsSinceEpoch == 951_868_800)
        #expect(CertificateDate(text: "not a date") == nil)
        #expect((-1).dividedRoundingDown(by: 86_400) == -1)
        #expect(86_399.dividedRoundingDown(by: 86_400) == 0)
    }
}
