/// An answer the API gave successfully.
package struct APIAnswer: Sendable {
    /// The endpoint that answered.
    package let endpoint: Endpoint
    /// The HTTP status.
    package let status: Int
    /// The body, validated as JSON and read in place (bounded memory, see ``JSONDocument``).
    package let document: JSONDocument

    /// The body as a tree; built on each use, for the library's typed answers.
    package var json: JSONValue { document.root.value }
}

/// One invocation's conversation with orchestrator, blocking: finds the raft leader once, then sends requests to it,
/// all within the configuration's time bound.
///
/// The command line's driver of the session's calls (``SessionCall``, whose rules are ``SessionCore``'s): it waits for
/// libcurl on the calling thread (``CurlTransport``) and sleeps there between tries, so the command line starts no
/// thread. ``AsyncOrchestratorSession`` drives the same calls with `await`. Used from one thread at a time.
package final class OrchestratorSession {
    private let core: SessionCore
    private let givenSender: HTTPSending?
    /// libcurl, made on first use.
    private lazy var sender: HTTPSending = givenSender ?? CurlTransport(configuration: core.configuration)

    /// Creates a session; the time bound (`timeouts.totalMilliseconds`) starts now.
    /// - Parameters:
    ///   - configuration: endpoints, credentials, timeouts and TLS settings.
    ///   - sender: how requests are sent; libcurl when `nil`.
    ///   - knownLeader: a leader found earlier, used without probing; if it no longer leads, the leader is
    ///     detected again as after any leader change.
    package init(configuration: ClientConfiguration, sender: HTTPSending? = nil, knownLeader: Endpoint? = nil) {
        self.core = SessionCore(configuration: configuration, knownLeader: knownLeader, log: RequestLog())
        self.givenSender = sender
    }

    /// The configuration in use.
    package var configuration: ClientConfiguration { core.configuration }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { core.leader }

    /// Things worth saying that are not errors (several endpoints claiming leadership), for standard error.
    package var warnings: [String] { core.warnings }

    /// The endpoint requests go to: the only one configured, or the raft leader among several (see ``LeaderSearch``).
    package func leaderEndpoint() throws(OrchestratorError) -> Endpoint {
        try run(LeaderSearch())
    }

    /// Sends the request of command `spec` for `path` (see ``CommandCall``).
    package func perform(_ spec: CommandSpec, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        try run(CommandCall(spec, path: path))
    }

    /// Sends a GET for `path` to the leader and returns the decoded answer (see ``RequestCall``).
    package func get(_ path: APIPath, safety: RequestSafety) throws(OrchestratorError) -> APIAnswer {
        try run(RequestCall(path, safety: safety))
    }

    /// Every endpoint probed at once (see ``EndpointProbe``); never throws.
    package func endpointReport() -> EndpointReport {
        run(EndpointProbe())
    }

    private func run<Call: SessionCall>(_ call: Call) throws(Call.Failure) -> Call.Output {
        var action = try call.start(core)
        while true {
            switch action {
            case .send(let exchange):
                let outcomes = sender.send(exchange.requests, preferringEarlier: exchange.preferringEarlier, isEnough: exchange.isEnough)
                action = try call.resume(.answered(outcomes, cancelled: false), core)
            case .sleep(let milliseconds):
                Clock.sleep(milliseconds: milliseconds)
                action = try call.resume(.slept, core)
            case .done(let output):
                return output
            }
        }
    }
}
