import Foundation
import Testing
import TestServer

/// --dry-run, --json, --quiet, --jitter and help. (--version: LazyLoadingTests, which also checks what it loads.)
@Suite("Command-line conveniences")
struct InterfaceTests {
    @Test("--dry-run sends nothing, leader probes included, and needs no server")
    func dryRun() throws {
        let server = try TestServer { _ in .notFound }
        defer { server.stop() }
        let api = "\(server.apiURL) http://127.0.0.1:\(refusedPort())/api"
        let result = try Support.runInProcess(["-c", "begin-downtime", "-i", "db1", "-r", "disk swap", "--dry-run"],
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

    @Test("--dry-run of a raft command shows the raft-state check it makes first, before the command's own request")
    func dryRunRaftCheck() throws {
        let result = try Support.runInProcess(["-c", "raft-leader", "--dry-run"],
                                              environment: ["ORCHESTRATOR_API": "http://127.0.0.1:\(refusedPort())/api"])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.map { $0.split(separator: "/").last.map(String.init) } == ["raft-state", "raft-leader"], "\(result.stdout)")
    }

    @Test("--json prints the API's answer; --quiet prints nothing")
    func jsonAndQuiet() throws {
        let replay = try SequentialReplay(Support.transcript("a002-clusters").exchanges + Support.transcript("a002-clusters").exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }
        let json = try Support.runInProcess(["-c", "clusters", "--json"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(json.status == 0)
        let parsed = try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
        #expect(parsed?.first?["ClusterAlias"] as? String == "ci")
        let quiet = try Support.runInProcess(["-c", "clusters", "--quiet"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(quiet.status == 0)
        #expect(quiet.stdout.isEmpty)
        #expect(server.targets == ["/api/clusters-info", "/api/clusters-info"])
    }

    /// The wait is random (uniform up to N), so one run proves little: four runs of `--jitter 1` (a bare number is
    /// seconds) must each end within the second plus a loaded machine's slack, and together wait more than 150 ms
    /// (four uniform waits sum to less with a chance of 2 in 100,000; with no wait, or milliseconds, they always do).
    @Test("--jitter N waits a random time of at most N seconds, then runs")
    func jitter() throws {
        let clusters = try Support.transcript("a002-clusters").answer(0).reply
        let server = try TestServer { _ in clusters }
        defer { server.stop() }
        var elapsed: [Int] = []
        for _ in 0..<4 {
            let result = try Support.runInProcess(["-c", "clusters", "--jitter", "1"], environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 0, "\(result.stderr)")
            #expect(result.stdout == "127.0.0.1:10111\n")
            elapsed.append(result.milliseconds)
        }
        #expect(elapsed.allSatisfy { $0 <= 1_000 + 1_500 }, "a run waited more than a second: \(elapsed) ms")
        #expect(elapsed.reduce(0, +) >= 150, "four runs waited \(elapsed) ms in all: no jitter?")
        let bad = try Support.runInProcess(["-c", "clusters", "--jitter", "ten"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(bad.status == 2)
        #expect(server.targets == Array(repeating: "/api/clusters-info", count: 4))
    }

    @Test("help in every form", arguments: [["-h"], ["--help"], ["-help"], ["-c", "help"], ["help"]])
    func help(_ arguments: [String]) throws {
        let result = try Support.runInProcess(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.contains("Relocation:\n"))
        #expect(result.stdout.contains("  discover "))
    }

    @Test("help for one command", arguments: [["help", "begin-downtime"], ["-c", "help", "-i", "begin-downtime"],
                                               ["-c", "begin-downtime", "--help"]])
    func commandHelp(_ arguments: [String]) throws {
        let result = try Support.runInProcess(arguments)
        #expect(result.status == 0)
        #expect(result.stdout.hasPrefix("begin-downtime: "))
        #expect(result.stdout.contains("Calls: GET /api/begin-downtime/{instance}/{owner}/{reason}/{duration}"))
        #expect(result.stdout.contains("Example: orchestrator-client -c begin-downtime"))
    }

    @Test("no command: usage error naming the fix")
    func noCommand() throws {
        let result = try Support.runInProcess(["-i", "db1"])
        #expect(result.status == 2)
        #expect(result.stderr.contains("-c <command>"))
    }
}
