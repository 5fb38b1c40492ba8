import Testing
import TestServer
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// The library's typed methods (most generated from the command table) send what the command line sends for the
/// same inputs, and nothing when a value is refused.
@Suite("Typed methods", .serialized)
struct TypedMethodsTests {
    static let db1 = InstanceKey(hostname: "db1.example.com", port: 3306)
    static let db2 = InstanceKey(hostname: "db2.example.com", port: 3307)

    /// A call of one method, and the command line that asks the same.
    struct Case: Sendable, CustomTestStringConvertible {
        let commandLine: [String]
        let call: @Sendable (OrchestratorClient) async throws -> JSONValue
        var testDescription: String { commandLine.joined(separator: " ") }

        init(_ commandLine: [String], _ call: @escaping @Sendable (OrchestratorClient) async throws -> JSONValue) {
            self.commandLine = commandLine
            self.call = call
        }
    }

    static let sameRequests: [Case] = [
        Case(["-c", "match-up", "-i", "db1.example.com"]) { try await $0.matchUp(db1) },
        Case(["-c", "move-below", "-i", "db1.example.com:3306", "-d", "db2.example.com:3307"]) {
            try await $0.moveBelow(db1, sibling: db2)
        },
        Case(["-c", "move-up-replicas", "-i", "db1.example.com"]) { try await $0.moveUpReplicas(db1) },
        Case(["-c", "recover", "-i", "db1.example.com", "-d", "db2.example.com:3307"]) { try await $0.recover(db1, designated: db2) },
        Case(["-c", "graceful-master-takeover-auto", "-a", "ci"]) { try await $0.gracefulMasterTakeoverAuto(.alias("ci")) },
        Case(["-c", "forget-cluster", "-i", "db2.example.com:3307"]) { try await $0.forgetCluster(.instance(db2)) },
        Case(["-c", "delay-replication", "-i", "db1.example.com", "-S", "30"]) { try await $0.delayReplication(db1, seconds: 30) },
        Case(["-c", "purge-binary-logs", "-i", "db1.example.com", "-n", "mysql-bin.000042"]) {
            try await $0.purgeBinaryLogs(db1, upTo: "mysql-bin.000042")
        },
        Case(["-c", "restart-replica-statements", "-i", "db1.example.com", "-q", "set global x = 'a&b'"]) {
            try await $0.restartReplicaStatements(db1, query: "set global x = 'a&b'")
        },
        Case(["-c", "tag", "-i", "db1.example.com", "-t", "role=primary"]) { try await $0.tag(db1, tag: "role=primary") },
        Case(["-c", "untag-all", "-t", "role"]) { try await $0.untagAll(tag: "role") },
        Case(["-c", "tagged", "-t", "role=primary,dc"]) { try await $0.tagged("role=primary,dc") },
        Case(["-c", "submit-pool-instances", "-l", "pool1", "-i", "db1.example.com:3306,db2.example.com:3307"]) {
            try await $0.submitPoolInstances("pool1", instances: [db1, db2])
        },
        Case(["-c", "which-heuristic-cluster-pool-instances", "-a", "ci", "-l", "pool1"]) {
            try await $0.whichHeuristicClusterPoolInstances(.alias("ci"), pool: "pool1")
        },
        Case(["-c", "submit-masters-to-kv-stores"]) { try await $0.submitMastersToKVStores() },
        Case(["-c", "ack-all-recoveries", "-r", "done by ops"]) { try await $0.ackAllRecoveries(comment: "done by ops") },
        Case(["-c", "raft-elect-leader", "-H", "orc2"]) { try await $0.raftElectLeader("orc2") },
        Case(["-c", "can-replicate-from", "-i", "db1.example.com", "-d", "db2.example.com:3307"]) {
            try await $0.canReplicateFrom(db1, from: db2)
        },
        Case(["-c", "downtimed", "-a", "ci"]) { _ = try await $0.downtimed(in: .alias("ci")); return .null },
    ]

