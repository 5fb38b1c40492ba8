import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// Replays every recorded invocation of the bash client against a server serving the recorded answers, and
/// holds our executable to the bash client's stdout, requests and exit status — except where the bash client
/// was measurably wrong (Tests/Recordings/README.md), where the case states what we do instead.
@Suite("Conformance with the recorded bash client")
struct ConformanceTests {
    /// How we deliberately differ from a recording, and why.
    struct Deviation {
        var why: String
        var exit: Int32? = nil
        var stdout: String? = nil
        /// Our GET targets; `[]` means nothing may be sent.
        var targets: [String]? = nil
        /// Serve another transcript's answers (the recording's answer belongs to the bash client's wrong request).
        var repliesFrom: String? = nil
        /// Stdout must be JSON equal to the recorded body (pretty-printing allowed).
        var stdoutIsRecordedJSON = false
    }

    static let deviations: [String: Deviation] = [
        "a038-api": Deviation(why: "printed JSON unchanged, not collapsed by an unquoted echo", stdoutIsRecordedJSON: true),
        "a039-api": Deviation(why: "runs of spaces inside strings are kept", stdoutIsRecordedJSON: true),
        "a040-api": Deviation(why: "a 404 page fails at once, one request, one clear line",
                              targets: ["/api/no-such-endpoint"]),
        "a044-async-discover": Deviation(why: "prints the instance key, not :null", stdout: "127.0.0.1:10112\n"),
        "a048-begin-downtime": Deviation(why: "--duration=5m --owner=cron --reason=… are read as written",
                                         targets: ["/api/begin-downtime/127.0.0.1/10114/cron/continuous_downtime/5m"]),
        "a049-end-downtime": Deviation(why: "--instance is the instance flag",
                                       stdout: "127.0.0.1:10114\n", targets: ["/api/end-downtime/127.0.0.1/10114"],
                                       repliesFrom: "a047-end-downtime"),
        "a050-begin-downtime": Deviation(why: "a reason holding '/' cannot travel as a path segment: refused, nothing sent",
                                         exit: 2, targets: []),
        "a058-register-candidate": Deviation(why: "the promotion rule is checked before sending: exit 2, nothing sent",
                                             exit: 2, targets: []),
        "a059-register-candidate": Deviation(why: "usage error: exit 2, nothing sent", exit: 2, targets: []),
        "a077-ack-cluster-recoveries": Deviation(why: "the whole reason is sent",
                                                 targets: ["/api/ack-recovery/cluster/ci?comment=ack%20after%20drill"]),
        "a078-ack-all-recoveries": Deviation(why: "the whole reason is sent",
                                             targets: ["/api/ack-all-recoveries?comment=ack%20all"]),
        "a079-ack-all-recoveries": Deviation(why: "usage error: exit 2, nothing sent", exit: 2, targets: []),
        "a107-move-gtid": Deviation(why: "the API route is move-below-gtid",
                                    targets: ["/api/move-below-gtid/127.0.0.1/10114/127.0.0.1/10113"]),
        "a108-move-gtid": Deviation(why: "the API route is move-below-gtid",
                                    targets: ["/api/move-below-gtid/127.0.0.1/10114/127.0.0.1/10112"]),
        "a114-move-replicas-gtid": Deviation(why: "nothing to move succeeds quietly", exit: 0, stdout: ""),
        // Without -i, discover is about this host (here answered by the recording's 404 page).
        "a130-discover": Deviation(why: "without -i, discover uses this host's name", exit: 1,
                                   targets: ["/api/discover/\(HostIdentity.fullyQualifiedName() ?? "")/3306"]),
        "a131-begin-downtime": Deviation(why: "usage error: exit 2, nothing sent", exit: 2, targets: []),
        "a132-no-such-command": Deviation(why: "usage error: exit 2, nothing sent", exit: 2, targets: []),
    ]

    static var names: [String] { Support.transcripts.map(\.name) }

