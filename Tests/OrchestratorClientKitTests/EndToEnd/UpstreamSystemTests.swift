import Foundation
import Testing
import TestServer

/// orchestrator's own system tests (`tests/system` of openark's and Percona's repositories) drive the bash client
/// against four MySQL servers and compare what it prints. CI cannot run orchestrator, so every distinct invocation
/// of those suites is a case of `Tests/Recordings/upstream/cases.json`: the answers to serve (recorded, or derived
/// from orchestrator's source), the requests the bash client sent and what it printed. Our client must do the same,
/// except where a case states a deviation and why (see that directory's README). One of them is a judgement on
/// output: `which-cluster-master` prints the writable master's `Key`, as orchestrator's own CLI does, where the
/// bash client prints its `ClusterName`, which in a co-master pair can name the read-only co-master (case
/// `which-cluster-master-alias-ci/co-master-clustername-key` gives the reasoning in full).
@Suite("Upstream system-test invocations")
struct UpstreamSystemTests {
    static let directory = Support.repositoryRoot + "/" + Recordings.repositoryPath + "/upstream"

    /// The fixture's bytes, or the reason it cannot be read (then the tests that need it fail).
    static let fixture: Result<Data, FixtureError> = {
        do { return .success(try Data(contentsOf: URL(fileURLWithPath: directory + "/cases.json"))) } catch {
            return .failure(.missing("\(directory)/cases.json unreadable: \(error)"))
        }
    }()

    static func loaded() throws -> [String: Any] {
        guard let object = try JSONSerialization.jsonObject(with: try fixture.get()) as? [String: Any] else {
            throw FixtureError.missing("cases.json is not a JSON object")
        }
        return object
    }

    static var cases: [[String: Any]] { ((try? loaded())?["cases"] as? [[String: Any]]) ?? [] }
    static var ids: [String] { cases.compactMap { $0["id"] as? String } }

    /// The distinct invocations catalogued from both suites (research: upstream-invocations.json), each of which
    /// must keep at least one case.
    static let invocations = [
        "all-instances", "api-all-instances", "api-downtimed", "api-instance-cluster-master", "api-reload-configuration",
        "api-reload-configuration-config", "change-master-credentials", "semi-sync", "discover", "downtimed", "end-downtime",
        "flush-binary-logs", "gmt-no-target", "gmt-10111-to-10112", "gmt-cross-region", "gmt-non-direct-10999",
        "gmt-10112-to-10111", "gmta-alias", "gmta-alias-d-10113", "gmta-i-10111", "gtid-errant-inject-empty",
        "gtid-errant-reset-master", "is-replicating", "make-co-master-10113", "recover-d", "register-candidate", "relocate",
        "relocate-replicas", "replication-analysis", "reset-replica", "start-replica", "stop-replica",
        "submit-masters-to-kv-stores", "topology-i-10111", "topology-tabulated-alias-ci", "which-cluster-master-alias-ci",
        "which-gtid-errant", "which-master-10113", "which-replicas-10111", "ack-all-recoveries",
    ]

