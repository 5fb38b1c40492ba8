import OrchestratorClientKit

/// Text from outside (a server's message, a value a user typed, a URL) made safe to show on a terminal.
///
/// Values are shown as the library's messages show them (``OrchestratorError/shown(_:limit:)``): control characters
/// (ESC, BEL, CSI start sequences and the like) and the Unicode marks that reorder or hide text escaped (`\u{1B}`),
/// so a server or a pasted value can neither move the cursor, retitle the window, ring the bell nor make text read
/// differently than it is, and long values shortened, so one 100 kB argument cannot fill a screen. What is the
/// terminal's own: the last filter over whole messages before standard error.
package enum TerminalText {
    /// A value to quote inside a message, shortened at the library's limit.
    package static func value(_ text: String) -> String { OrchestratorError.shown(text) }

    /// A value to quote inside a message, at most `limit` characters kept.
    package static func value(_ text: String, limit: Int) -> String { OrchestratorError.shown(text, limit: limit) }

    /// A whole message of one or more lines: unsafe scalars escaped except the line breaks between lines, and each
    /// line at most `lineLimit` characters. The last filter before standard error, for anything not escaped earlier.
    package static func message(_ text: String, lineLimit: Int = 4_000) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { OrchestratorError.shown(String($0), limit: lineLimit) }
            .joined(separator: "\n")
    }
}
