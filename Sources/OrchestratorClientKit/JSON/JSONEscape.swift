/// How an escape in a JSON string becomes UTF-8, for both JSON readers (the parser that builds values and the scanner that reads
/// in place), so that the two agree byte for byte on every string.
enum JSONEscape {
    /// The byte a one-character escape (`\n`, `\"`, …) stands for; `nil` for `u` and anything JSON does not allow.
    static func byte(escaped escape: UInt8) -> UInt8? {
        switch escape {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): escape
        case UInt8(ascii: "b"): 0x08
        case UInt8(ascii: "f"): 0x0C
        case UInt8(ascii: "n"): 0x0A
        case UInt8(ascii: "r"): 0x0D
        case UInt8(ascii: "t"): 0x09
        default: nil
        }
    }

    /// Whether `code` is the first half of a surrogate pair, which a second `\u` escape must complete.
    static func isHighSurrogate(_ code: UInt32) -> Bool { (0xD800...0xDBFF).contains(code) }

    /// Appends the UTF-8 of the escape `code`, joined with `low` (the `\u` escape right after a high surrogate, if
    /// there was one) into one scalar when the two are a surrogate pair. A lone half becomes U+FFFD, as jq does.
    static func append(_ code: UInt32, low: UInt32?, to output: inout [UInt8]) {
        var code = code
        if isHighSurrogate(code) {
            if let low, (0xDC00...0xDFFF).contains(low) {
                code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
            } else if let low {
                appendScalar(0xFFFD, to: &output)
                code = low
            } else {
                code = 0xFFFD
            }
        }
        if (0xD800...0xDFFF).contains(code) { code = 0xFFFD }
        appendScalar(code, to: &output)
    }

    private static func appendScalar(_ code: UInt32, to output: inout [UInt8]) {
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}
