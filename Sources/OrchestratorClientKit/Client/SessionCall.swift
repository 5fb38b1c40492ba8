/// One call of a session as a state machine without I/O: it says what it needs next (``SessionAction``) and is told
/// what came of it (``SessionEvent``). The blocking ``OrchestratorSession`` and the async ``AsyncOrchestratorSession``
/// are its two drivers; they differ only in how they wait for libcurl and for a pause.
protocol SessionCall {
    associatedtype Output
    associatedtype Failure: Error
    /// The first step.
    func start(_ core: SessionCore) throws(Failure) -> SessionAction<Output>
    /// The next step, after `event` (what came of the last one).
    func resume(_ event: SessionEvent, _ core: SessionCore) throws(Failure) -> SessionAction<Output>
}

/// What a call needs next.
enum SessionAction<Output> {
    /// These requests sent at once, until the collector's rule says enough (see ``OutcomeCollector``).
    case send(Exchange)
    /// A pause before the next try.
    case sleep(milliseconds: Int)
    /// Finished: the call's result.
    case done(Output)

    /// The same wait, for a call that goes on with `output` once this one is done.
    func then<Next, Failure: Error>(_ output: (Output) throws(Failure) -> SessionAction<Next>) throws(Failure) -> SessionAction<Next> {
        switch self {
        case .send(let exchange): .send(exchange)
        case .sleep(let milliseconds): .sleep(milliseconds: milliseconds)
        case .done(let result): try output(result)
        }
    }
}

/// Requests sent at once, and when the sender has heard enough.
struct Exchange: Sendable {
    let requests: [HTTPRequest]
    /// Wait briefly for requests listed before an accepted one (leader probes).
    let preferringEarlier: Bool
    let isEnough: @Sendable (HTTPOutcome) -> Bool
}

/// What came of a call's last action.
enum SessionEvent {
    /// The outcomes of the exchange, one per request (`nil`: not awaited); `cancelled` when the caller's task was
    /// cancelled meanwhile (the library only).
    case answered([HTTPOutcome?], cancelled: Bool)
    /// The pause is over.
    case slept
    /// The pause was cut short: the caller's task was cancelled.
    case sleepCancelled
}
