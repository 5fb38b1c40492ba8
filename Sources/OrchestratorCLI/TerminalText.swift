/// Text from outside (a server's message, a value a user typed, a URL) made safe to show on a terminal.
///
/// The one place that decides which characters reach a terminal: control characters (C0, DEL, C1: ESC, BEL, CSI
/// start sequences and the like) and the Unicode marks that reorder or hide text (bidirectional overrides and
/// isolates, zero-width joiners, line and paragraph separators) are shown as Swift-style escapes (`\u{1B}`), so a
/// server or a pasted value can neither move the cursor, retitle the window, ring the bell nor make text read
/// differently than it is. Long values are shortened, so one 100 kB argument cannot fill a screen.
package enum TerminalText {
    /// Values longer than this many characters are shortened in messages.
    package static let defaultLimit = 200

    /// True for a scalar that must not reach a terminal raw.
    package static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// A value to quote inside a message: every unsafe scalar escaped (line breaks included), and at most `limit`
    /// characters kept, the rest replaced by `…(N more characters)`.
    package static func value(_ text: String, limit: Int = defaultLimit) -> String {
        var shown = ""
        var count = 0
        var total = 0
        for scalar in text.unicodeScalars {
            total += 1
            guard count < limit else { continue }
            count += 1
            if isUnsafe(scalar) { shown += scalar.escaped(asASCII: true) } else { shown.unicodeScalars.append(scalar) }
        }
        if total > count { shown += "…(\(total - count) more characters)" }
        return shown
    }

    /// A whole message of one or more lines: unsafe scalars escaped except the line breaks between lines, and each
    /// line at most `lineLimit` characters. The last filter before standard error, for anything not escaped earlier.
    package static func message(_ text: String, lineLimit: Int = 4_000) -> String {
        text.split(separator: "\n", omittingEmptySubsequences: false)
            .map { value(String($0), limit: lineLimit) }
            .joined(separator: "\n")
    }
}
