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

/// One conversation with orchestrator, blocking: finds the raft leader once, then sends requests to it, all within
/// the configuration's time bound (`timeouts.totalMilliseconds`, counted from ``init(configuration:)``).
///
/// For tools that must not start threads (a command-line tool, a cron job): it waits for libcurl on the calling
/// thread and sleeps there between tries, and starts no thread and no concurrency runtime. ``OrchestratorClient``
/// follows the same rules with `async` calls. Use a session from one thread at a time, and a new one for each
/// unit of work (its time bound starts when it is made).
///
/// ```swift
/// let session = OrchestratorSession(configuration: try .fromEnvironment(.current()))
/// let invocation = try CommandInvocation(.whichMaster, inputs: [.instance: "db1:3306"], environment: .current())
/// if let answer = try session.perform(invocation) { try answer.writeText(to: output) }
/// ```
public final class OrchestratorSession {
    private let core: SessionCore
    private let givenSender: HTTPSending?
    /// libcurl, made on first use.
    private lazy var sender: HTTPSending = givenSender ?? CurlTransport(configuration: core.configuration)

    /// The paths leader detection asks each endpoint, in order: the second only when no endpoint answers the
    /// first with `200`.
    public static var leaderProbePaths: [String] { LeaderSearch.probePaths }

    /// Creates a session for `configuration` (endpoints, credentials, timeouts, TLS); its time bound starts now.
    /// libcurl is loaded when the first request is sent.
    public convenience init(configuration: ClientConfiguration) {
        self.init(configuration: configuration, sender: nil)
    }

    /// Creates a session; the time bound (`timeouts.totalMilliseconds`) starts at `startedAt`, by default now.
    /// - Parameters:
    ///   - configuration: endpoints, credentials, timeouts and TLS settings.
    ///   - sender: how requests are sent; libcurl when `nil`.
    ///   - knownLeader: a leader found earlier, used without probing; if it no longer leads, the leader is
    ///     detected again as after any leader change.
    ///   - startedAt: when the invocation began (``Clock/nowMilliseconds()``), when it did work before the session
    ///     (this host's lookup) that its bound must include.
    package init(configuration: ClientConfiguration, sender: HTTPSending?, knownLeader: Endpoint? = nil, startedAt: UInt64? = nil) {
        self.core = SessionCore(configuration: configuration, knownLeader: knownLeader, log: RequestLog(), startedAt: startedAt)
        self.givenSender = sender
    }

    /// The configuration in use.
    public var configuration: ClientConfiguration { core.configuration }

    /// The leader this session found or was given, if any yet.
    package var currentLeader: Endpoint? { core.leader }

    /// Things worth saying that are not errors (several endpoints claiming leadership), one sentence each.
    public var warnings: [String] { core.warnings }

    /// The endpoint requests go to: the only one configured, or the raft leader among several, found once per
    /// session (every endpoint asked at once; the first in the configured order that answers `200`).
    public func leaderEndpoint() throws(OrchestratorError) -> Endpoint {
        try run(LeaderSearch())
    }

    /// Sends `invocation`'s request to the leader and returns the answer, checked to hold what the command prints.
    /// A change is sent once; `Code: ERROR` answers are thrown (``OrchestratorError/Code/apiFailure``).
    /// - Returns: `nil` for a command that sends no request of its own (``CommandID/sendsOwnRequest``): ask
    ///   ``leaderEndpoint()`` or ``endpointReport()`` instead.
    public func perform(_ invocation: CommandInvocation) throws(OrchestratorError) -> CommandAnswer? {
        guard let path = invocation.request.path else { return nil }
        return CommandAnswer(answer: try perform(invocation.request.spec, path: path), request: invocation.request)
    }

    /// Sends the request of command `spec` for `path` (see ``CommandCall``).
    package func perform(_ spec: CommandSpec, path: APIPath) throws(OrchestratorError) -> APIAnswer {
        try run(CommandCall(spec, path: path))
    }

    /// Sends a GET for `path` to the leader and returns the decoded answer (see ``RequestCall``).
    package func get(_ path: APIPath, safety: RequestSafety) throws(OrchestratorError) -> APIAnswer {
        try run(RequestCall(path, safety: safety))
    }

    /// Every endpoint probed at once, as ``OrchestratorClient/endpointReport()`` does; never throws.
    public func endpointReport() -> EndpointReport {
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
