extension OrchestratorError {
    /// A value from outside (a server's answer, a value given, a URL) as the library's messages show it.
    ///
    /// ``message`` is printed and logged by programs that do not escape it, so a server or a value must not bring
    /// control characters or text-reordering marks into it: control characters (C0, DEL, C1) and the Unicode marks
    /// that reorder or hide text (bidirectional overrides and isolates, zero-width characters, line and paragraph
    /// separators, and the two private-use scalars that mark a setting's mention) are shown as Swift-style escapes
    /// (`\u{1B}`), line breaks included. At most `limit` characters are
    /// kept, the rest replaced by `…(N more characters)`. A program that words its own messages about the same
    /// values shows them this way too.
    public static func shown(_ value: String, limit: Int = 200) -> String {
        var shown = ShownValue(limit: limit)
        shown.add(value)
        return shown.text
    }

    /// True for a scalar that ``shown(_:limit:)`` escapes.
    package static func isEscapedInMessages(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x00..<0x20, 0x7F...0x9F: return true
        case 0x200B...0x200F, 0x2028...0x202E, 0x2060...0x2069, 0xFEFF: return true
        // The marks of a setting's mention (SettingMention): a value from outside cannot forge one.
        case 0xE000...0xE001: return true
        default: return false
        }
    }
}

extension OrchestratorError {
    /// The start of an answer's `body` as one line, as the server sent it but for its line breaks (CR, LF, tab,
    /// U+2028, U+2029), which become spaces: at most `limit` characters, then `…` when more follows; trailing spaces
    /// dropped. Not escaped: a message shows it through ``shown(_:limit:)``.
    package static func lineStart(of body: [UInt8], limit: Int) -> String {
        // Four bytes hold any character: the prefix decoded holds `limit` characters and one more, when the body has them.
        let text = String(decoding: body.prefix(limit * 4 + 4), as: UTF8.self)
        var line = ""
        var count = 0
        for scalar in text.unicodeScalars {
            if count >= limit { line += "…"; break }
            switch scalar.value {
            case 0x09, 0x0A, 0x0D, 0x2028, 0x2029: line += " "
            default: line.unicodeScalars.append(scalar)
            }
            count += 1
        }
        while line.hasSuffix(" ") { line.removeLast() }
        return line
    }
}

/// ``OrchestratorError/shown(_:limit:)`` of a value given in pieces: a value of 40 MB (a server's `Message`) is shown
/// from its pieces as they are decoded, never held whole.
package struct ShownValue {
    let limit: Int
    private var shown = ""
    private var count = 0
    private var total = 0

    package init(limit: Int) { self.limit = limit }

    /// Takes the value's next piece.
    package mutating func add(_ piece: String) {
        if count >= limit { total += piece.unicodeScalars.count; return }
        for scalar in piece.unicodeScalars {
            total += 1
            guard count < limit else { continue }
            count += 1
            if OrchestratorError.isEscapedInMessages(scalar) { shown += scalar.escaped(asASCII: true) } else { shown.unicodeScalars.append(scalar) }
        }
    }

    /// The value as shown.
    package var text: String { total > count ? shown + "…(\(total - count) more characters)" : shown }
}
