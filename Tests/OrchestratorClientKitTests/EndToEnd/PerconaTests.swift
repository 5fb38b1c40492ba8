import Foundation
import Testing
import TestServer
import OrchestratorClientKit
import OrchestratorCLI

/// Percona's fork of orchestrator (v3.2.6-20 and later): its identity prefix on messages, its longer Instance, its
/// extra route and its `recover -d`. The answers are derived from the fork's source (Tests/Recordings/upstream).
@Suite("Percona's orchestrator")
struct PerconaTests {
    static func answer(_ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: UpstreamSystemTests.directory + "/answers/" + name)))
    }

    /// A Percona node that just lost an election, with `PrependMessagesWithOrcIdentity` set.
    static func prefixedUnauthorized(_ identity: String) -> Reply {
        .json(#"{"Code":"ERROR","Message":"Orchestrator \#(identity) says: Unauthorized","Details":null}"#)
    }

    @Test("a prefixed Unauthorized from a stale leader still makes the leader be detected again, once",
          arguments: ["db-orc-1", "orc 1 (custom)", "truenas"])
    func prefixedUnauthorizedRedetects(_ identity: String) throws {
        let cluster = try RaftCluster(count: 3, leader: 0) { node, _, state in
            guard node == state.leader else { return PerconaTests.prefixedUnauthorized(identity) }
            if node == 0 {
                state.leader = 2
                return PerconaTests.prefixedUnauthorized(identity)
            }
            return FaultTests.discoverAnswer
        }
        defer { cluster.stop() }
        let result = try Support.runInProcess(FaultTests.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(cluster.calls(0) == [FaultTests.discoverTarget])
        #expect(cluster.calls(2) == [FaultTests.discoverTarget])
    }

    @Test("a prefixed Unauthorized from every node: one re-detection, then the message printed whole, exit 1")
    func prefixedUnauthorizedEverywhere() throws {
        let cluster = try RaftCluster(count: 3, leader: 0) { node, _, state in
            state.leader = (node + 1) % 3
            return PerconaTests.prefixedUnauthorized("vm")
        }
        defer { cluster.stop() }
        let result = try Support.runInProcess(FaultTests.discover, environment: ["ORCHESTRATOR_API": cluster.api])
        #expect(result.status == 1)
        #expect(result.stderr == "Orchestrator vm says: Unauthorized\n", "printed as the server wrote it")
        #expect(cluster.allCalls == [FaultTests.discoverTarget, FaultTests.discoverTarget])
    }

    @Test("the identity prefix is stripped only as a prefix")
    func prefixStripping() {
        #expect(ServerMessage.withoutIdentity("Orchestrator vm says: Unauthorized") == "Unauthorized")
        #expect(ServerMessage.identity(of: "Orchestrator db-orc-2.example.com says: true") == "db-orc-2.example.com")
        #expect(ServerMessage.withoutIdentity("Unauthorized") == "Unauthorized")
        #expect(ServerMessage.identity(of: "Unauthorized") == nil)
        #expect(ServerMessage.withoutIdentity("Orchestrator without the closing words") == "Orchestrator without the closing words")
        #expect(ServerMessage.withoutIdentity("Recovery says: Orchestrator x says: y") == "Recovery says: Orchestrator x says: y")
        let failure = APIFailure(endpoint: "e", status: 500, message: "Orchestrator vm says: Not leader", details: nil)
        #expect(failure.messageWithoutIdentity == "Not leader")
    }

    @Test("can-replicate-from reads the answer after the prefix: an identity holding \"true\" is no yes",
          arguments: [("false", 1), ("true", 0)])
    func yesNoAfterPrefix(_ verdict: String, _ exit: Int32) throws {
        let body = #"{"Code":"OK","Message":"Orchestrator truenas says: \#(verdict)","Details":{"Hostname":"127.0.0.1","Port":10112}}"#
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        for command in ["can-replicate-from", "can-replicate-from-gtid"] {
            let result = try Support.runInProcess(["-c", command, "-i", "127.0.0.1:10113", "-d", "127.0.0.1:10112"],
                                                  environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == exit, "\(command) \(verdict): \(result.stderr)")
            #expect(result.stdout == (exit == 0 ? "127.0.0.1:10112\n" : ""))
            #expect(result.stderr.isEmpty)
        }
    }

    @Test("a Percona Instance (HEAD: 102 fields, v3.2.6-20: 90) decodes, and --json prints it as received",
          arguments: ["percona-instance.json", "percona-instance-v3.2.6-20.json"])
    func perconaInstance(_ file: String) async throws {
        let body = try Self.answer(file)
        let json = try JSONParser.parse(body)
        let instance = try #require(Instance(json: json))
        #expect(instance.key == InstanceKey(hostname: "127.0.0.1", port: 10112))
        #expect(instance.masterKey == InstanceKey(hostname: "127.0.0.1", port: 10111))
        #expect(instance.isReplicating)
        #expect(instance.json["SemiSyncMasterPluginNewVersion"] == .bool(false), "Percona's fields stay in json")
        #expect(instance.json["QSP"] == .object([]))
        if file == "percona-instance.json" {
            #expect(instance.json["ReplicationSSLVerifyServerCert"]?["Valid"] == .bool(false))
        }

        let server = try TestServer { _ in Reply(status: 200, body: body) }
        defer { server.stop() }
        let printed = try Support.runInProcess(["-c", "instance", "-i", "127.0.0.1:10112", "--json"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(printed.status == 0, "\(printed.stderr)")
        #expect(try JSONParser.parse(Array(printed.stdout.utf8)) == json, "every field, in the server's order")
        let ours = try JSONSerialization.jsonObject(with: Data(printed.stdout.utf8)) as? NSObject
        let theirs = try JSONSerialization.jsonObject(with: Data(body)) as? NSObject
        #expect(ours == theirs)
        let typed = try await OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)]))
            .instance(InstanceKey(hostname: "127.0.0.1", port: 10112))
        #expect(typed == instance)
    }

    @Test("a live read with Percona's TLS replication fields: discover prints the key, --json keeps them")
    func liveTLSInstance() throws {
        let body = try Self.answer("percona-instance-live-tls.json")
        let server = try TestServer { _ in Reply(status: 200, body: body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "127.0.0.1:10112", "--json"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        let printed = try JSONParser.parse(Array(result.stdout.utf8))
        #expect(printed == (try JSONParser.parse(body)))
        #expect(printed["Details"]?["ReplicationSSLVerifyServerCert"] == .object([("Bool", .bool(true)), ("Valid", .bool(true))]))
    }

    @Test("recover sends one request: recover/{instance}, or recover/{instance}/{destination} with -d")
    func recoverOneRequest() throws {
        let server = try TestServer { request in
            request.target.hasSuffix("/10113") ? Reply(status: 200, body: try! PerconaTests.answer("recover-candidate-success.json"))
                : Reply(status: 200, body: try! PerconaTests.answer("recover-no-candidate-success.json"))
        }
        defer { server.stop() }
        let hinted = try Support.runInProcess(["-c", "recover", "-i", "127.0.0.1:10111", "-d", "127.0.0.1:10113"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(hinted.status == 0, "\(hinted.stderr)")
        #expect(hinted.stdout == "127.0.0.1:10113\n")
        #expect(server.targets == ["/api/recover/127.0.0.1/10111/127.0.0.1/10113"])
        server.reset()
        let plain = try Support.runInProcess(["-c", "recover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(plain.stdout == "127.0.0.1:10112\n")
        #expect(server.targets == ["/api/recover/127.0.0.1/10111"])
        let dry = try Support.runInProcess(["-c", "recover", "-i", "db1:3306", "-s", "db2", "--dry-run"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(dry.stdout.hasSuffix("/recover/db1/3306/db2/3306\n"), "\(dry.stdout)")
    }

    @Test("a route the server lacks: one request, one line naming the command, the route and the server that has it, exit 1")
    func missingRoute() async throws {
        let server = try TestServer { _ in .notFound }
        defer { server.stop() }
        let percona = try Support.runInProcess(["-c", "change-master-credentials", "-i", "127.0.0.1:10114"],
                                               environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(percona.status == 1)
        #expect(percona.stdout.isEmpty)
        #expect(percona.stderr == "orchestrator-client: -c change-master-credentials: \(server.apiURL)/change-master-credentials/127.0.0.1/10114 "
                + "answered 404 page not found: this orchestrator has no such API route; change-master-credentials needs "
                + "Percona's orchestrator newer than v3.2.6-20\n")
        #expect(server.targets == ["/api/change-master-credentials/127.0.0.1/10114"], "sent once, never retried")

        server.reset()
        let other = try Support.runInProcess(["-c", "api", "--path", "move-gtid/db1/3306/db2/3306"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(other.status == 1)
        #expect(other.stderr.hasPrefix("orchestrator-client: -c api: \(server.apiURL)/move-gtid/db1/3306/db2/3306 answered 404 page not found: "
                                       + "this orchestrator has no such API route ("), "\(other.stderr)")
        #expect(server.targets == ["/api/move-gtid/db1/3306/db2/3306"])

        // The library reports the same, with its own code.
        let client = OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)]))
        do {
            _ = try await client.run("change-master-credentials", [.instance: "db1:3306"])
            Issue.record("a 404 page is no success")
        } catch {
            #expect(error.code == .noSuchRoute)
            #expect(error.httpStatus == 404)
            #expect(error.message.contains("Percona's orchestrator newer than v3.2.6-20"))
        }
        // A 404 that is JSON is an answer, not a missing route.
        let follower = try TestServer { _ in .json("\"Not leader\"", status: 404) }
        defer { follower.stop() }
        let answered = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": follower.apiURL])
        #expect(answered.status == 1)
        #expect(answered.stderr == "Not leader\n")
    }

    @Test("change-master-credentials: the route, the key printed, listed under Percona in help")
    func changeMasterCredentials() throws {
        let body = try Self.answer("change-master-credentials.json")
        let server = try TestServer { _ in Reply(status: 200, body: body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "change-master-credentials", "-i", "127.0.0.1:10114"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10114\n")
        #expect(server.targets == ["/api/change-master-credentials/127.0.0.1/10114"])
        let help = try Support.runInProcess(["help", "change-master-credentials"])
        #expect(help.stdout.contains("Needs Percona's orchestrator newer than v3.2.6-20"))
        #expect(help.stdout.contains("Changes state on the server."))
    }
}
