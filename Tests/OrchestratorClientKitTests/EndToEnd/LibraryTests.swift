import Foundation
import Testing
import TestServer
import OrchestratorClientKit
import OrchestratorCLI

/// The public library API, against the loopback server serving recorded answers.
@Suite("OrchestratorClientKit library")
struct LibraryTests {
    /// A server answering by path with the recorded answers of the named transcripts.
    static func server(_ routes: [String: String]) throws -> TestServer {
        var replies: [String: Reply] = [:]
        for (path, transcript) in routes { replies[path] = try Support.transcript(transcript).gets.last!.reply }
        let table = replies
        return try TestServer { request in
            table[request.target] ?? table.first { request.target.hasPrefix($0.key) && $0.key.hasSuffix("*") == false && $0.key.hasSuffix("/") }?.value ?? .notFound
        }
    }

    static func client(_ server: TestServer) -> OrchestratorClient {
        OrchestratorClient(configuration: ClientConfiguration(endpoints: [try! Endpoint(parsing: server.apiURL)], timeouts: patient))
    }

    /// These tests pin what is sent and read, not time: bounds far above the defaults, because the whole suite's
    /// blocking tests share the test process's few cooperative threads, and an `await` may resume a minute late while
    /// they run (the bounds themselves are pinned in TimeoutTests and LibraryConnectionTests).
    static let patient = Timeouts(connectMilliseconds: 60_000, leaderProbeMilliseconds: 120_000, totalMilliseconds: 600_000)

    @Test("every recorded JSON answer parses exactly as Foundation parses it")
    func everyRecordedAnswerParses() throws {
        var checked = 0
        for transcript in Support.transcripts {
            for exchange in transcript.gets where exchange.contentType.hasPrefix("application/json") {
                let ours = try JSONParser.parse(exchange.body)
                let reprinted = JSONPrinter.render(ours, style: .pretty)
                let a = try JSONSerialization.jsonObject(with: Data(reprinted.utf8), options: .fragmentsAllowed) as? NSObject
                let b = try JSONSerialization.jsonObject(with: Data(exchange.body.utf8), options: .fragmentsAllowed) as? NSObject
                #expect(a == b, "\(transcript.name): \(exchange.path)")
                checked += 1
            }
        }
        #expect(checked >= 130, "only \(checked) JSON answers checked")
    }

    @Test("every recorded answer shape decodes into the typed models")
    func typedDecoding() throws {
        var instances = 0, clusters = 0, keys = 0
        for transcript in Support.transcripts {
            for exchange in transcript.gets where exchange.contentType.hasPrefix("application/json") {
                let json = try JSONParser.parse(exchange.body)
                let path = exchange.path
                if path.hasPrefix("/api/instance/") || path.hasPrefix("/api/master/") {
                    #expect(Instance(json: json) != nil, "\(transcript.name)")
                    instances += 1
                } else if ["/api/all-instances", "/api/masters", "/api/downtimed/"].contains(path) || path.hasPrefix("/api/cluster/")
                            || path.hasPrefix("/api/instance-replicas/") || path.hasPrefix("/api/search") {
                    let list = try #require(json.arrayValue, "\(transcript.name)")
                    #expect(list.compactMap(Instance.init(json:)).count == list.count, "\(transcript.name)")
                    instances += list.count
                } else if path == "/api/clusters-info" || path.hasPrefix("/api/cluster-info/") {
                    let list = json.arrayValue ?? [json]
                    #expect(list.compactMap(ClusterInfo.init(json:)).count == list.count, "\(transcript.name)")
                    clusters += list.count
                } else if json["Code"]?.stringValue == "OK", path.hasPrefix("/api/discover/") || path.hasPrefix("/api/relocate/") {
                    #expect(Instance(json: json["Details"]!) != nil, "\(transcript.name)")
                    instances += 1
                } else if json["Code"]?.stringValue == "OK",
                          ["begin-downtime", "end-downtime", "register-candidate", "begin-maintenance", "end-maintenance"]
                            .contains(where: { path.hasPrefix("/api/\($0)/") }) {
                    #expect(InstanceKey(json: json["Details"]) != nil, "\(transcript.name)")
                    keys += 1
                }
            }
        }
        #expect(instances >= 40, "\(instances)")
        #expect(clusters >= 2, "\(clusters)")
        #expect(keys > 8, "\(keys)")
        let failover = try JSONParser.parse(try Support.transcript("b011-force-master-failover").answer(0).body)
        let recovery = TopologyRecovery(json: failover["Details"]!)
        #expect(recovery.successorKey == InstanceKey(hostname: "127.0.0.1", port: 10112))
        #expect(recovery.isSuccessful)
        #expect(recovery.analysis?.analysis == "DeadMaster")
        #expect(recovery.analysis?.clusterAlias == "ci")
    }

