import Foundation

/// Answers made up from the recorded ones, for the benchmark: an `all-instances` answer of any size, and the
/// loopback clusters the benchmark runs against (`orchestrator-test-server --scenario NAME`).
public enum SyntheticAnswers {
    /// A JSON array of `count` instance objects, each a byte-for-byte clone of the first object of
    /// `recordedArray` (an orchestrator `all-instances` answer) except for its `"Key"`, which becomes
    /// `{"Hostname":"db<i>.bench.example","Port":<10000 + i mod 50000>}`: every key distinct.
    public static func instances(cloning recordedArray: [UInt8], count: Int) throws -> [UInt8] {
        guard let object = firstElement(of: recordedArray) else { throw SyntheticAnswerError.noObject }
        let template = Array(recordedArray[object])
        // The recorded object starts with its key, as orchestrator (Go's encoding/json) writes it:
        // {"Key":{"Hostname":"127.0.0.1","Port":10111},…
        let opening = Array(#"{"Key":{"#.utf8)
        guard template.starts(with: opening), let keyEnd = balancedEnd(of: template, from: opening.count - 1) else {
            throw SyntheticAnswerError.noKey
        }
        let rest = template[keyEnd...]   // ,"InstanceAlias":…}
        var out: [UInt8] = []
        out.reserveCapacity(count * (rest.count + 64) + 2)
        out.append(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += Array(#"{"Key":{"Hostname":"db\#(index).bench.example","Port":\#(10000 + index % 50000)}"#.utf8)
            out += rest
        }
        out.append(UInt8(ascii: "]"))
        return out
    }

    /// The byte range of the first element of a JSON array of objects.
    static func firstElement(of json: [UInt8]) -> Range<Int>? {
        guard let start = json.firstIndex(of: UInt8(ascii: "{")), let end = balancedEnd(of: json, from: start) else { return nil }
        return start..<end
    }

    /// The index just after the object or array that opens at `start` (strings and escapes respected).
    static func balancedEnd(of json: [UInt8], from start: Int) -> Int? {
        var depth = 0
        var inString = false
        var escaped = false
        for index in start..<json.count {
            let byte = json[index]
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") { inString = false }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index + 1 }
            default: break
            }
        }
        return nil
    }
}

/// The synthetic answer could not be made from the recording.
public enum SyntheticAnswerError: Error, CustomStringConvertible {
    case noObject
    case noKey
    case missingTranscript(String)

    public var description: String {
        switch self {
        case .noObject: return "the recorded all-instances answer has no instance object"
        case .noKey: return #"the recorded instance object does not start with {"Key":{…}"#
        case .missingTranscript(let name): return "transcript \(name) not found in the recordings"
        }
    }
}

/// A loopback cluster for the benchmark.
public enum BenchmarkScenario: String, CaseIterable, Sendable {
    /// Three nodes, the raft leader listed last; followers answer `leader-check` with `404 "Not leader"`.
    case threeNodes = "three-nodes"
    /// As `three-nodes`, but the first node accepts connections and never answers anything.
    case hungFirst = "hung-first"
    /// One node.
    case single
    /// One node whose `all-instances` answer is a generated array of `instanceCount` instances.
    case big
    /// Three nodes, the raft leader listed last, answering as the recorded cluster did: the leader serves every
    /// path recorded in the transcripts (the first successful answer recorded for it), and each node its recorded
    /// `raft-state`, `raft-leader`, `raft-health` and `status` (`raft-nodes.json`). For trying the client out.
    case recordings
}

/// The servers of one ``BenchmarkScenario``, started.
public final class BenchmarkSetup: @unchecked Sendable {
    public let scenario: BenchmarkScenario
    /// In `ORCHESTRATOR_API` order.
    public let servers: [TestServer]
    private let cluster: RaftCluster
    /// The `all-instances` answer the nodes give (the generated one for `big`).
    public let allInstancesBody: [UInt8]

    /// The `ORCHESTRATOR_API` value: the endpoints, space-separated, in order.
    public var api: String { servers.map(\.apiURL).joined(separator: " ") }