    @Test("recordings are present")
    func recordingsPresent() {
        #expect(Support.recordingsDirectory != nil, "Tests/Recordings not found; set ORCHESTRATOR_API_RECORDINGS")
        #expect(Support.transcripts.count >= 146, "\(Support.loadedTranscripts)")
    }

    @Test("transcript", arguments: names)
    func replay(_ name: String) throws {
        let transcript = try Support.transcript(name)
        let deviation = Self.deviations[name]
        let source = try deviation?.repliesFrom.map(Support.transcript) ?? transcript
        let replay = SequentialReplay(source.exchanges)
        let server = try TestServer(handler: replay.handler)
        defer { server.stop() }

        let result = try Support.run(transcript.args, environment: ["ORCHESTRATOR_API": server.apiURL])
        let targets = server.requests.filter { $0.method == "GET" }.map(\.target)
        #expect(server.requests.allSatisfy { $0.method == "GET" }, "only GET requests, no HEAD probes")

        // Requests: the recorded ones without the bash client's %0A, each sent once (it retried for 11 s).
        var expectedTargets = deviation?.targets ?? transcript.gets.map { $0.path.replacingOccurrences(of: "%0A", with: "") }
        if deviation?.targets == nil { expectedTargets = Self.withoutRepeats(expectedTargets) }
        #expect(targets == expectedTargets, "\(name): requests differ")

        let expectedExit = deviation?.exit ?? transcript.exit
        if expectedExit == 0 {
            #expect(result.status == 0, "\(name): exit \(result.status), stderr: \(result.stderr)")
            #expect(result.stderr.isEmpty, "\(name): unexpected stderr \(result.stderr)")
            if deviation?.stdoutIsRecordedJSON == true {
                let body = try #require(transcript.gets.first?.body)
                let ours = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? NSObject
                let recorded = try JSONSerialization.jsonObject(with: Data(body.utf8)) as? NSObject
                #expect(ours == recorded, "\(name): printed JSON differs from the server's answer")
            } else {
                let address = server.apiURL.replacingOccurrences(of: "/api", with: "")
                let expected = deviation?.stdout ?? transcript.stdout.replacingOccurrences(of: "http://127.0.0.1:3000", with: address)
                #expect(result.stdout == expected, "\(name): stdout differs")
            }
        } else {
            if expectedExit == 2 {
                #expect(result.status == 2, "\(name): usage errors exit 2, got \(result.status)")
            } else {
                #expect(result.status != 0, "\(name): the bash client failed, we must too")
            }
            // A clear message: one line, not eight parse errors.
            let lines = result.stderr.split(separator: "\n")
            #expect(lines.count == 1, "\(name): stderr should be one clear line, got: \(result.stderr)")
            #expect(!result.stderr.contains("parse error"))
            if transcript.stdout.isEmpty {
                #expect(result.stdout.isEmpty, "\(name): nothing on stdout when failing")
            } else {
                #expect(result.stdout == transcript.stdout, "\(name): the server's Details on stdout, as recorded")
            }
        }
    }

    static func withoutRepeats(_ targets: [String]) -> [String] {
        var result: [String] = []
        for target in targets where result.last != target { result.append(target) }
        return result
    }

    @Test("the raft roles served by the test server are the recorded answers")
    func raftRolesMatchRecordings() throws {
        let directory = try #require(Support.recordingsDirectory)
        let nodes = try Recordings.raftNodes(in: directory)
        for (node, exchanges) in nodes {
            let isLeader = exchanges["/api/leader-check"]?.status == 200
            let role: RaftRole = isLeader ? .leader : .follower
            for path in ["/api/leader-check", "/api/routed-leader-check"] {
                let recorded = try #require(exchanges[path])
                let served = try #require(role.leaderCheckReply(path))
                #expect(served.status == recorded.status, "\(node)\(path)")
                #expect(served.body == Array(recorded.body.utf8), "\(node)\(path)")
            }
        }
    }
}
