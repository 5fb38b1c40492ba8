import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit

/// Issue 12, "only the host that was named": empty values, conflicting flags, endpoint lists, split brain, ports.
@Suite("Only the host that was named")
struct NamedHostTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let okAnswer = Reply.json(#"{"Code":"OK","Message":"","Details":{"Hostname":"db1","Port":3306}}"#)

    // MARK: 5. An empty value means "not given"? No: it is an error.

    @Test("an explicitly empty value is a usage error, nothing sent, even with ORCHESTRATOR_INSTANCE set", arguments: [
        ["-c", "begin-downtime", "-i", "", "-r", "r"], ["-c", "end-maintenance", "-i", ""], ["-c", "which-cluster", "-a", ""],
        ["-c", "end-downtime", "--instance="], ["-c", "discover", "-U", ""], ["-c", "discover", "-o", "", "-i", "db1"],
        ["-c", "discover", "-i", ""],
    ])
    func emptyValue(_ arguments: [String]) throws {
        let server = try TestServer { _ in NamedHostTests.okAnswer }
        defer { server.stop() }
        for environment in [["ORCHESTRATOR_API": server.apiURL], ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_INSTANCE": "db9:3306"]] {
            let result = try Support.run(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): exit \(result.status) \(result.stderr)")
            #expect(result.stderr.contains("empty value"), "\(result.stderr)")
        }
        #expect(server.requests.isEmpty, "\(server.targets)")
    }

    @Test("ORCHESTRATOR_INSTANCE set but empty never means this host either; with -i or -a it does not matter")
    func emptyEnvironmentInstance() throws {
        let server = try TestServer { _ in NamedHostTests.okAnswer }
        defer { server.stop() }
        let environment = ["ORCHESTRATOR_API": server.apiURL, "ORCHESTRATOR_INSTANCE": ""]
        for arguments in [["-c", "begin-downtime", "-r", "r"], ["-c", "discover"], ["-c", "which-cluster"]] {
            let result = try Support.run(arguments, environment: environment)
            #expect(result.status == 2, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("ORCHESTRATOR_INSTANCE is set but empty"), "\(result.stderr)")
        }
        #expect(server.requests.isEmpty)
        #expect(try Support.run(["-c", "end-downtime", "-i", "db1"], environment: environment).status == 0)
        #expect(server.targets == ["/api/end-downtime/db1/3306"])
    }

    @Test("the library refuses an empty input too, instead of acting on this host")
    func emptyValueInLibrary() async throws {
        let server = try TestServer { _ in NamedHostTests.okAnswer }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)]))
        await #expect(throws: OrchestratorError.self) { _ = try await client.run("end-maintenance", [.instance: ""]) }
        #expect(server.requests.isEmpty)
    }

    // MARK: 6. A flag given twice with different values

    @Test("a flag given twice with different values is refused; the same value twice passes")
    func conflictingRepeats() throws {
        let server = try TestServer { _ in NamedHostTests.discoverAnswer }
        defer { server.stop() }
        let turned = try Support.run(["-c", "which-master", "-i", "db1", "-c", "discover"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(turned.status == 2)
        #expect(turned.stderr.contains("-c/--command given twice with different values"), "\(turned.stderr)")
        let secret = try Support.run(["-c", "discover", "-b", "alice:Pw1-Xq", "-b", "alice:Pw2-Zr"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(secret.status == 2)
        #expect(!secret.stderr.contains("Pw1") && !secret.stderr.contains("Pw2"), "\(secret.stderr)")
        #expect(server.requests.isEmpty)
        let same = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111", "--instance=127.0.0.1:10111", "-c", "discover"],
                                   environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(same.status == 0, "\(same.stderr)")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }

    // MARK: 7. Comma-separated endpoints

    @Test("endpoints separated by commas are endpoints: the leader is found, never a path /api,http://…")
    func commaSeparated() throws {
        let follower = try TestServer { request in RaftRole.follower.leaderCheckReply(request.target) ?? .notFound }
        let leader = try TestServer { request in RaftRole.leader.leaderCheckReply(request.target) ?? NamedHostTests.discoverAnswer }
        defer { follower.stop(); leader.stop() }
        for api in ["\(follower.apiURL),\(leader.apiURL)", "\(follower.apiURL), \(leader.apiURL)"] {
            let result = try Support.run(["-c", "which-api"], environment: ["ORCHESTRATOR_API": api])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == leader.apiURL + "\n")
        }
        #expect(follower.targets.allSatisfy { $0 == "/api/leader-check" })
        let junk = try Support.run(["-c", "which-api"], environment: ["ORCHESTRATOR_API": "\(leader.apiURL),junk"])
        #expect(junk.status == 2, "\(junk.stdout)")
    }

    @Test("a comma inside a URL password stays in the password")
    func commaInPassword() throws {
        let server = try TestServer { _ in NamedHostTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"],
                                     environment: ["ORCHESTRATOR_API": "http://alice:pa,ss@127.0.0.1:\(server.port)/api"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.requests.first?.headers["authorization"] == "Basic " + Data("alice:pa,ss".utf8).base64EncodedString())
    }

    // MARK: 8. Split brain

    @Test("two nodes claim leadership: the first listed is used every time, and a warning names both")
    func splitBrain() throws {
        // The second node claims sooner than the first: who answers first must not decide.
        let first = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? NamedHostTests.discoverAnswer).delayed(request.target.hasSuffix("leader-check") ? 150 : 0)
        }
        let second = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? NamedHostTests.discoverAnswer).delayed(request.target.hasSuffix("leader-check") ? 100 : 0)
        }
        defer { first.stop(); second.stop() }
        for _ in 0..<3 {
            let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"],
                                         environment: ["ORCHESTRATOR_API": "\(first.apiURL) \(second.apiURL)"])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "127.0.0.1:10111\n")
            #expect(result.stderr.contains("warning: several endpoints claim to be the raft leader"), "\(result.stderr)")
            #expect(result.stderr.contains("\(first.apiURL), \(second.apiURL); using \(first.apiURL)"), "\(result.stderr)")
        }
        #expect(first.targets.filter { $0.hasPrefix("/api/discover") }.count == 3)
        #expect(!second.targets.contains { $0.hasPrefix("/api/discover") })
    }

    // MARK: 9. Endpoint ports

    @Test("an endpoint port of 0 or above 65535 is refused at once, nothing sent", arguments: ["0", "65536", "99999"])
    func endpointPort(_ port: String) throws {
        let result = try Support.run(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(port)/api"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("port \(Int(port)!) is not a number from 1 to 65535"), "\(result.stderr)")
        #expect(result.milliseconds < 1_500, "took \(result.milliseconds) ms")
    }
}
