/// Everything that can go wrong, with enough context to say what happened, where, and what to do.
///
/// A struct rather than an enum, so that later versions can add kinds of failure without breaking callers:
/// compare ``code`` with the known codes (`error.code == .timedOut`) and keep a default branch. What went wrong
/// is also there as data (``refusedValue``, ``inputProblem``, ``remedy``), for a program that words messages itself.
public struct OrchestratorError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The kind of failure. New codes may be added; treat an unknown one as a failure of the operation.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private let name: String
        private init(_ name: String) { self.name = name }
        /// Its name, as logs show it (`timed out`).
        public var description: String { name }

        /// The inputs or settings cannot be used as given (an unknown command, a missing or empty input).
        public static let usage = Code("usage")
        /// A value was given but cannot be sent faithfully; nothing was sent.
        public static let invalidValue = Code("invalid value")
        /// The API answered and refused or failed the operation (`Code: ERROR`, or an HTTP error with JSON).
        public static let apiFailure = Code("API failure")
        /// The answer was not the JSON the API speaks (a 404 page, a proxy's HTML error page, a cut-off body).
        public static let unreadableAnswer = Code("unreadable answer")
        /// The server or a proxy in front of it refused our credentials (HTTP 401 or 403).
        public static let notAuthorized = Code("not authorized")
        /// No endpoint could be used: every one failed, or none is the raft leader.
        public static let noLeader = Code("no leader")
        /// A request could not be completed (refused, name not resolved, TLS failure, connection reset).
        public static let unreachable = Code("unreachable")
        /// A bound ran out: a request's timeout or the whole operation's.
        public static let timedOut = Code("timed out")
        /// A yes/no question answered "no" (`can-replicate-from`).
        public static let answeredNo = Code("answered no")
        /// The calling `Task` was cancelled before the request could have changed anything: nothing was sent, or
        /// the request only reads. The library's calls throw it instead of `CancellationError` (typed throws).
        public static let cancelled = Code("cancelled")
        /// A request that changes something was sent, but no complete answer came back (the connection broke, the
        /// answer was cut short or too large): it may or may not have been applied. Check before sending it again.
        public static let outcomeUnknown = Code("outcome unknown")
        /// The server has no such API route (`404 page not found`): an older server, a route only Percona's fork
        /// has, or an `ORCHESTRATOR_API` that does not name orchestrator's `/api`.
        public static let noSuchRoute = Code("no such route")
    }

    /// What happened, with its details; internal so that cases can be added freely.
    enum Reason: Sendable, Equatable {
        case usage(String, remedy: Remedy?)
        case input(InputProblem)
        case invalidValue(InvalidValue)
        case apiFailure(APIFailure)
        case unreadableAnswer(endpoint: String, path: String, status: Int, excerpt: String)
        case notAuthorized(endpoint: String, status: Int)
        case credentialsNeeded(endpoint: String, status: Int)
        case outOfMemory(endpoint: String, path: String, bytes: Int?)
        case noLeader(endpoints: [String])
        case unreachable(endpoint: String, reason: String)
        case timedOut(endpoint: String, waitedFor: String, milliseconds: Int, remedy: Remedy?)
        case answeredNo
        /// An answer that is not what the command expects: a redirect, the wrong shape, JSON nested too deep,
        /// an answer over the size limit. `problem` follows "answered HTTP <status> ".
        case unexpectedAnswer(endpoint: String, path: String, status: Int?, problem: String)
        /// The whole operation's bound ran out while looking for the raft leader; one line per endpoint.
        case leaderTimedOut(endpoints: [String], milliseconds: Int)
        /// A change was sent and its answer broke: `what` says how.
        case outcomeUnknown(endpoint: String, path: String, what: String)
        /// The calling `Task` was cancelled.
        case cancelled(waitingFor: String)
        case noSuchRoute(NoSuchRoute)
    }

    let reason: Reason

    init(_ reason: Reason) { self.reason = reason }

    /// The kind of failure.
    public var code: Code {
        switch reason {
        case .usage, .input: .usage
        case .invalidValue: .invalidValue
        case .apiFailure: .apiFailure
        case .unreadableAnswer, .outOfMemory: .unreadableAnswer
        case .notAuthorized, .credentialsNeeded: .notAuthorized
        case .noLeader: .noLeader
        case .unreachable: .unreachable
        case .timedOut, .leaderTimedOut: .timedOut
        case .answeredNo: .answeredNo
        case .unexpectedAnswer: .unreadableAnswer
        case .cancelled: .cancelled
        case .outcomeUnknown: .outcomeUnknown
        case .noSuchRoute: .noSuchRoute
        }
    }

    /// The answer was not JSON at all (not merely JSON of another shape).
    var isNotJSON: Bool {
        if case .unreadableAnswer = reason { return true }
        return false
    }

    /// The endpoint concerned, when one is.
    public var endpoint: String? {
        switch reason {
        case .apiFailure(let failure): failure.endpoint
        case .unreadableAnswer(let endpoint, _, _, _), .notAuthorized(let endpoint, _), .credentialsNeeded(let endpoint, _),
             .outOfMemory(let endpoint, _, _), .unreachable(let endpoint, _),
             .timedOut(let endpoint, _, _, _), .unexpectedAnswer(let endpoint, _, _, _), .outcomeUnknown(let endpoint, _, _): endpoint
        case .noSuchRoute(let missing): missing.endpoint
        case .usage, .input, .invalidValue, .noLeader, .answeredNo, .leaderTimedOut, .cancelled: nil
        }
    }

    /// The HTTP status of the answer, when one came.
    public var httpStatus: Int? {
        switch reason {
        case .apiFailure(let failure): failure.status
        case .unreadableAnswer(_, _, let status, _), .notAuthorized(_, let status), .credentialsNeeded(_, let status): status
        case .unexpectedAnswer(_, _, let status, _): status
        case .noSuchRoute: 404
        default: nil
        }
    }

    /// The server's refusal, for ``Code/apiFailure``.
    public var failure: APIFailure? {
        if case .apiFailure(let failure) = reason { return failure }
        return nil
    }

    /// The refused value, for ``Code/invalidValue``.
    public var refusedValue: InvalidValue? {
        if case .invalidValue(let invalid) = reason { return invalid }
        return nil
    }

    /// Why the inputs or settings cannot be used, for ``Code/usage`` errors that have a structured reason.
    public var inputProblem: InputProblem? {
        if case .input(let problem) = reason { return problem }
        return nil
    }

    /// What would fix it, when it is to give or change a setting or an input; ``message`` ends with it in the
    /// library's words. For a refused value, see ``InvalidValue/remedy``.
    public var remedy: Remedy? {
        switch reason {
        case .usage(_, let remedy), .timedOut(_, _, _, let remedy): remedy
        case .notAuthorized: .checkCredentials
        case .credentialsNeeded: .giveCredentials
        case let .unreadableAnswer(_, _, _, excerpt): excerpt.contains("HTTP request to an HTTPS server") ? .useHTTPS : nil
        default: nil
        }
    }

    /// The message, one or more lines without a trailing newline; empty for `answeredNo`. Settings are named by
    /// their ``ConfigurationOverrides`` property; ``message(naming:)`` names them otherwise.
    public var message: String { message(naming: SettingMention.libraryName) }

    /// The message with each setting it names (a hint to give a client certificate, to go around a proxy) worded by
    /// `naming`: a program whose users give settings another way (flags, a form) names them as its users know them.
    public func message(naming: (Setting) -> String) -> String { problem(naming: naming) + (remedy?.text ?? "") }

    /// The message without its ``remedy``: what went wrong.
    public var problem: String { problem(naming: SettingMention.libraryName) }

    /// ``problem`` with each setting it names worded by `naming` (see ``message(naming:)``).
    public func problem(naming: (Setting) -> String) -> String { SettingMention.word(rawProblem, naming: naming) }

    /// What went wrong, with settings still as mentions.
    private var rawProblem: String {
        switch reason {
        case .usage(let text, _): return text
        case .input(let problem): return problem.description
        case .invalidValue(let invalid): return invalid.description
        case .apiFailure(let failure): return failure.message
        case let .unreadableAnswer(endpoint, path, status, excerpt):
            let shown = excerpt.isEmpty ? "an empty body" : "\"\(excerpt)\""
            return "\(endpoint)/\(OrchestratorError.shown(path, limit: 200)) answered HTTP \(status) with something that is not JSON: \(shown)"
        case let .notAuthorized(endpoint, status):
            return "\(endpoint) refused our credentials (HTTP \(status))"
        case let .outOfMemory(endpoint, path, bytes):
            let size = bytes.map { " of \($0) bytes" } ?? ""
            return "\(endpoint)/\(OrchestratorError.shown(path, limit: 200)): not enough memory to read its answer\(size) (is the process limited with ulimit -v?)"
        case let .credentialsNeeded(endpoint, status):
            return "\(endpoint) needs credentials (HTTP \(status)), and none are configured"
        case .noLeader(let lines):
            return (["cannot find the orchestrator raft leader:"] + lines.map { "  " + $0 }).joined(separator: "\n")
        case let .unreachable(endpoint, reason): return "cannot reach \(endpoint): \(reason)"
        case let .timedOut(endpoint, waitedFor, milliseconds, _):
            return "\(endpoint): timed out after \(milliseconds) ms waiting for \(waitedFor)"
        case .answeredNo: return ""
        case let .unexpectedAnswer(endpoint, path, status, problem):
            return "\(endpoint)/\(path) answered " + (status.map { "HTTP \($0) " } ?? "") + problem
        case let .leaderTimedOut(lines, milliseconds):
            return (["timed out after \(milliseconds) ms looking for the orchestrator raft leader:"] + lines.map { "  " + $0 })
                .joined(separator: "\n")
        case let .outcomeUnknown(endpoint, path, what):
            return "GET \(endpoint)/\(path) was sent, but \(what); the change may or may not have been applied: "
                + "check its effect before sending it again"
        case .cancelled(let waitingFor): return "cancelled while waiting for \(waitingFor)"
        case .noSuchRoute(let missing): return missing.description
        }
    }

    /// The ``message``.
    public var description: String { message }

    /// A usage error (``Code/usage``) worded by the caller: a tool built on the library reports its own misuse
    /// (an unknown command, an unexpected argument) as the library reports a bad input, with one error type.
    public static func usage(_ text: String) -> Self { Self(.usage(text, remedy: nil)) }

    // The ways the library makes an error; `throw .usage("…")` reads as the case it stands for.
    package static func usage(_ text: String, remedy: Remedy?) -> Self { Self(.usage(text, remedy: remedy)) }
    package static func input(_ problem: InputProblem) -> Self { Self(.input(problem)) }
    package static func invalidValue(_ invalid: InvalidValue) -> Self { Self(.invalidValue(invalid)) }
    package static func apiFailure(_ failure: APIFailure) -> Self { Self(.apiFailure(failure)) }
    package static func unreadableAnswer(endpoint: String, path: String, status: Int, excerpt: String) -> Self {
        Self(.unreadableAnswer(endpoint: endpoint, path: path, status: status, excerpt: excerpt))
    }
    package static func notAuthorized(endpoint: String, status: Int) -> Self { Self(.notAuthorized(endpoint: endpoint, status: status)) }
    /// An answer that does not fit in the memory the process may use (a failure of one line, instead of a crash).
    package static func outOfMemory(endpoint: String, path: String, bytes: Int?) -> Self {
        Self(.outOfMemory(endpoint: endpoint, path: path, bytes: bytes))
    }
    /// HTTP 401/403 when no credentials were sent: the server needs some, it refused none.
    package static func credentialsNeeded(endpoint: String, status: Int) -> Self { Self(.credentialsNeeded(endpoint: endpoint, status: status)) }

    package static func noLeader(endpoints: [String]) -> Self { Self(.noLeader(endpoints: endpoints)) }
    package static func unreachable(endpoint: String, reason: String) -> Self { Self(.unreachable(endpoint: endpoint, reason: reason)) }
    package static func timedOut(endpoint: String, waitedFor: String, milliseconds: Int, remedy: Remedy? = nil) -> Self {
        Self(.timedOut(endpoint: endpoint, waitedFor: waitedFor, milliseconds: milliseconds, remedy: remedy))
    }
    package static let answeredNo = Self(.answeredNo)
    package static func unexpectedAnswer(endpoint: String, path: String, status: Int?, problem: String) -> Self {
        Self(.unexpectedAnswer(endpoint: endpoint, path: path, status: status, problem: problem))
    }
    package static func leaderTimedOut(endpoints: [String], milliseconds: Int) -> Self {
        Self(.leaderTimedOut(endpoints: endpoints, milliseconds: milliseconds))
    }
    package static func outcomeUnknown(endpoint: String, path: String, what: String) -> Self {
        Self(.outcomeUnknown(endpoint: endpoint, path: path, what: what))
    }
    package static func cancelled(waitingFor: String) -> Self { Self(.cancelled(waitingFor: waitingFor)) }
    package static func noSuchRoute(_ missing: NoSuchRoute) -> Self { Self(.noSuchRoute(missing)) }
}

/// A value the client refuses to send, with the reason and the fix.
public struct InvalidValue: Sendable, Equatable, CustomStringConvertible {
    /// The input, setting or parameter the value came from.
    public let source: ValueSource
    /// The value as given (control characters shown escaped).
    public let value: String
    /// What is wrong with it.
    public let problem: String
    /// What to do instead.
    public let fix: String
    /// The fix as data, when it is to give another setting beside this one.
    public let remedy: Remedy?

    /// `value`, from `source`, refused because of `problem`, with the `fix` to say (and its `remedy` as data).
    public init(source: ValueSource, value: String, problem: String, fix: String, remedy: Remedy? = nil) {
        self.source = source
        self.value = value
        self.problem = problem
        self.fix = fix
        self.remedy = remedy
    }

    /// The message; the value is shown with control characters escaped, and shortened when long.
    public var description: String {
        "invalid \(source) \"\(OrchestratorError.shown(value))\": \(problem); \(fix)"
    }
}
