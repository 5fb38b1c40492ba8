/// The text of orchestrator's `Message`, read the same way whichever server wrote it.
///
/// Percona's orchestrator (v3.2.6-20 and later) can put its identity before every `Message` it writes
/// (`PrependMessagesWithOrcIdentity`): `Orchestrator db-orc-2 says: Unauthorized`. Anything that decides on a
/// message's text compares what follows that prefix, so that a stale leader or a yes/no answer is read the same on
/// every server. Printing keeps the message whole, as the bash client did.
package enum ServerMessage {
    /// The prefix's fixed words: `Orchestrator <identity> says: ` (Percona `go/http/api.go`, `setupMessagePrefix`).
    static let opening = "Orchestrator "
    static let closing = " says: "

    /// `message` without a leading `Orchestrator <identity> says: `; unchanged when it has none.
    package static func withoutIdentity(_ message: String) -> String {
        guard let (_, rest) = split(message) else { return message }
        return String(rest)
    }

    /// The identity a Percona server put before `message` (`db-orc-2`), or `nil` when it put none.
    package static func identity(of message: String) -> String? {
        split(message).map { String($0.identity) }
    }

    /// The identity and the message after the prefix; `nil` without a prefix. The identity is the text up to the
    /// first ` says: `.
    static func split(_ message: String) -> (identity: Substring, rest: Substring)? {
        guard message.hasPrefix(opening) else { return nil }
        let afterOpening = message.dropFirst(opening.count)
        guard let range = afterOpening.firstRange(of: closing) else { return nil }
        return (afterOpening[..<range.lowerBound], afterOpening[range.upperBound...])
    }
}

extension APIFailure {
    /// The server's ``message`` without the identity prefix a Percona server may put before it
    /// (`Orchestrator <identity> says: `): the text to compare, never to print.
    public var messageWithoutIdentity: String { ServerMessage.withoutIdentity(message) }
}
