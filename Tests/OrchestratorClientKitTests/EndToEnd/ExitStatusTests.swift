import Foundation
import Testing
import TestServer
import OrchestratorClientKit
@testable import OrchestratorCLI

/// Exit status 0, and the text on standard output, only when the thing happened: a failed write to standard output,
/// an answer that does not hold what the command prints, a redirect or a "no" are failures that say so.
@Suite("Exit 0 only when it happened")
struct ExitStatusTests {
    static let discoverAnswer = Support.recordedAnswer("a041-discover").reply
    static let instanceAnswer = Support.recordedAnswer("a009-instance").reply
    static let wrongShapes = ["{}", "null", "\"OK\"", "[]", #"{"Code":"OK","Message":"","Details":null}"#, #"{"Key":{}}"#]

    /// Runs the client through `sh` with `redirection` applied to its standard output (a process of its own: the
    /// descriptors are the point).
    static func runRedirected(_ arguments: [String], _ redirection: String, environment: [String: String] = [:]) throws -> ProcessResult {
        try Support.run(["-c", "exec \"$0\" \"$@\" \(redirection)", Support.executable] + arguments, environment: environment,
                        program: "/bin/sh")
    }

    @Test("a failed write to stdout (full disk, closed descriptor) is an error with a message, never exit 0", arguments: [
        ">/dev/full", ">&-",
    ])
    func writeErrors(_ redirection: String) throws {
        let server = try TestServer { _ in ExitStatusTests.instanceAnswer }
        defer { server.stop() }
        for arguments in [["-c", "which-master", "-i", "127.0.0.1:10112"], ["--help"], ["--version"],
                          ["-c", "which-master", "-i", "db1", "--dry-run"]] {
            let result = try Self.runRedirected(arguments, redirection, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments) \(redirection): exit \(result.status), stderr \(result.stderr)")
            #expect(result.stderr.contains("cannot write to standard output"), "\(arguments): \(result.stderr)")
        }
        // The request was made once, and nothing it printed went to another descriptor (the socket).
        #expect(server.targets == ["/api/instance/127.0.0.1/10112"])
    }

    @Test("--quiet writes nothing, so a full disk does not matter")
    func quietIgnoresFullDisk() throws {
        let server = try TestServer { _ in ExitStatusTests.discoverAnswer }
        defer { server.stop() }
        let result = try Self.runRedirected(["-c", "discover", "-i", "127.0.0.1:10111", "--quiet"], ">/dev/full",
                                            environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
    }

    @Test("a 2xx answer that does not hold what the command prints: exit 1 naming the endpoint, status and expectation",
          arguments: [
              ["-c", "discover", "-i", "db1"], ["-c", "begin-downtime", "-i", "db1", "-r", "r"],
              ["-c", "which-master", "-i", "db1"], ["-c", "instance", "-i", "db1"], ["-c", "topology", "-a", "ci"],
              ["-c", "which-cluster", "-a", "ci"], ["-c", "discover", "-i", "db1", "--json"],
          ])
    func wrongShape(_ arguments: [String]) throws {
        for body in Self.wrongShapes {
            let server = try TestServer { _ in .json(body, status: 200) }
            defer { server.stop() }
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments) given \(body): exit \(result.status), stdout \(result.stdout)")
            #expect(result.stdout.isEmpty, "\(arguments) given \(body): printed \(result.stdout)")
            #expect(result.stderr.contains(server.apiURL), "\(result.stderr)")
            #expect(result.stderr.contains("HTTP 200"), "\(result.stderr)")
            #expect(result.stderr.contains("was expected"), "\(result.stderr)")
        }
    }

    /// Answers that hold nothing a command could print truthfully: empty, `null`, lists of empty objects.
    static let emptyAnswers = [
        "{}", "null", "[]", "[{}]", "[null]", "[\"\"]", "\"\"", "0", #"{"Key":{}}"#, #"{"Key":{"Hostname":"","Port":0}}"#,
    ] + ["null", "{}", "[{}]", "[null]", "[\"\"]", "\"\"", "[]", #"{"Key":{}}"#, #"{"SuccessorKey":{}}"#].map {
        #"{"Code":"OK","Message":"true","Details":"# + $0 + "}"
    }

    @Test("no command prints anything from an answer that holds nothing to print: the shape check refuses it first")
    func nothingPrintedFromNothing() throws {
        for spec in CommandTable.all {
            guard case .route = spec.kind else { continue }
            // async-discover prints the instance it was given, whatever the answer.
            if case .requestedInstance = spec.output { continue }
            // An empty string is tag-value's answer for a tag without a value.
            for body in Self.emptyAnswers where !(spec.id == .tagValue && body == "\"\"") {
                let document = try JSONDocument(Array(body.utf8))
                guard AnswerShape.problem(spec.output, document.root) == nil else { continue }
                let sink = MemorySink()
                try? OutputFormatter.write(spec.output, answer: document.root, requested: nil, to: sink)
                #expect(sink.bytes.isEmpty, "\(spec.name) given \(body): passes the shape check and prints \(sink.text.debugDescription)")
            }
        }
    }

    static func instance(masterPort port: String, masterHost: String = "db0") -> String {
        #"{"Key":{"Hostname":"db1","Port":3306},"MasterKey":{"Hostname":"\#(masterHost)","Port":\#(port)}}"#
    }

    @Test("an answer whose value is not what the command prints (a port of 3306.5, a tree of null) is exit 1, not exit 0",
          arguments: [
              (["-c", "topology", "-a", "ci"], #"{"Code":"OK","Message":"","Details":null}"#),
              (["-c", "topology", "-a", "ci"], #"{"Code":"OK","Message":"","Details":{}}"#),
              (["-c", "topology", "-a", "ci"], #"{"Code":"OK","Message":"","Details":""}"#),
              (["-c", "topology-tabulated", "-a", "ci"], #"{"Code":"OK","Message":"","Details":"no such cluster"}"#),
              (["-c", "topology", "-a", "ci"], #"{"Code":"OK","Message":"","Details":"db1:3306\n    + db2:3306"}"#),
              (["-c", "can-replicate-from", "-i", "db1", "-d", "db2"], #"{"Code":"OK","Message":"true","Details":null}"#),
              (["-c", "replication-analysis"], #"{"Code":"OK","Message":"","Details":[{}]}"#),
              (["-c", "submit-masters-to-kv-stores"], #"{"Code":"OK","Message":"","Details":[{}]}"#),
              (["-c", "check-global-recoveries"], #"{"Code":"OK","Message":"","Details":null}"#),
              (["-c", "delay-replication", "-i", "db1", "-S", "5"], #"{"Code":"OK","Message":"","Details":null}"#),
              (["-c", "is-replicating", "-i", "db1"], #"{"Key":{"Hostname":"db1","Port":3306}}"#),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "3306.5")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "1e400")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "0")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "70000")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "-1")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: #""3306""#)),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "3306", masterHost: "")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "-0", masterHost: "")),
              (["-c", "which-master", "-i", "db1"], instance(masterPort: "3306", masterHost: " ")),
              (["-c", "instance", "-i", "db1"], #"{"Key":{"Hostname":"db1","Port":3306.0}}"#),
          ])
    func valueNotPrinted(_ arguments: [String], _ body: String) throws {
        let server = try TestServer { _ in .json(body, status: 200) }
        defer { server.stop() }
        let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1, "\(arguments) given \(body): exit \(result.status), stdout \(result.stdout.debugDescription)")
        #expect(result.stdout.isEmpty, "\(result.stdout.debugDescription)")
        #expect(result.stderr.contains("HTTP 200") && result.stderr.contains("was expected"), "\(result.stderr)")
    }

    @Test("what orchestrator really answers for \"none\" still prints as the bash client printed it, exit 0", arguments: [
        (["-c", "which-master", "-i", "db1"], instance(masterPort: "0", masterHost: ""), ":0\n"),
        (["-c", "clusters"], "[]", ""),
        (["-c", "downtimed"], "null", ""),
        (["-c", "replication-analysis"], #"{"Code":"OK","Message":"Analysis","Details":[]}"#, ""),
        (["-c", "which-gtid-errant", "-i", "db1"], #"{"Key":{"Hostname":"db1","Port":3306},"GtidErrant":""}"#, "\n"),
        (["-c", "tag-value", "-i", "db1", "-t", "fast"], #""""#, "\n"),
    ])
    func noneStillPrinted(_ arguments: [String], _ body: String, _ printed: String) throws {
        let server = try TestServer { _ in .json(body, status: 200) }
        defer { server.stop() }
        let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(arguments) given \(body): \(result.stderr)")
        #expect(result.stdout == printed)
    }

    @Test("the library refuses the same answers: a typed method throws unexpectedAnswer")
    func libraryRefusesToo() async throws {
        let server = try TestServer { _ in .json(ExitStatusTests.instance(masterPort: "3306.5"), status: 200) }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: ClientConfiguration(endpoints: [try Endpoint(parsing: server.apiURL)]))
        await #expect(throws: OrchestratorError.self) { _ = try await client.run("which-master", [.instance: "db1"]) }
        do {
            _ = try await client.run("which-master", [.instance: "db1"])
        } catch {
            #expect(error.code == .unreadableAnswer, "\(error)")
            #expect(error.message.contains("3306.5"), "\(error.message)")
        }
    }

    @Test("a redirect is never success: exit 1, saying where it pointed, whatever its body", arguments: [301, 302, 307, 308])
    func redirect(_ status: Int) throws {
        let server = try TestServer { _ in
            var reply = ExitStatusTests.discoverAnswer
            reply.status = status
            reply.headers = [("Location", "https://orc.example.com/api/discover/db1/3306")]
            return reply
        }
        defer { server.stop() }
        for arguments in [["-c", "discover", "-i", "db1"], ["-c", "api", "--path", "clusters"]] {
            let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": server.apiURL])
            #expect(result.status == 1, "\(arguments): exit \(result.status)")
            #expect(result.stdout.isEmpty)
            #expect(result.stderr.contains("HTTP \(status)"), "\(result.stderr)")
            #expect(result.stderr.contains("redirect to https://orc.example.com/api/discover/db1/3306"), "\(result.stderr)")
        }
    }

    @Test("--json keeps a yes/no command's no: exit 1, the JSON printed")
    func jsonKeepsTheNo() throws {
        let server = try TestServer { _ in .json(#"{"Code":"OK","Message":"false","Details":null}"#) }
        defer { server.stop() }
        let result = try Support.runInProcess(["--json", "-c", "can-replicate-from", "-i", "db1", "-d", "db2"],
                                              environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == ExitStatus.apiFailure)
        #expect(result.stdout.contains("\"false\""), "\(result.stdout)")
    }

    @Test("JSON nested deeper than the parser's limit is said to be so, not \"not JSON\"")
    func nestedTooDeep() throws {
        let body = String(repeating: "[", count: 600) + String(repeating: "]", count: 600)
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "api", "--path", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1)
        #expect(result.stderr.contains("nested deeper than 512 levels"), "\(result.stderr)")
        #expect(!result.stderr.contains("not JSON"))
    }

    @Test("a member name sent twice: the last value counts, as with jq (and so the bash client)")
    func duplicateNames() throws {
        let body = #"{"Code":"OK","Message":"","Details":{"Key":{"Hostname":"first","Port":1},"Port":5,"Key":{"Hostname":"last","Port":2}}}"#
        let server = try TestServer { _ in .json(body) }
        defer { server.stop() }
        let result = try Support.runInProcess(["-c", "discover", "-i", "db1"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "last:2\n")
        let api = try Support.runInProcess(["-c", "api", "--path", "x"], environment: ["ORCHESTRATOR_API": server.apiURL])
        // jq's layout: the name where it first occurred, with its last value.
        #expect(api.stdout.contains(#""Key": {"# + "\n" + #"      "Hostname": "last","#), "\(api.stdout)")
        #expect(!api.stdout.contains("first"))
    }
}
