import Foundation
import Testing
import TestServer

/// --dry-run, --json, --quiet, --jitter, --version and help.
@Suite("Command-line conveniences")
struct InterfaceTests {
    @Test("--dry-run sends nothing, leader probes included, and needs no server")
    func dryRun() throws {
        let server = try TestServer { _ in .notFound }
        defer { server.stop() }
        let api = "\(server.apiURL) http://127.0.0.1:\(refusedPort())/api"
        let result = try Support.run(["-c", "begin-downtime", "-i", "db1", "-r", "disk swap", "--dry-run"],
                                     environment: ["ORCHESTRATOR_API": api, "ORCHESTRATOR_AUTH_USER": "alice",
                                                   "ORCHESTRATOR_AUTH_PASSWORD": "pa55word"])
        #expect(result.status == 0)
        #expect(server.requests.isEmpty)
        #expect(result.stdout.contains("GET \(server.apiURL)/leader-check\n"))
        // The owner defaults to the effective user, as `whoami` in the bash client.
        #expect(result.stdout.contains("GET <leader>/begin-downtime/db1/3306/\(NSUserName())/disk%20swap/10m\n"), "\(result.stdout)")
        #expect(result.stdout.contains("alice:****"))
        #expect(!result.stdout.contains("pa55word"))
    }

    @Test("--json prints the API's answer; --quiet prints nothing")
    func jsonAndQuiet() throws {
        let replay = try SequentialReplay(Support.transcript("a002-clusters").exchanges + Support.transcript("a002-clusters").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let json = try Support.run(["-c", "clusters", "--json"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(json.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["ClusterAlias"] as? String == "ci")
        let quiet = try Support.run(["-c", "clusters", "--quiet"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        #expect(server.targets == ["/api/clusters-info", "/api/clusters-info"])
    }

    @Test("--jitter waits at most N seconds, then runs")
    func jitter() throws {
        let replay = SequentialReplay(try Support.transcript("a002-clusters").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let result = try Support.run(["-c", "clusters", "--jitter", "1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0)
        #expect(result.stdout == "127.0.0.1:10111\n")
        let bad = try Support.run(["-c", "clusters", "--jitter", "ten"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(bad.status == 2)
        #expect(server.targets.count == 1)
    }

    @Test("help in every form", arguments: [["-h"], ["--help"], ["-help"], ["-c", "help"], ["help"]])
    func help(_ arguments: [String]) throws {
        let result = try Support.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Relocation:\n"))
        #expect(result.stdout.contains("  discover "))
    }

    @Test("help for one command", arguments: [["help", "begin-downtime"], ["-c", "help", "-i", "begin-downtime"],
                                               ["-c", "begin-downtime", "--help"], ["help", "begin-downtime"]])
    func commandHelp(_ arguments: [String]) throws {
        let result = try Support.run(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("begin-downtime: "))
        #expect(result.stdout.contains("Calls: GET /api/begin-downtime/{instance}/{owner}/{reason}/{duration}"))
        #expect(result.stdout.contains("Example: orchestrator-client -c begin-downtime"))
    }

    @Test("--version")
    func version() throws {
        let result = try Support.run(["--version"])
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("orchestrator-client "))
    }

    @Test("no command: usage error naming the fix")
    func noCommand() throws {
        let result = try Support.run(["-i", "db1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("-c <command>"))
    }
}
