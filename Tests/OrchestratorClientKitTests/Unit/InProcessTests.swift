import Testing
import TestServer
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// The command line run in-process, with a test double for the transport and for this host's name.
@Suite("Command line in-process")
struct InProcessTests {
    /// Answers each request from `answer`, recording what was asked.
    final class RecordingSender: HTTPSending, @unchecked Sendable {
        var asked: [String] = []
        let answer: (HTTPRequest) -> HTTPOutcome
        init(answer: @escaping (HTTPRequest) -> HTTPOutcome) { self.answer = answer }

        func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
            var outcomes: [HTTPOutcome?] = []
            for request in requests {
                asked.append(request.url)
                let outcome = answer(request)
                outcomes.append(outcome)
                if isEnough(outcome) { break }
            }
            return outcomes + Array(repeating: nil, count: requests.count - outcomes.count)
        }
    }

    @Test("discover without -i asks about this host, through the leader the probes found")
    func thisHostThroughTheLeader() throws {
        let discover = try Support.transcript("a041-discover").answer(0)
        let sender = RecordingSender { request in
            switch request.path {
            case "leader-check":
                let leads = request.endpoint.url.contains("orc2")
                return .success(HTTPAnswer(status: leads ? 200 : 404, contentType: "application/json",
                                           body: Array((leads ? "\"OK\"" : "\"Not leader\"").utf8)))
            default:
                return .success(HTTPAnswer(status: 200, contentType: "application/json", body: Array(discover.body.utf8)))
            }
        }
        let environment = ClientEnvironment(variables: ["ORCHESTRATOR_API": "http://orc1:3000/api http://orc2:3000/api"])
        let result = CommandLineTool(environment: environment, sender: sender, thisHost: { "db9.example.com" })
            .run(["-c", "discover"])
        #expect(result.exitStatus == 0, "\(result.standardError)")
        #expect(result.standardOutput == "127.0.0.1:10111\n")
        #expect(sender.asked == ["http://orc1:3000/api/leader-check", "http://orc2:3000/api/leader-check",
                                 "http://orc2:3000/api/discover/db9.example.com/3306"])
    }

    @Test("a command that needs an explicit -i never asks for this host's name")
    func noGuessing() {
        let sender = RecordingSender { _ in .failure(TransportFailure(kind: .refused, reason: "unused", elapsedMilliseconds: 0)) }
        let result = CommandLineTool(environment: ClientEnvironment(variables: [:]), sender: sender,
                                     thisHost: { Issue.record("this host's name was asked for"); return "db9" })
            .run(["-c", "relocate", "-d", "db2:3306"])
        #expect(result.exitStatus == ExitStatus.usage)
        #expect(sender.asked.isEmpty)
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

    @Test("--timeout bounds the whole invocation: the time this host's lookup took is taken from the request's bound, not added to it")
    func lookupInsideTheBound() throws {
        let discover = try Support.transcript("a041-discover").answer(0)
        var given: [Int] = []
        let sender = RecordingSender { request in
            given.append(request.timeoutMilliseconds)
            return .success(HTTPAnswer(status: 200, contentType: "application/json", body: Array(discover.body.utf8)))
        }
        let result = CommandLineTool(environment: ClientEnvironment(variables: ["ORCHESTRATOR_API": "http://orc1:3000/api"]), sender: sender,
                                     thisHost: { Clock.sleep(milliseconds: 600); return "db9.example.com" })
            .run(["-c", "discover", "--timeout", "1s"])
        #expect(result.exitStatus == 0, "\(result.standardError)")
        #expect(sender.asked == ["http://orc1:3000/api/discover/db9.example.com/3306"])
        #expect(given.count == 1 && given[0] <= 400, "the request may wait \(given) ms of a 1 s bound 600 ms of which went to the lookup")
    }
}
