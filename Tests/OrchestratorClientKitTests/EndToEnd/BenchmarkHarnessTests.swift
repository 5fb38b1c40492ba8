import Foundation
import Testing
import TestServer

/// The pieces of the benchmark (bench/run.sh): the generated all-instances answer and the loopback scenarios.
@Suite("Benchmark harness")
struct BenchmarkHarnessTests {
    static let recordedAllInstances = Support.recordedAnswer("a019-all-instances").body

    @Test("the generated all-instances answer: valid JSON, the requested count, every key distinct, the rest cloned")
    func syntheticInstances() throws {
        let bytes = try SyntheticAnswers.instances(cloning: Array(Self.recordedAllInstances.utf8), count: 250)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(array.count == 250)
        let keys = array.compactMap { $0["Key"] as? [String: Any] }.map { "\($0["Hostname"] ?? ""):\($0["Port"] ?? "")" }
        #expect(Set(keys).count == 250)
        #expect(keys.first == "db0.bench.example:10000")
        let recorded = try #require(try JSONSerialization.jsonObject(with: Data(Self.recordedAllInstances.utf8)) as? [[String: Any]])
        // Everything but the key is the first recorded instance.
        #expect(Set(array[249].keys) == Set(recorded[0].keys))
        #expect(array[249]["Version"] as? String == recorded[0]["Version"] as? String)
        #expect(array[249]["ClusterName"] as? String == recorded[0]["ClusterName"] as? String)
    }

    @Test("the first element of an array is found whatever braces its strings hold")
    func firstElement() throws {
        let text = #"[{"Key":{"Hostname":"a}","Port":1},"X":"\"{[","Y":[{}]},{"Key":{}}]"#
        let bytes = try SyntheticAnswers.instances(cloning: Array(text.utf8), count: 2)
        let array = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(array.count == 2)
        #expect(array[1]["X"] as? String == "\"{[")
        #expect(throws: SyntheticAnswerError.self) { try SyntheticAnswers.instances(cloning: Array("[1,2]".utf8), count: 1) }
    }

    @Test("three-nodes and hung-first: discover reaches the leader listed last, 3 probes + 1 request", arguments: [
        BenchmarkScenario.threeNodes, .hungFirst,
    ])
    func threeNodes(_ scenario: BenchmarkScenario) throws {
        let directory = try #require(Support.recordingsDirectory)
        let log = Locked<[String]>([])
        let setup = try BenchmarkSetup(scenario, recordings: directory, log: { line in log.with { $0.append(line) } })
        defer { setup.stop() }
        #expect(setup.servers.count == 3)
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: ["ORCHESTRATOR_API": setup.api])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10111\n")
        // An abandoned probe (the hung node's, a slow follower's) may be read a moment after the client has gone.
        // Nodes listed before the leader that had not answered when it did are waited for briefly (they might claim
        // leadership too), never asked again.
        for _ in 0..<100 where log.current.count < 4 { usleep(20_000) }
        #expect(setup.servers[2].targets == ["/api/leader-check", "/api/discover/127.0.0.1/10111"])
        #expect(setup.servers[1].targets == ["/api/leader-check"])
        #expect(log.current.count == 4, "\(log.current)")
        #expect(log.current.contains("3 GET /api/discover/127.0.0.1/10111"))
    }

    @Test("big: all-instances answers the generated instances")
    func big() throws {
        let directory = try #require(Support.recordingsDirectory)
        let setup = try BenchmarkSetup(.big, recordings: directory, instanceCount: 500)
        defer { setup.stop() }
        let result = try Support.run(["-c", "all-instances"], environment: ["ORCHESTRATOR_API": setup.api])
        #expect(result.status == 0, "\(result.stderr)")
        let lines = result.stdout.split(separator: "\n")
        #expect(lines.count == 500)
        #expect(lines.last == "db499.bench.example:10499")
        #expect(setup.servers[0].targets == ["/api/all-instances"])
    }
}