    /// Answers every request with success, and `raft-state` as the leader (raft commands ask it first).
    static func server() throws -> TestServer {
        try TestServer { request in
            switch request.target {
            case "/api/raft-state": return .json("\"Leader\"")
            case "/api/downtimed/ci": return .json("[]")
            default: return .json(#"{"Code":"OK","Message":"true","Details":{"Hostname":"db1.example.com","Port":3306}}"#)
            }
        }
    }

    static func client(_ server: TestServer) throws -> OrchestratorClient {
        OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)]))
    }

    /// The paths the command line requests for `arguments`, run in this process with a recording transport (the
    /// same answers as ``server()``); it is never asked for this host's name.
    static func commandLinePaths(_ arguments: [String]) -> (result: ToolResult, paths: [String]) {
        let api = "http://127.0.0.1:9/api"
        let sender = InProcessTests.RecordingSender { request in
            let body = request.url.hasSuffix("/api/raft-state") ? "\"Leader\""
                : #"{"Code":"OK","Message":"true","Details":{"Hostname":"db1.example.com","Port":3306}}"#
            return .success(HTTPAnswer(status: 200, contentType: "application/json", body: Array(body.utf8)))
        }
        let result = CommandLineTool(environment: ClientEnvironment(variables: ["ORCHESTRATOR_API": api]), sender: sender,
                                     thisHost: { Issue.record("this host's name was asked for"); return "db9.example.com" })
            .run(arguments)
        return (result, sender.asked.map { String($0.dropFirst("http://127.0.0.1:9".count)) })
    }

    @Test("a typed method sends the command line's request", arguments: sameRequests)
    func sendsTheCommandLinesRequest(_ sample: Case) async throws {
        let server = try Self.server()
        defer { server.stop() }
        let (result, commandLine) = Self.commandLinePaths(sample.commandLine)
        #expect(commandLine.count >= 1, "the command line sent nothing: \(result.standardError)")
        do {
            _ = try await sample.call(try Self.client(server))
        } catch let error as OrchestratorError where error.code == .unreadableAnswer {
            // The one answer serves every command, so it is not the shape each one expects; the request is what counts.
        }
        #expect(server.targets == commandLine)
    }

    @Test func aRefusedValueSendsNothing() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = try Self.client(server)
        let refused: [@Sendable () async throws -> JSONValue] = [
            { try await client.tag(Self.db1, tag: "two words") },
            { try await client.purgeBinaryLogs(Self.db1, upTo: "../mysql-bin.000042") },
            { try await client.delayReplication(Self.db1, seconds: -1) },
            { try await client.moveUp(InstanceKey(hostname: "db1/3306", port: 3306)) },
            { try await client.moveBelow(Self.db1, sibling: InstanceKey(hostname: "db2", port: 0)) },
            { try await client.restartReplicaStatements(Self.db1, query: "a\nb") },
            { try await client.submitPoolInstances("pool1", instances: []) },
            { try await client.forgetCluster(.alias("a/b")) },
            { try await client.registerHostnameUnresolve(Self.db1, hostname: "") },
        ]
        for (index, call) in refused.enumerated() {
            do {
                _ = try await call()
                Issue.record("call \(index) was not refused")
            } catch {
                #expect((error as? OrchestratorError)?.code == .invalidValue, "call \(index): \(error)")
            }
        }
        #expect(server.targets.isEmpty)
        // The command line refuses the same values.
        for arguments in [["-c", "tag", "-i", "db1", "-t", "two words"], ["-c", "purge-binary-logs", "-i", "db1", "-n", "../x"],
                          ["-c", "forget-cluster", "-a", "a/b"]] {
            let (result, paths) = Self.commandLinePaths(arguments)
            #expect(result.exitStatus == ExitStatus.usage, "\(arguments)")
            #expect(paths.isEmpty, "\(arguments)")
        }
    }
}
