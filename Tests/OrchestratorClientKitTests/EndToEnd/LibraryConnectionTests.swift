import Foundation
import Logging
import Synchronization
import Testing
import TestServer
import OrchestratorClientKit
import OrchestratorClientKitLogging

/// The library for long-running services. Connections reused (accepts and TLS handshakes counted at the
/// server), concurrency without a thread per call, a limit of requests in flight per endpoint, cancellation,
/// lifecycle (threads and descriptors counted by `library-bench` in a process of its own), the request log.
@Suite("Library: reused connections, concurrency, cancellation", .serialized)
struct LibraryConnectionTests {
    static let key = try! InstanceKey(parsing: "127.0.0.1:10112")

    /// A server answering `instance/*` with the recorded answer, and anything else with `Code: OK`.
    static func server(delayMilliseconds: Int = 0, _ override: (@Sendable (ReceivedRequest) -> Reply?)? = nil) throws -> TestServer {
        var instance = try Support.transcript("a009-instance").gets.last!.reply
        instance.delayMilliseconds = delayMilliseconds
        let answer = instance
        let ok = Reply.json(#"{"Code":"OK","Message":"done","Details":{"Hostname":"127.0.0.1","Port":10112}}"#)
        return try TestServer { request in
            if let reply = override?(request) { return reply }
            return request.target.hasPrefix("/api/instance/") ? answer : ok
        }
    }

    static func configuration(_ api: String, totalMilliseconds: Int = 20_000, tls: TLSOptions = TLSOptions()) throws -> ClientConfiguration {
        ClientConfiguration(endpoints: try ClientConfiguration.parseEndpoints(api),
                            timeouts: Timeouts(connectMilliseconds: 3_000, leaderProbeMilliseconds: 1_000, totalMilliseconds: totalMilliseconds),
                            tls: tls)
    }

    // MARK: Connections are reused

    @Test("1,000 sequential calls over http open one connection")
    func sequentialHTTPCallsShareOneConnection() async throws {
        let server = try Self.server()
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL))
        for _ in 0..<1_000 { _ = try await client.instance(Self.key) }
        #expect(server.requests.count == 1_000)
        #expect(server.acceptedConnections == 1, "a connection per call was opened: \(server.acceptedConnections)")
        // Copies share the connections.
        let copy = client
        _ = try await copy.instance(Self.key)
        #expect(server.acceptedConnections == 1)
    }

    @Test("1,000 sequential calls over https open one connection, one TLS handshake")
    func sequentialHTTPSCallsShareOneConnection() async throws {
        let pki = try TLSTests.pki()
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, lifetime: 120, keepAlive: true)
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL, tls: TLSOptions(caFile: pki.caCertificate)))
        for _ in 0..<1_000 { _ = try await client.clusters() }
        #expect(server.requests().count == 1_000)
        let counts = server.connectionCounts()
        #expect(counts.accepted == 1 && counts.newHandshakes == 1, "\(counts)")
    }

    @Test("a new connection resumes the TLS session: a full handshake once")
    func tlsSessionsAreResumed() async throws {
        let pki = try TLSTests.pki()
        // This server closes every connection after one answer, so each call needs a new one.
        let server = try TLSServer(certificate: pki.serverCertificate, key: pki.serverKey, lifetime: 60)
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL, tls: TLSOptions(caFile: pki.caCertificate)))
        for _ in 0..<20 { _ = try await client.clusters() }
        #expect(server.requests().count == 20)
        let counts = server.connectionCounts()
        #expect(counts.accepted == 20)
        #expect(counts.newHandshakes == 1 && counts.resumedHandshakes == 19, "\(counts)")
    }

    @Test("leader probes reuse their connections: a second detection opens none")
    func leaderProbesReuseConnections() async throws {
        let ok = Reply.json(#"{"Code":"OK","Message":"","Details":null}"#)
        let cluster = try RaftCluster(count: 3, leader: 2) { _, _, _ in ok }
        defer { cluster.nodes.forEach { $0.stop() } }
        let configuration = try Self.configuration(cluster.api)
        let loop = TransferLoop(configuration: configuration, maximumPerEndpoint: 8)
        for _ in 0..<5 {
            // A session without a known leader probes every endpoint, as after a leader change.
            let session = AsyncOrchestratorSession(configuration: configuration, sender: loop)
            #expect(try await session.leaderEndpoint().url == cluster.nodes[2].apiURL)
            // Let the slower probes finish: a probe abandoned in flight closes its connection.
            try await Task.sleep(for: .milliseconds(50))
        }
        #expect(cluster.state.current.leaderChecks.values.reduce(0, +) >= 10)
        for node in cluster.nodes { #expect(node.acceptedConnections == 1, "\(cluster.nodes.map(\.acceptedConnections))") }
    }

    @Test("a connection the server closed is replaced transparently for reads")
    func closedConnectionsAreReplacedForReads() async throws {
        let count = Atomic(0)
        let server = try Self.server { request in
            let index = count.add(1, ordering: .relaxed).newValue
            if index % 3 == 0 {
                var reply = Reply.json("{}")
                reply.closeWithoutAnswer = true   // the request read, the connection closed, no answer
                return reply
            }
            var reply = try! Support.transcript("a009-instance").gets.last!.reply
            reply.closeConnectionAfterReply = index % 3 == 1   // closed while idle
            return reply
        }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL))
        for _ in 0..<10 { _ = try await client.instance(Self.key) }
        #expect(server.acceptedConnections > 1)
    }

    @Test("a change never rides a kept connection: dropped unanswered, it is not sent again")
    func changesAreNotResentOnReusedConnections() async throws {
        let server = try Self.server { request in
            guard request.target.hasPrefix("/api/begin-maintenance/") else { return nil }
            var reply = Reply.json("{}")
            reply.closeWithoutAnswer = true
            return reply
        }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL))
        _ = try await client.instance(Self.key)
        #expect(server.acceptedConnections == 1)
        await #expect(throws: OrchestratorError.self) {
            try await client.beginMaintenance(Self.key, owner: "bot", reason: "test")
        }
        let changes = server.targets.filter { $0.hasPrefix("/api/begin-maintenance/") }
        #expect(changes.count == 1, "a change whose answer never came was sent again: \(changes)")
        #expect(server.acceptedConnections == 2, "the change took a new connection")
        // Reads go on over the connection kept.
        _ = try await client.instance(Self.key)
        #expect(server.acceptedConnections == 2)
    }

    // MARK: Concurrency without a thread per call

    @Test("1,000 concurrent calls: a few threads, at most the limit of connections to the endpoint")
    func concurrentCallsUseFewThreads() throws {
        let server = try Self.server(delayMilliseconds: 1)
        defer { server.stop() }
        let result = try Support.run(["calls", "--calls", "1000", "--concurrent", "--limit", "4"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL], timeout: 120,
                                     program: Support.builtProduct("library-bench"))
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result.stdout)
        #expect(report["failures"] as? Int == 0, "\(result.stdout)")
        let threads = try #require(report["peak_threads"] as? Int)
        // main, the concurrency runtime's pool (about one per core) and its helpers, the I/O thread and the sampler:
        // a handful, where a thread per call made over a thousand.
        #expect(threads <= 8 + ProcessInfo.processInfo.activeProcessorCount, "\(result.stdout)")
        #expect(server.requests.count == 1_000)
        #expect(server.peakOpenConnections <= 4, "the limit of requests in flight: \(server.peakOpenConnections) connections")
        #expect(server.acceptedConnections <= 4)
    }

    @Test("the limit per endpoint holds in-process too, and queued calls still complete")
    func limitPerEndpoint() async throws {
        let inFlight = Atomic(0), peak = Atomic(0)
        let server = try Self.server { _ in
            let now = inFlight.add(1, ordering: .relaxed).newValue
            _ = peak.max(now, ordering: .relaxed)
            usleep(5_000)
            inFlight.subtract(1, ordering: .relaxed)
            return nil
        }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL), maximumConcurrentRequestsPerEndpoint: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<40 { group.addTask { _ = try await client.instance(Self.key) } }
            try await group.waitForAll()
        }
        #expect(peak.load(ordering: .relaxed) <= 2)
        #expect(peak.load(ordering: .relaxed) == 2, "calls ran concurrently")
        #expect(server.acceptedConnections == 2)
    }

    // MARK: Cancellation

    @Test("cancelling a read aborts its transfer within milliseconds: cancelled")
    func cancellingAReadIsPrompt() async throws {
        let server = try Self.server { _ in .hangForever }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL))
        let call = Task { () -> OrchestratorError? in
            do throws(OrchestratorError) { _ = try await client.instance(Self.key); return nil } catch { return error }
        }
        try await Self.waitUntil { server.requests.count == 1 }
        let cancelled = ContinuousClock.now
        call.cancel()
        let error = await call.value
        let took = ContinuousClock.now - cancelled
        #expect(error?.code == .cancelled, "\(String(describing: error))")
        #expect(took < .milliseconds(250), "the transfer ran on after cancellation: \(took)")
    }

    @Test("cancelling a change already sent: the outcome is unknown")
    func cancellingASentChange() async throws {
        let server = try Self.server { request in request.target.hasPrefix("/api/begin-maintenance/") ? .hangForever : nil }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL))
        let call = Task { () -> OrchestratorError? in
            do throws(OrchestratorError) { try await client.beginMaintenance(Self.key, owner: "bot", reason: "test"); return nil } catch { return error }
        }
        try await Self.waitUntil { server.requests.count == 1 }
        call.cancel()
        let error = await call.value
        #expect(error?.code == .outcomeUnknown, "\(String(describing: error))")
        #expect(error?.message.contains("may or may not have been applied") == true, "\(error?.message ?? "")")
        #expect(error?.endpoint == server.apiURL)
    }

    @Test("cancelling a change still waiting for a connection: cancelled, never sent")
    func cancellingAQueuedChange() async throws {
        let server = try Self.server { request in request.target.hasPrefix("/api/instance/") ? .hangForever : nil }
        defer { server.stop() }
        let client = OrchestratorClient(configuration: try Self.configuration(server.apiURL), maximumConcurrentRequestsPerEndpoint: 1)
        let blocker = Task { try? await client.instance(Self.key) }
        try await Self.waitUntil { server.requests.count == 1 }
        let change = Task { () -> OrchestratorError? in
            do throws(OrchestratorError) { try await client.beginMaintenance(Self.key, owner: "bot", reason: "test"); return nil } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(100))
        change.cancel()
        let error = await change.value
        #expect(error?.code == .cancelled, "\(String(describing: error))")
        blocker.cancel()
        _ = await blocker.value
        #expect(!server.targets.contains { $0.hasPrefix("/api/begin-maintenance/") }, "\(server.targets)")
    }

    // MARK: Lifecycle

    @Test("creating a client loads nothing; the first call loads libcurl; dropped clients leave no thread or descriptor")
    func lifecycle() throws {
        let server = try Self.server()
        defer { server.stop() }
        let result = try Support.run(["lifecycle", "--clients", "100"], environment: ["ORCHESTRATOR_API": server.apiURL],
                                     timeout: 120, program: Support.builtProduct("library-bench"))
        #expect(result.status == 0, "\(result.stderr)")
        let report = try Self.json(result.stdout)
        #expect(report["libcurl_loaded_after_create"] as? Bool == false, "\(result.stdout)")
        #expect(report["threads_after_create"] as? Int == report["threads_at_start"] as? Int, "\(result.stdout)")
        #expect(report["libcurl_loaded_after_first_call"] as? Bool == true, "\(result.stdout)")
        #expect(report["error"] as? String == "", "\(result.stdout)")
        let baseline = try #require(report["threads_baseline"] as? Int)
        #expect(report["threads_while_a_client_lives"] as? Int ?? 0 <= baseline + 1, "one I/O thread per client: \(result.stdout)")
        // Counted by name: the concurrency runtime may start a worker thread of its own meanwhile.
        #expect(report["transfer_threads_while_a_client_lives"] as? Int == 1, "one I/O thread per client: \(result.stdout)")
        #expect(report["transfer_threads_after"] as? Int == 0, "\(result.stdout)")
        #expect(report["descriptors_after"] as? Int == report["descriptors_baseline"] as? Int, "\(result.stdout)")
        #expect(server.acceptedConnections == 101)
    }

    // MARK: Observability

    @Test("with a debug Logger, each request is logged: endpoint, path, status, duration, try; leader changes too")
    func requestsAreLogged() async throws {
        let ok = Reply.json(#"{"Code":"OK","Message":"","Details":null}"#)
        let cluster = try RaftCluster(count: 2, leader: 1) { _, _, _ in ok }
        defer { cluster.nodes.forEach { $0.stop() } }
        let records = RecordingLogHandler.Records()
        var logger = Logger(label: "test") { _ in RecordingLogHandler(records: records) }
        logger.logLevel = .debug
        let client = OrchestratorClient(configuration: try Self.configuration(cluster.api), logger: logger)
        _ = try await client.get(path: "clusters?token=secret")
        let lines = records.lines
        let request = try #require(lines.first { $0.message == "orchestrator request" }, "\(lines)")
        #expect(request.metadata["orchestrator.endpoint"] == cluster.nodes[1].apiURL)
        #expect(request.metadata["orchestrator.path"] == "clusters?token=…", "query values are not logged")
        #expect(request.metadata["orchestrator.status"] == "200")
        #expect(request.metadata["orchestrator.try"] == "1")
        #expect(request.metadata["orchestrator.duration_ms"].flatMap { Int($0) } != nil)
        #expect(lines.contains { $0.message == "orchestrator leader changed" && $0.metadata["orchestrator.endpoint"] == cluster.nodes[1].apiURL })
        #expect(lines.filter { $0.message == "orchestrator leader probe" }.count >= 1)
        #expect(!lines.contains { $0.metadata.values.contains { $0.contains("secret") } })

        // At the default level (info), nothing.
        let quiet = RecordingLogHandler.Records()
        let quietClient = OrchestratorClient(configuration: try Self.configuration(cluster.api),
                                             logger: Logger(label: "quiet") { _ in RecordingLogHandler(records: quiet) })
        _ = try await quietClient.get(path: "clusters")
        #expect(quiet.lines.isEmpty)
    }

    @Test("two nodes claiming leadership: a logger at info level is warned, naming both, and the first listed is used")
    func splitBrainIsLogged() async throws {
        let answer = Reply.json(#"{"Code":"OK","Message":"","Details":null}"#)
        // The second claims sooner than the first, so that both claims are seen (the first listed is waited for).
        let first = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? answer).delayed(request.target.hasSuffix("leader-check") ? 150 : 0)
        }
        let second = try TestServer { request in
            (RaftRole.leader.leaderCheckReply(request.target) ?? answer).delayed(request.target.hasSuffix("leader-check") ? 100 : 0)
        }
        defer { first.stop(); second.stop() }
        let records = RecordingLogHandler.Records()
        let client = OrchestratorClient(configuration: try Self.configuration("\(first.apiURL) \(second.apiURL)"),
                                        logger: Logger(label: "info") { _ in RecordingLogHandler(records: records) })
        _ = try await client.get(path: "clusters")
        let warnings = records.lines.filter { $0.level == .warning }
        #expect(warnings.count == 1, "\(records.lines.map(\.message))")
        #expect(warnings.first?.message.contains("several endpoints claim to be the raft leader (split brain?): \(first.apiURL), \(second.apiURL); using \(first.apiURL)") == true,
                "\(warnings.map(\.message))")
        #expect(!records.lines.contains { $0.level == .debug }, "requests are not logged at info level")
        #expect(first.targets.contains("/api/clusters"))
    }

    // MARK: helpers

    static func json(_ text: String) throws -> [String: Any] {
        let object = try JSONSerialization.jsonObject(with: Data(text.utf8))
        return try #require(object as? [String: Any], "\(text)")
    }

    static func waitUntil(_ condition: @Sendable () -> Bool) async throws {
        let deadline = ContinuousClock.now + .seconds(10)
        while !condition() {
            guard ContinuousClock.now < deadline else { Issue.record("condition not met in 10 s"); return }
            try await Task.sleep(for: .milliseconds(5))
        }
        // The request was read; give the client a moment to have sent all of it.
        try await Task.sleep(for: .milliseconds(20))
    }
}

/// A swift-log handler keeping what it is given.
struct RecordingLogHandler: LogHandler {
    struct Line: Sendable {
        let message: String
        let metadata: [String: String]
        var level: Logger.Level = .debug
    }

    final class Records: Sendable {
        private let storage = Mutex<[Line]>([])
        var lines: [Line] { storage.withLock { $0 } }
        func append(_ line: Line) { storage.withLock { $0.append(line) } }
    }

    let records: Records
    var metadata: Logger.Metadata = [:]
    var logLevel: Logger.Level = .info

    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    func log(event: LogEvent) {
        var flat: [String: String] = [:]
        for (key, value) in metadata.merging(event.metadata ?? [:], uniquingKeysWith: { $1 }) { flat[key] = "\(value)" }
        records.append(Line(message: "\(event.message)", metadata: flat, level: event.level))
    }
}
