/// Text from outside (a server's message, a value given, a URL) made safe to quote inside the library's own
/// messages: ``OrchestratorError/message`` is printed and logged by programs that do not escape it, so a server
/// or a value must not bring control characters or text-reordering marks into it. Control characters (C0, DEL,
/// C1) and the Unicode marks that reorder or hide text are shown as Swift-style escapes (`\u{1B}`), and long
/// values are shortened. The command line has its own copy of the rule, with the filter for whole messages.
enum TerminalText {
    /// Values longer than this many characters are shortened in messages.
    static let defaultLimit = 200

    /// True for a scalar that must not reach a terminal raw.
    static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: return true
        default: return false
        }
    }

    /// A value to quote inside a message: every unsafe scalar escaped (line breaks included), and at most `limit`
    /// characters kept, the rest replaced by `…(N more characters)`.
    static func value(_ text: String, limit: Int = defaultLimit) -> String {
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
}