    @Test("typed calls send the same requests as the command line")
    func typedCalls() async throws {
        let server = try Self.server(["/api/discover/127.0.0.1/10111": "a041-discover", "/api/clusters-info": "a002-clusters",
                                      "/api/downtimed/": "a046-downtimed", "/api/topology/ci": "a005-topology",
                                      "/api/begin-downtime/127.0.0.1/10114/ceo/testing%20failover/5m": "a045-begin-downtime"])
        defer { server.stop() }
        let client = Self.client(server)
        let key = InstanceKey(hostname: "127.0.0.1", port: 10111)
        let discovered = try await client.discover(key)
        #expect(discovered.key == key)
        #expect(discovered.dataCenter == "dc-east-1")
        #expect(discovered.replicas.count == 2)
        #expect(discovered.masterKey == nil)
        let clusters = try await client.clusters()
        #expect(clusters.map(\.clusterAlias) == ["ci"])
        let downtimed = try await client.downtimed()
        #expect(downtimed.map(\.key.description) == ["127.0.0.1:10114"])
        #expect(downtimed.first?.isDowntimed == true)
        let tree = try await client.topology(.alias("ci"))
        #expect(tree.hasPrefix("127.0.0.1:10111"))
        let downtimedKey = try await client.beginDowntime(InstanceKey(hostname: "127.0.0.1", port: 10114), owner: "ceo",
                                                          reason: "testing failover", duration: .minutes(5))
        #expect(downtimedKey.port == 10114)
        #expect(server.targets == ["/api/discover/127.0.0.1/10111", "/api/clusters-info", "/api/downtimed/", "/api/topology/ci",
                                   "/api/begin-downtime/127.0.0.1/10114/ceo/testing%20failover/5m"])
    }

    @Test("errors are typed: Code ERROR carries endpoint, status and message; bad input sends nothing")
    func typedErrors() async throws {
        let server = try Self.server(["/api/discover/127.0.0.1/3306": "a042-discover"])
        defer { server.stop() }
        let client = Self.client(server)
        await #expect(throws: OrchestratorError.apiFailure(APIFailure(
            endpoint: server.apiURL, status: 500, message: "dial tcp 127.0.0.1:3306: connect: connection refused", details: nil,
            answer: try JSONParser.parse(try Support.transcript("a042-discover").answer(0).body)))) {
            _ = try await client.discover(InstanceKey(hostname: "127.0.0.1", port: 3306))
        }
        server.reset()
        do {
            try await client.beginDowntime(InstanceKey(hostname: "db1", port: 3306), owner: "a/b", reason: "r", duration: .minutes(1))
            Issue.record("an owner with '/' must be refused")
        } catch {
            #expect(error.code == .invalidValue || error.code == .usage, "\(error)")
        }
        #expect(server.requests.isEmpty)
    }

    @Test("every public call sends the table's route and decodes the recorded answer")
    func everyPublicCall() async throws {
        let server = try Self.server([
            "/api/cluster-info/ci": "a015-which-cluster",
            "/api/cluster/ci": "a014-which-cluster-instances",
            "/api/begin-maintenance/127.0.0.1/10113/ceo/disk%20swap": "a052-begin-maintenance",
            "/api/end-maintenance/127.0.0.1/10113": "a053-end-maintenance",
            "/api/graceful-master-takeover/ci/127.0.0.1/10112": "b002-graceful-master-takeover",
            "/api/force-master-failover/ci": "b011-force-master-failover",
            "/api/ack-recovery/cluster/ci?comment=ack%20after%20drill": "a077-ack-cluster-recoveries",
            "/api/raft-health": "a034-raft-health",
        ])
        defer { server.stop() }
        let client = Self.client(server)
        let db3 = InstanceKey(hostname: "127.0.0.1", port: 10113)

        #expect(try await client.clusterInfo(.alias("ci")).clusterAlias == "ci")
        #expect(try await client.clusterInstances(.alias("ci")).map(\.key.description)
                == ["127.0.0.1:10111", "127.0.0.1:10112", "127.0.0.1:10113", "127.0.0.1:10114"])
        #expect(try await client.beginMaintenance(db3, owner: "ceo", reason: "disk swap") == db3)
        #expect(try await client.endMaintenance(db3) == db3)
        do {
            _ = try await client.gracefulMasterTakeover(.alias("ci"), designated: InstanceKey(hostname: "127.0.0.1", port: 10112))
            Issue.record("the recorded takeover was refused by the server")
        } catch {
            #expect(error.code == .apiFailure)
            #expect(error.httpStatus == 500)
            #expect(error.message.contains("cannot take over"), "\(error)")
        }
        let failover = try await client.forceMasterFailover(.alias("ci"))
        #expect(failover.successorKey?.description == "127.0.0.1:10112")
        try await client.acknowledgeRecoveries(.alias("ci"), comment: "ack after drill")
        #expect(try await client.raftHealth() == "healthy")
        #expect(server.targets == [
            "/api/cluster-info/ci", "/api/cluster/ci", "/api/begin-maintenance/127.0.0.1/10113/ceo/disk%20swap",
            "/api/end-maintenance/127.0.0.1/10113", "/api/graceful-master-takeover/ci/127.0.0.1/10112",
            "/api/force-master-failover/ci", "/api/ack-recovery/cluster/ci?comment=ack%20after%20drill", "/api/raft-health",
        ])
    }

    @Test("the other public calls: instances, searches, candidates, relocation, analysis, raft, raw paths")
    func remainingPublicCalls() async throws {
        let raftState = try Support.transcript("a033-raft-leader").answer(0).reply
        let routes: [String: String] = [
            "/api/forget/127.0.0.1/10114": "a126-forget", "/api/instance/127.0.0.1/10112": "a009-instance",
            "/api/instance-replicas/127.0.0.1/10111": "a012-which-replicas", "/api/all-instances": "a019-all-instances",
            "/api/search?s=1011": "a008-search", "/api/masters": "a018-all-clusters-masters",
            "/api/end-downtime/127.0.0.1/10114": "a047-end-downtime",
            "/api/register-candidate/127.0.0.1/10113/prefer": "a054-register-candidate",
            "/api/relocate/127.0.0.1/10114/127.0.0.1/10111": "a102-relocate",
            "/api/replication-analysis": "a024-replication-analysis", "/api/raft-leader": "a033-raft-leader",
        ]
        var replies: [String: Reply] = ["/api/raft-state": raftState]
        for (path, transcript) in routes { replies[path] = try Support.transcript(transcript).gets.last!.reply }
        let table = replies
        let server = try TestServer { table[$0.target] ?? .notFound }
        defer { server.stop() }
        let client = Self.client(server)
        func key(_ port: Int) -> InstanceKey { InstanceKey(hostname: "127.0.0.1", port: port) }

        try await client.forget(key(10114))
        #expect(try await client.instance(key(10112)).key == key(10112))
        #expect(try await client.replicas(of: key(10111)).map(\.key) == [key(10112), key(10113)])
        #expect(try await client.allInstances().count == 4)
        #expect(try await client.search("1011").count == 4)
        #expect(try await client.masters().map(\.key) == [key(10111)])
        #expect(try await client.endDowntime(key(10114)) == key(10114))
        #expect(try await client.registerCandidate(key(10113), rule: .prefer) == key(10113))
        let moved = try await client.relocate(key(10114), below: key(10111))
        #expect(moved.key == key(10114) && moved.masterKey == key(10111))
        #expect(try await client.replicationAnalysis().isEmpty)
        #expect(try await client.raftLeader() == "127.0.1.2:10008")
        #expect(try await client.leader().url == server.apiURL)
        let raw = try await client.send(try APIPath(validating: "masters"), safety: .readOnly)
        #expect(raw.arrayValue?.count == 1)
        #expect(server.targets == [
            "/api/forget/127.0.0.1/10114", "/api/instance/127.0.0.1/10112", "/api/instance-replicas/127.0.0.1/10111",
            "/api/all-instances", "/api/search?s=1011", "/api/masters", "/api/end-downtime/127.0.0.1/10114",
            "/api/register-candidate/127.0.0.1/10113/prefer", "/api/relocate/127.0.0.1/10114/127.0.0.1/10111",
            "/api/replication-analysis", "/api/raft-state", "/api/raft-leader", "/api/masters",
        ])
    }

    @Test("raftLeader() makes the raft-state check the command line makes")
    func raftLeaderChecksRaftState() async throws {
        let server = try TestServer { request in
            switch request.target {
            case "/api/raft-state": .json("\"Follower\"")
            default: .json("\"127.0.1.2:10008\"")
            }
        }
        defer { server.stop() }
        do {
            _ = try await Self.client(server).raftLeader()
            Issue.record("a node that does not lead must not be taken for the leader")
        } catch {
            #expect(error.code == .apiFailure)
            #expect(error.message.contains("Cannot determine raft state"), "\(error)")
        }
        #expect(server.targets == ["/api/raft-state"])
    }

    @Test("every command identity has exactly one row in the table")
    func commandIdentities() {
        #expect(CommandTable.all.count == CommandID.allCases.count)
        #expect(Set(CommandTable.all.map(\.id)).count == CommandID.allCases.count)
        for id in CommandID.allCases { #expect(CommandTable[id].name == id.rawValue) }
    }

    @Test("the leader is found once and reused by later calls; a leader change is followed")
    func leaderReused() async throws {
        let clusters = try Support.transcript("a002-clusters").answer(0).reply
        let follower = try TestServer { RaftRole.follower.leaderCheckReply($0.target) ?? .json("\"Not leader\"", status: 404) }
        let leader = try TestServer { RaftRole.leader.leaderCheckReply($0.target) ?? clusters }
        defer { follower.stop(); leader.stop() }
        let client = OrchestratorClient(configuration: ClientConfiguration(
            endpoints: [try Endpoint(parsing: follower.apiURL), try Endpoint(parsing: leader.apiURL)], timeouts: Self.patient))
        _ = try await client.clusters()
        _ = try await client.clusters()
        let copy = client
        _ = try await copy.clusters()
        #expect(leader.targets == ["/api/leader-check", "/api/clusters-info", "/api/clusters-info", "/api/clusters-info"])
        // A follower listed before the leader is waited for briefly, never asked again (the first claimant in
        // configured order wins, whoever answers first).
        #expect(follower.targets == ["/api/leader-check"])
    }

    @Test("any command of the table runs from Swift with the command line's validation and routes")
    func runAnyCommand() async throws {
        let server = try Self.server(["/api/relocate/127.0.0.1/10114/127.0.0.1/10111": "a102-relocate",
                                      "/api/instance-replicas/127.0.0.1/10111": "a129-which-slaves"])
        defer { server.stop() }
        let client = Self.client(server)
        let moved = try await client.run("relocate", [.instance: "127.0.0.1:10114", .destination: "127.0.0.1:10111"])
        let relocate = try #require(CommandTable.find("relocate"))
        #expect(try OutputFormatter.render(relocate.output, answer: moved, requested: nil) == "127.0.0.1:10114<127.0.0.1:10111\n")
        let replicas = try await client.run("which-slaves", [.instance: "127.0.0.1:10111"])
        #expect(replicas.arrayValue?.count == 2)
        do {
            _ = try await client.run("begin-downtime", [.instance: "db1", .reason: "a/b"])
            Issue.record("a reason with '/' must be refused")
        } catch {
            #expect(error.code == .invalidValue || error.code == .usage, "\(error)")
        }
        await #expect(throws: OrchestratorError.self) { _ = try await client.run("help") }
        await #expect(throws: OrchestratorError.self) { _ = try await client.run("no-such-command") }
        #expect(server.targets == ["/api/relocate/127.0.0.1/10114/127.0.0.1/10111", "/api/instance-replicas/127.0.0.1/10111"])
    }

    @Test("the raw escape hatch validates the path")
    func rawPath() async throws {
        let server = try Self.server(["/api/clusters-info": "a002-clusters"])
        defer { server.stop() }
        let client = Self.client(server)
        let answer = try await client.get(path: "clusters-info")
        #expect(answer.arrayValue?.count == 1)
        await #expect(throws: OrchestratorError.self) { _ = try await client.get(path: "../forget/db1/3306") }
        #expect(server.targets == ["/api/clusters-info"])
    }

    @Test("the example program lists clusters, masters and downtimed instances")
    func exampleProgram() throws {
        let server = try Self.server(["/api/clusters-info": "a002-clusters", "/api/downtimed/": "a046-downtimed",
                                      "/api/master/127.0.0.1:10111": "a017-which-cluster-master"])
        defer { server.stop() }
        let binary = URL(fileURLWithPath: Support.executable).deletingLastPathComponent().appendingPathComponent("cluster-report").path
        let result = try Support.run([], environment: ["ORCHESTRATOR_API": server.apiURL], program: binary)
        #expect(result.status == 0, "\(result.stderr)")
        let downtimed = try JSONParser.parse(try Support.transcript("a046-downtimed").answer(0).body).arrayValue![0]
        let expected = """
        127.0.0.1:10111 (ci): master 127.0.0.1:10111, 4 instances
          downtimed: 127.0.0.1:10114 by \(downtimed["DowntimeOwner"]!.stringValue!): \(downtimed["DowntimeReason"]!.stringValue!)

        """
        #expect(result.stdout == expected)
    }

    @Test("the library refuses an empty input too, instead of acting on this host")
    func emptyValueInLibrary() async throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"","Details":{"Hostname":"db1","Port":3306}}"#) }
        defer { server.stop() }
        let client = Self.client(server)
        await #expect(throws: OrchestratorError.self) { _ = try await client.run("end-maintenance", [.instance: ""]) }
        #expect(server.requests.isEmpty)
    }
}
