import Foundation
import Testing
import TestServer

/// The crontab lines of orchestrator's deployment guide, run end to end against the recorded answers.
@Suite("Crontab lines end to end")
struct CronCommandsTests {
    func run(_ arguments: [String], replying transcript: String, environment: [String: String] = [:]) throws -> (ProcessResult, [String]) {
        let replay = SequentialReplay(try Support.transcript(transcript).exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        var env = environment
        env["ORCHESTRATOR_API"] = env["ORCHESTRATOR_API"] ?? server.apiURL
        let result = try Support.runInProcess(arguments, environment: env)
        return (result, server.targets)
    }

    @Test("discover")
    func discover() throws {
        let (result, targets) = try run(["-c", "discover", "-i", "127.0.0.1:10111"], replying: "a041-discover")
        #expect(result.status == 0)
        #expect(result.stdout == "127.0.0.1:10111\n")
        #expect(targets == ["/api/discover/127.0.0.1/10111"])
    }

    @Test("register-candidate with every spelling of the flag", arguments: [
        ["--promotion-rule", "prefer"], ["--promotion-rule=prefer"], ["-promotion-rule", "prefer"], ["-R", "prefer"], ["-Rprefer"],
    ])
    func registerCandidate(_ ruleFlag: [String]) throws {
        let (result, targets) = try run(["-c", "register-candidate", "-i", "127.0.0.1:10113"] + ruleFlag, replying: "a054-register-candidate")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10113\n")
        #expect(targets == ["/api/register-candidate/127.0.0.1/10113/prefer"])
    }

    @Test("begin-downtime in the orchestrator CLI's --flag=value form")
    func beginDowntime() throws {
        let (result, targets) = try run(["-c", "begin-downtime", "-i", "127.0.0.1:10114", "--duration=5m", "--owner=cron",
                                         "--reason=continuous_downtime"], replying: "a045-begin-downtime")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10114\n")
        #expect(targets == ["/api/begin-downtime/127.0.0.1/10114/cron/continuous_downtime/5m"])
    }

    @Test("begin-downtime defaults: owner is the current user, duration 10m; values encoded once")
    func beginDowntimeDefaults() throws {
        let (result, targets) = try run(["-c", "begin-downtime", "-i", "127.0.0.1:10114", "-r", "testing failover"],
                                        replying: "a045-begin-downtime", environment: ["USER": "tester"])
        #expect(result.status == 0)
        let owner = try #require(targets.first?.split(separator: "/").dropFirst(5).first)
        #expect(!owner.isEmpty)
        #expect(targets.first?.hasSuffix("/testing%20failover/10m") == true, "\(targets)")
    }

    @Test("end-downtime with --instance")
    func endDowntime() throws {
        let (result, targets) = try run(["-c", "end-downtime", "--instance", "127.0.0.1:10114"], replying: "a047-end-downtime")
        #expect(result.status == 0)
        #expect(result.stdout == "127.0.0.1:10114\n")
        #expect(targets == ["/api/end-downtime/127.0.0.1/10114"])
    }

    @Test("ORCHESTRATOR_INSTANCE is the default -i")
    func instanceFromEnvironment() throws {
        let (result, targets) = try run(["-c", "end-downtime"], replying: "a047-end-downtime",
                                        environment: ["ORCHESTRATOR_INSTANCE": "127.0.0.1:10114"])
        #expect(result.status == 0)
        #expect(targets == ["/api/end-downtime/127.0.0.1/10114"])
    }

    @Test("Code ERROR: the server's message on stderr, exit 1")
    func apiError() throws {
        let (result, _) = try run(["-c", "discover", "-i", "127.0.0.1"], replying: "a042-discover")
        #expect(result.status == 1)
        #expect(result.stderr == "dial tcp 127.0.0.1:3306: connect: connection refused\n")
        #expect(result.stdout.isEmpty)
    }

    @Test("the profile file is read, never executed")
    func profileFile() throws {
        let replay = SequentialReplay(try Support.transcript("a041-discover").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let marker = FileManager.default.temporaryDirectory.appendingPathComponent("profile-executed-\(UUID())").path
        let profile = FileManager.default.temporaryDirectory.appendingPathComponent("profile-\(UUID()).sh").path
        try """
        # managed by puppet
        export ORCHESTRATOR_API="\(server.apiURL)"
        touch \(marker)
        ORCHESTRATOR_INSTANCE=$(touch \(marker))
        """.write(toFile: profile, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(atPath: profile) }
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": profile])
        // The substitution on line 4 sets a variable the client reads and cannot be evaluated without
        // running it: an error naming the line, in one line, nothing sent.
        #expect(result.status == 2, "\(result.stderr)")
        #expect(result.stderr.contains("\(profile):4: not applied"), "\(result.stderr)")
        #expect(result.stderr.split(separator: "\n").count == 1, "\(result.stderr)")
        #expect(server.targets.isEmpty)
        #expect(!FileManager.default.fileExists(atPath: marker))
        // Without that line, the rest applies, and still nothing runs.
        try """
        export ORCHESTRATOR_API="\(server.apiURL)"
        touch \(marker)
        """.write(toFile: profile, atomically: true, encoding: .utf8)
        let applied = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_CLIENT_PROFILE": profile])
        #expect(applied.status == 0, "\(applied.stderr)")
        #expect(applied.stderr.contains("\(profile):2: not run"), "line 2 is a warning: \(applied.stderr)")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
        #expect(!FileManager.default.fileExists(atPath: marker))
    }
}