    @Test("the fixture covers every distinct invocation of both suites, and every deviation says why")
    func fixtureComplete() throws {
        _ = try Self.loaded()
        let prefixes = Set(Self.ids.map { String($0.prefix { $0 != "/" }) })
        for invocation in Self.invocations { #expect(prefixes.contains(invocation), "no case for \(invocation)") }
        #expect(Self.cases.count >= 60, "\(Self.cases.count) cases")
        #expect(Set(Self.ids).count == Self.ids.count, "case ids are unique")
        for entry in Self.cases {
            if let deviation = entry["deviation"] as? [String: Any] {
                #expect(((deviation["why"] as? String) ?? "").count > 20, "\(entry["id"] ?? "?"): a deviation states why")
            }
            #expect(!((entry["args"] as? [String]) ?? []).isEmpty)
        }
        #expect(FileManager.default.fileExists(atPath: Self.directory + "/README.md"))
    }

    /// The reply a case's answer entry describes.
    static func reply(_ entry: [String: Any]) throws -> Reply {
        if let name = entry["transcript"] as? String {
            return try Support.transcript(name).answer(entry["request"] as? Int ?? 0).reply
        }
        let status = entry["status"] as? Int ?? 200
        let type = entry["contentType"] as? String ?? "application/json; charset=UTF-8"
        if let inline = entry["inline"] as? String { return Reply(status: status, contentType: type, body: Array(inline.utf8)) }
        guard let file = entry["file"] as? String else { throw FixtureError.missing("answer without transcript, file or inline") }
        let data = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + file))
        return Reply(status: status, contentType: type, body: Array(data))
    }

    /// A server answering each path with its answers in turn (the last one repeated); `404 page not found` elsewhere.
    static func server(_ answers: [String: Any]) throws -> TestServer {
        var table: [String: [Reply]] = [:]
        for (path, list) in answers {
            table[path] = try ((list as? [[String: Any]]) ?? []).map(reply)
        }
        let served = Locked<[String: Int]>([:])
        let replies = table
        return try TestServer { request in
            guard let list = replies[request.target], !list.isEmpty else { return .notFound }
            let index = served.with { counts -> Int in
                defer { counts[request.target, default: 0] += 1 }
                return counts[request.target, default: 0]
            }
            return list[min(index, list.count - 1)]
        }
    }

    @Test("our client sends what the bash client sent and prints what it printed", arguments: ids)
    func invocation(_ id: String) throws {
        let entry = try #require(Self.cases.first { $0["id"] as? String == id })
        let bash = try #require(entry["bash"] as? [String: Any])
        let deviation = entry["deviation"] as? [String: Any] ?? [:]
        let args = try #require(entry["args"] as? [String])
        let server = try Self.server(entry["answers"] as? [String: Any] ?? [:])
        defer { server.stop() }

        let result = try Support.run(args, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(server.requests.allSatisfy { $0.method == "GET" }, "\(id): only GET requests")
        let expectedRequests = (deviation["requests"] ?? bash["requests"]) as? [String] ?? []
        #expect(server.targets == expectedRequests, "\(id): requests")

        let expectedExit = Int32((deviation["exit"] ?? bash["exit"]) as? Int ?? -1)
        #expect(result.status == expectedExit, "\(id): exit \(result.status), stderr: \(result.stderr)")

        let bashStdout = bash["stdout"] as? String ?? ""
        if deviation["stdoutIsJSON"] as? Bool == true {
            let ours = try JSONSerialization.jsonObject(with: Data(result.stdout.utf8), options: .fragmentsAllowed) as? NSObject
            let theirs = try JSONSerialization.jsonObject(with: Data(bashStdout.utf8), options: .fragmentsAllowed) as? NSObject
            #expect(ours == theirs, "\(id): the printed JSON differs from the bash client's")
        } else {
            #expect(result.stdout == (deviation["stdout"] as? String ?? bashStdout), "\(id): stdout")
        }

        if let needles = deviation["stderrContains"] as? [String] {
            #expect(result.stderr.split(separator: "\n").count == 1, "\(id): one line on stderr: \(result.stderr)")
            for needle in needles { #expect(result.stderr.contains(needle), "\(id): stderr lacks \(needle): \(result.stderr)") }
        } else if let stderr = deviation["stderr"] as? String {
            #expect(result.stderr == stderr, "\(id): stderr")
        } else if expectedExit != 0 {
            #expect(result.stderr == bash["stderr"] as? String, "\(id): stderr")
        } else {
            #expect(result.stderr.isEmpty, "\(id): stderr \(result.stderr)")
        }

        // The suite's own pipe (sort, cut, sed, wc, grep, awk), run on our output, gives what it gave on bash's.
        if entry["pipeCheck"] as? Bool == true, let pipe = entry["pipe"] as? String {
            let temporary = try TemporaryDirectory()
            let file = temporary.path + "/stdout"
            try result.stdout.write(toFile: file, atomically: true, encoding: .utf8)
            let piped = try Support.run(["-c", "cat \"$0\" " + pipe, file], program: "/bin/sh")
            #expect(piped.stdout == bash["pipedStdout"] as? String, "\(id): through \(pipe)")
        }
    }
}
