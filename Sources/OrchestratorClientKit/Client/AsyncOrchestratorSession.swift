/// The library's session: the same calls as ``OrchestratorSession`` (leader detection, retries, the time bound; the
/// rules are ``SessionCore``'s) driven with `await` over an ``AsyncHTTPSending`` (the client's ``TransferLoop``), so a
/// call holds no thread while it waits, and cancelling its task abandons its transfer at once.
///
/// Used by one task at a time; create one per call.
package final class AsyncOrchestratorSession {
    private let core: SessionCore
    private let sender: AsyncHTTPSending

    /// A session for one call; the time bound starts at `startedAt` (when the call began), by default now.
    package init(configuration: ClientConfiguration, sender: AsyncHTTPSending, knownLeader: Endpoint? = nil,
                 log: RequestLog = RequestLog(), startedAt: UInt64? = nil) {
        self.core = SessionCore(configuration: configuration, knownLeader: knownLeader, log: log, startedAt: startedAt)
        self.sender = sender
    }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { core.leader }

    /// Things worth saying that are not errors (several endpoints claiming leadership).
    package var warnings: [String] { core.warnings }

    /// See ``OrchestratorSession/leaderEndpoint()``.
    package func leaderEndpoint() async throws(OrchestratorError) -> Endpoint {
        try await run(LeaderSearch())
    }

    /// See ``OrchestratorSession/perform(_:path:)``.
    package func perform(_ spec: CommandSpec, path: APIPath) async throws(OrchestratorError) -> APIAnswer {
        try await run(CommandCall(spec, path: path))
    }

    /// See ``OrchestratorSession/get(_:safety:)``.
    package func get(_ path: APIPath, safety: RequestSafety) async throws(OrchestratorError) -> APIAnswer {
        try await run(RequestCall(path, safety: safety))
    }

    /// See ``OrchestratorSession/endpointReport()``.
    package func endpointReport() async -> EndpointReport {
        await run(EndpointProbe())
    }

    private func run<Call: SessionCall>(_ call: Call) async throws(Call.Failure) -> Call.Output {
        var action = try call.start(core)
        while true {
            switch action {
            case .send(let exchange):
                let outcomes = await sender.send(exchange.requests, preferringEarlier: exchange.preferringEarlier, isEnough: exchange.isEnough)
                action = try call.resume(.answered(outcomes, cancelled: Task.isCancelled), core)
            case .sleep(let milliseconds):
                let event: SessionEvent
                do {
                    try await Task.sleep(for: .milliseconds(milliseconds))
                    event = .slept
                } catch {
                    event = .sleepCancelled
                }
                action = try call.resume(event, core)
            case .done(let output):
                return output
            }
        }
    }
}
