/// An operation the API refused or failed.
///
/// The server's `Details` and whole answer are kept as the answer holds them, read in place: a 14 MB error answer
/// costs its bytes, not a tree of its values. ``writeDetails(to:)`` and ``writeAnswer(to:)`` print them from there;
/// ``details`` and ``answer`` build a tree on each use.
public struct APIFailure: Sendable, Equatable {
    /// The endpoint that answered.
    public let endpoint: String
    /// The HTTP status of the answer.
    public let status: Int
    /// The server's `Message` (decoded on each use when it stays in the answer's bytes).
    public var message: String { keptMessage.text }
    private let keptMessage: KeptText
    private let keptDetails: KeptJSON?
    private let keptAnswer: KeptJSON?

    /// A failure `endpoint` answered with HTTP `status` and `message`, with `details` (the server's `Details`; `nil`
    /// for `null` or none) and `answer` (the whole answer, when it was JSON) kept as the trees given: for a program or
    /// a test that makes a failure of its own (the client's keep them in the answer's bytes).
    public init(endpoint: String, status: Int, message: String, details: JSONValue?, answer: JSONValue? = nil) {
        self.endpoint = endpoint
        self.status = status
        keptMessage = .text(message)
        keptDetails = details.map(KeptJSON.tree)
        keptAnswer = answer.map(KeptJSON.tree)
    }

    /// A failure whose `Message`, `Details` and answer stay in the answer's bytes. The message is `message` when it
    /// is a JSON string, else `otherwise`.
    package init(endpoint: String, status: Int, message: JSONNode?, otherwise: String, details: JSONNode?, answer: JSONNode?) {
        self.endpoint = endpoint
        self.status = status
        keptMessage = message.flatMap { $0.kind == .string ? KeptText.node($0) : nil } ?? .text(otherwise)
        keptDetails = details.map(KeptJSON.node)
        keptAnswer = answer.map(KeptJSON.node)
    }

    /// The message as ``OrchestratorError/shown(_:limit:)`` shows it, decoded piece by piece: a 40 MB `Message`
    /// costs the `limit` characters shown, not a copy of its text.
    public func shownMessage(limit: Int) -> String {
        switch keptMessage {
        case .text(let text):
            return OrchestratorError.shown(text, limit: limit)
        case .node(let node):
            var shown = ShownValue(limit: limit)
            node.forEachTextPiece { shown.add($0) }
            return shown.text
        }
    }

    /// The server's `Details`, when it sent any (not `null`), as a tree (built on each use).
    public var details: JSONValue? { keptDetails?.tree }

    /// The whole answer, when it was JSON, as a tree (built on each use).
    public var answer: JSONValue? { keptAnswer?.tree }

    /// Whether the server sent `Details` (not `null`).
    public var hasDetails: Bool { keptDetails != nil }

    /// Whether the answer was JSON.
    public var hasAnswer: Bool { keptAnswer != nil }

    /// Writes the `Details` on one line, as the bash client's `echo $api_details` printed them, without a trailing
    /// newline; nothing when there are none.
    public func writeDetails(to sink: ByteSink) {
        keptDetails?.write(style: .inline, to: sink)
    }

    /// Writes the whole answer as indented JSON (as `jq .` prints it), without a trailing newline; nothing when it
    /// was not JSON.
    public func writeAnswer(to sink: ByteSink) {
        keptAnswer?.write(style: .pretty, to: sink)
    }

    /// Equal when endpoint, status, message, `Details` and answer are, whether each is kept as a tree or in the
    /// answer's bytes: a failure read from an answer equals one made with the same values.
    public static func == (lhs: APIFailure, rhs: APIFailure) -> Bool {
        lhs.endpoint == rhs.endpoint && lhs.status == rhs.status && lhs.message == rhs.message
            && lhs.details == rhs.details && lhs.answer == rhs.answer
    }
}

/// A JSON value an error keeps: a tree given by a caller, or a value read in place in the answer's bytes.
private enum KeptJSON: Sendable {
    case tree(JSONValue)
    case node(JSONNode)

    var tree: JSONValue {
        switch self {
        case .tree(let value): value
        case .node(let node): node.value
        }
    }

    func write(style: JSONPrinter.Style, to sink: ByteSink) {
        switch self {
        case .tree(let value): sink.write(JSONPrinter.render(value, style: style))
        case .node(let node): JSONStreamPrinter.write(node, style: style, to: sink)
        }
    }
}

/// The server's `Message`: given by a caller, or a string read in place in the answer's bytes.
private enum KeptText: Sendable {
    case text(String)
    case node(JSONNode)

    var text: String {
        switch self {
        case .text(let text): text
        case .node(let node): node.stringValue ?? ""
        }
    }
}