    /// Starts the scenario's servers with answers from the recordings in `directory` (transcripts
    /// `a041-discover`, `a004-topology`, `a009-instance`, `a019-all-instances`). `log` is called with every request as
    /// `node method target`, node counted from 1 in `ORCHESTRATOR_API` order.
    public init(_ scenario: BenchmarkScenario, recordings directory: String, instanceCount: Int = 10_000,
                log: (@Sendable (String) -> Void)? = nil) throws {
        self.scenario = scenario
        let transcripts = try Recordings.transcripts(in: directory)
        func answer(_ name: String) throws -> Reply {
            guard let reply = transcripts.first(where: { $0.name == name })?.gets.first?.reply else {
                throw SyntheticAnswerError.missingTranscript(name)
            }
            return reply
        }
        if scenario == .recordings {
            allInstancesBody = try answer("a019-all-instances").body
            cluster = try Self.recordedCluster(transcripts: transcripts, raftNodes: try Recordings.raftNodes(in: directory), log: log)
            servers = cluster.nodes
            return
        }
        let discover = try answer("a041-discover")
        let topology = try answer("a004-topology")
        let instance = try answer("a009-instance")
        var recordedAllInstances = try answer("a019-all-instances")
        if scenario == .big {
            recordedAllInstances.body = try SyntheticAnswers.instances(cloning: recordedAllInstances.body, count: instanceCount)
        }
        let allInstances = recordedAllInstances
        allInstancesBody = allInstances.body
        let serving: @Sendable (String) -> Reply = { target in
            let path = target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false).first.map(String.init) ?? target
            if path.hasPrefix("/api/discover/") { return discover }
            if path.hasPrefix("/api/topology/") { return topology }
            if path.hasPrefix("/api/instance/") { return instance }
            if path == "/api/all-instances" { return allInstances }
            return .notFound
        }
        // One simulated raft cluster serves every scenario: the leader listed last, as the worst case for
        // detection; `hung-first` adds a first node that accepts connections and never answers.
        let hungFirst = scenario == .hungFirst
        let count = scenario == .threeNodes || hungFirst ? 3 : 1
        cluster = try RaftCluster(
            count: count, leader: count - 1,
            probe: { node, _, _ in hungFirst && node == 0 ? .hangForever : nil },
            observe: { node, request in log?("\(node + 1) \(request.method) \(request.target)") },
            call: { node, request, state in
                if hungFirst && node == 0 { return .hangForever }
                return node == state.leader ? serving(request.target) : .notFound
            })
        servers = cluster.nodes
    }

    /// Connections the nodes accepted so far (the library benchmark's "connections opened").
    public var acceptedConnections: Int { servers.reduce(0) { $0 + $1.acceptedConnections } }

    /// Stops every server.
    public func stop() { cluster.stop() }

    /// The `recordings` scenario: three nodes, the leader listed last.
    static func recordedCluster(transcripts: [Transcript], raftNodes: [String: [String: RecordedExchange]],
                                log: (@Sendable (String) -> Void)?) throws -> RaftCluster {
        // By path, the first answer recorded with a 2xx status, else the first recorded. The bash client's stray
        // `%0A` (its jq @uri kept echo's newline) is also served without it, as this client sends it.
        var byPath: [String: RecordedExchange] = [:]
        for exchange in transcripts.flatMap(\.gets) {
            for path in Set([exchange.path, exchange.path.replacingOccurrences(of: "%0A", with: "")]) {
                if let known = byPath[path], (200..<300).contains(known.status) || !(200..<300).contains(exchange.status) { continue }
                byPath[path] = exchange
            }
        }
        // raft-nodes.json was recorded while 127.0.1.2 led; its followers were 127.0.1.1 and 127.0.1.3.
        let nodeURLs = raftNodes.keys.sorted()
        guard let leaderURL = nodeURLs.first(where: { raftNodes[$0]?["/api/leader-check"]?.status == 200 }) else {
            throw SyntheticAnswerError.missingTranscript("raft-nodes.json (no leader recorded)")
        }
        let followerURLs = nodeURLs.filter { $0 != leaderURL }
        let count = 3, leader = count - 1
        let recordedNode = (0..<count).map { index in index == leader ? leaderURL : followerURLs[index % max(1, followerURLs.count)] }
        let raftPaths: Set<String> = ["/api/raft-state", "/api/raft-leader", "/api/raft-health", "/api/status", "/api/health"]
        let answers = byPath
        return try RaftCluster(
            count: count, leader: leader,
            observe: { node, request in log?("\(node + 1) \(request.method) \(request.target)") },
            call: { node, request, state in
                if raftPaths.contains(request.target) {
                    let path = request.target == "/api/health" ? "/api/status" : request.target
                    return raftNodes[recordedNode[node]]?[path]?.reply ?? .notFound
                }
                return node == state.leader ? answers[request.target]?.reply ?? .notFound : .notFound
            })
    }
}
