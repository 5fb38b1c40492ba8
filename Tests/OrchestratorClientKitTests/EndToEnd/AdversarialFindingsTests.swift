import Foundation
import Testing
import TestServer
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// Defects an adversarial run against the merged client found, each reproduced against loopback servers.
@Suite("Adversarial findings")
struct AdversarialFindingsTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let discover = ["-c", "discover", "-i", "127.0.0.1:10111"]

    /// A change whose connection closes unanswered must not be sent again by libcurl on a new connection.
    @Test("a change after a leader probe takes a connection of its own: never sent twice, exit 5")
    func changeNotResent() throws {
        let discoveries = Locked(0)
        let leader = try TestServer { request in
            if let probe = RaftRole.leader.leaderCheckReply(request.target) { return probe }
            let count = discoveries.with { count -> Int in count += 1; return count }
            var reply = AdversarialFindingsTests.discoverAnswer
            reply.closeWithoutAnswer = count == 1   // a Go handler that panics closes the connection like this
            return reply
        }
        let follower = try TestServer { RaftRole.follower.leaderCheckReply($0.target) ?? .notFound }
        defer { leader.stop(); follower.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": "\(follower.apiURL) \(leader.apiURL)"])
        #expect(result.status == ExitStatus.outcomeUnknown, "\(result.stderr)")
        #expect(discoveries.current == 1, "the change was sent \(discoveries.current) times")
    }

    @Test("-c api sends any path once: a change is never retried after it may have arrived")
    func rawAPINotRetried() throws {
        let server = try TestServer { _ in var reply = Reply.json("{}"); reply.closeWithoutAnswer = true; return reply }
        defer { server.stop() }
        let result = try Support.run(["-c", "api", "-P", "begin-downtime/db1/3306/ops/maint/1h"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.outcomeUnknown, "\(result.stderr)")
        #expect(server.targets == ["/api/begin-downtime/db1/3306/ops/maint/1h"])
    }

    @Test("a command about this host never falls back to it when another target was named",
          arguments: [["-c", "begin-downtime", "-a", "ci", "-r", "x"], ["-c", "register-candidate", "-s", "db2", "-R", "prefer"],
                      ["-c", "end-downtime", "-d", "db2:3306"], ["-c", "end-maintenance", "-H", "db2"]])
    func otherTargetIsNotThisHost(_ arguments: [String]) {
        let result = CommandLineTool(environment: ClientEnvironment(variables: ["ORCHESTRATOR_API": "http://127.0.0.1:1/api"]),
                                     thisHost: { Issue.record("this host's name was asked for"); return "db9.example.com" })
            .run(arguments + ["--dry-run"])
        #expect(result.exitStatus == ExitStatus.usage, "\(result.standardOutput)")
        #expect(result.standardError.contains("needs -i/--instance"), "\(result.standardError)")
    }

    @Test("secrets are not echoed: a non-UTF-8 -b value, an unknown flag's attached value")
    func secretsNotEchoed() throws {
        let bash = try #require(Support.find("bash"))
        let binary = Support.executable
        let nonUTF8 = try Support.run(["-c", "\"$0\" -c instance -i db1 -b $'u:s3cret\\xff'", binary], program: bash)
        #expect(nonUTF8.status == ExitStatus.usage)
        #expect(nonUTF8.stderr.contains("not valid UTF-8"), "\(nonUTF8.stderr)")
        #expect(!nonUTF8.stderr.contains("s3cret"), "\(nonUTF8.stderr)")
        let unknown = try Support.run(["-c", "instance", "-i", "db1", "--password=s3cret"])
        #expect(unknown.status == ExitStatus.usage)
        #expect(!unknown.stderr.contains("s3cret"), "\(unknown.stderr)")
    }

    @Test("--json keeps a yes/no command's no: exit 1, the JSON printed")
    func jsonKeepsTheNo() throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"false","Details":null}"#) }
        defer { server.stop() }
        let result = try Support.run(["--json", "-c", "can-replicate-from", "-i", "db1", "-d", "db2"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.apiFailure)
        #expect(result.stdout.contains("\"false\""), "\(result.stdout)")
    }

    @Test("a password file that is not UTF-8 is refused, not sent altered")
    func passwordFileNotUTF8() throws {
        let directory = try TemporaryDirectory()
        let file = directory.path + "/password"
        #expect(FileManager.default.createFile(atPath: file, contents: Data([0x70, 0xE9, 0x73, 0x73, 0x0A]),
                                                attributes: [.posixPermissions: 0o600]))
        let server = try TestServer { _ in AdversarialFindingsTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.run(Self.discover + ["-b", "u", "--password-file", file], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.usage)
        #expect(result.stderr.contains("not UTF-8"), "\(result.stderr)")
        #expect(server.requests.isEmpty)
    }

    @Test("an answer that is not HTTP to a change: the change was sent, outcome unknown (exit 5)")
    func notHTTPAnswerToAChange() throws {
        let server = try TestServer { _ in var reply = Reply.json(""); reply.raw = Array("garbage\r\n\r\n".utf8); return reply }
        defer { server.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.outcomeUnknown, "\(result.stderr)")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
    }

    @Test("the URL scheme is case-insensitive, as curl and the bash client take it")
    func upperCaseScheme() throws {
        let server = try TestServer { _ in AdversarialFindingsTests.discoverAnswer }
        defer { server.stop() }
        let result = try Support.run(Self.discover, environment: ["ORCHESTRATOR_API": "HTTP://127.0.0.1:\(server.port)/api"])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
    }

    @Test("the memory probe answers no for what the process cannot get")
    func memoryProbe() {
        #expect(MemoryHeadroom.available(1 << 20))
        #expect(!MemoryHeadroom.available(1 << 52))
    }
}
