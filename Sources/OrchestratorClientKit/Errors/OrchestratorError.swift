/// Everything that can go wrong, with enough context to say what happened, where, and what to do.
///
/// Each case maps to one documented exit status of the `orchestrator-client` executable
/// (see ``exitStatus``), so scripts can tell a refused operation from a typo or an unreachable cluster.
public enum OrchestratorError: Error, Sendable, Equatable {
    /// The command line cannot be understood (unknown flag or command, missing value).
    case usage(String)
    /// A value was given but cannot be sent faithfully; nothing was sent.
    case invalidValue(InvalidValue)
    /// The API answered and refused or failed the operation (`Code: ERROR`, or an HTTP error with JSON).
    case apiFailure(APIFailure)
    /// The answer was not the JSON the API speaks (a 404 page, a proxy's HTML error page, a cut-off body).
    case unreadableAnswer(endpoint: String, path: String, status: Int, excerpt: String)
    /// The server or a proxy in front of it refused our credentials (HTTP 401 or 403).
    case notAuthorized(endpoint: String, status: Int)
    /// No endpoint could be used: every one failed, or none is the raft leader. One line per endpoint.
    case noLeader(endpoints: [String])
    /// A request could not be completed (refused, name not resolved, TLS failure, connection reset).
    case unreachable(endpoint: String, reason: String)
    /// A bound ran out: a request's timeout or the invocation's `--timeout`.
    case timedOut(endpoint: String, waitedFor: String, milliseconds: Int)
    /// A yes/no question answered "no" (`can-replicate-from`): exit 1, nothing printed.
    case answeredNo

    /// Exit statuses of the executable; part of its documented interface.
    public enum ExitStatus {
        /// The operation succeeded.
        public static let success: Int32 = 0
        /// The API refused or failed the operation, or answered "no" to a yes/no question.
        public static let apiFailure: Int32 = 1
        /// Usage error or invalid input; nothing was sent.
        public static let usage: Int32 = 2
        /// No endpoint reachable, or no raft leader among them.
        public static let unreachable: Int32 = 3
        /// A timeout expired.
        public static let timeout: Int32 = 4
    }

    /// The exit status the executable ends with for this error.
    public var exitStatus: Int32 {
        switch self {
        case .usage, .invalidValue: return ExitStatus.usage
        case .apiFailure, .unreadableAnswer, .notAuthorized, .answeredNo: return ExitStatus.apiFailure
        case .noLeader, .unreachable: return ExitStatus.unreachable
        case .timedOut: return ExitStatus.timeout
        }
    }

    /// The message for standard error, one or more lines without a trailing newline; empty for `answeredNo`.
    public var message: String {
        switch self {
        case .usage(let text): return text
        case .invalidValue(let invalid): return invalid.description
        case .apiFailure(let failure): return failure.message
        case let .unreadableAnswer(endpoint, path, status, excerpt):
            let shown = excerpt.isEmpty ? "an empty body" : "\"\(excerpt)\""
            return "\(endpoint)/\(path) answered HTTP \(status) with something that is not JSON: \(shown)"
        case let .notAuthorized(endpoint, status):
            return "\(endpoint) refused our credentials (HTTP \(status)); check -b/--auth, "
                + "ORCHESTRATOR_AUTH_USER/ORCHESTRATOR_AUTH_PASSWORD or -e/--headers-auth"
        case .noLeader(let lines):
            return (["cannot find the orchestrator raft leader:"] + lines.map { "  " + $0 }).joined(separator: "\n")
        case let .unreachable(endpoint, reason): return "cannot reach \(endpoint): \(reason)"
        case let .timedOut(endpoint, waitedFor, milliseconds):
            return "\(endpoint): timed out after \(milliseconds) ms waiting for \(waitedFor)"
        case .answeredNo: return ""
        }
    }
}

/// A value the client refuses to send, with the reason and the fix.
public struct InvalidValue: Sendable, Equatable, CustomStringConvertible {
    /// The flag or setting the value came from, e.g. `-o/--owner`.
    public let source: String
    /// The value as given (control characters shown escaped).
    public let value: String
    /// What is wrong with it.
    public let problem: String
    /// What to do instead.
    public let fix: String

    public init(source: String, value: String, problem: String, fix: String) {
        self.source = source
        self.value = value
        self.problem = problem
        self.fix = fix
    }

    public var description: String {
        let shown = value.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? $0.escaped(asASCII: true) : String($0) }.joined()
        return "invalid \(source) \"\(shown)\": \(problem); \(fix)"
    }
}

/// An operation the API refused or failed.
public struct APIFailure: Sendable, Equatable {
    /// The endpoint that answered.
    public let endpoint: String
    /// The HTTP status of the answer.
    public let status: Int
    /// The server's `Message`.
    public let message: String
    /// The server's `Details`, when it sent any (not `null`).
    public let details: JSONValue?
    /// The whole answer, when it was JSON.
    public let answer: JSONValue?

    public init(endpoint: String, status: Int, message: String, details: JSONValue?, answer: JSONValue? = nil) {
        self.endpoint = endpoint
        self.status = status
        self.message = message
        self.details = details
        self.answer = answer
    }
}
