/// Renders JSON the way `jq` does, because the bash client's output is `jq`'s output and scripts parse it.
package enum JSONPrinter {
    /// How a value is laid out.
    package enum Style: Sendable {
        /// `jq .`: two-space indentation, one member or element per line.
        case pretty
        /// `jq -r .`: like `pretty`, but a top-level string is printed without quotes or escapes.
        case raw
        /// `jq .` seen through an unquoted shell `echo`: one line, `[ "a", "b" ]`, `{ "k": 1 }`.
        /// Unlike the shell, runs of spaces inside strings are kept.
        case inline
    }

    /// The text of `value` in `style`, without a trailing newline.
    package static func render(_ value: JSONValue, style: Style) -> String {
        var output = ""
        switch style {
        case .raw:
            if case .string(let text) = value { return text }
            write(value, indent: 0, pretty: true, to: &output)
        case .pretty:
            write(value, indent: 0, pretty: true, to: &output)
        case .inline:
            write(value, indent: 0, pretty: false, to: &output)
        }
        return output
    }

    private static func write(_ value: JSONValue, indent: Int, pretty: Bool, to output: inout String) {
        switch value {
        case .null: output += "null"
        case .bool(let flag): output += flag ? "true" : "false"
        case .number(let text): output += text
        case .string(let text): writeString(text, to: &output)
        case .array(let items):
            if items.isEmpty { output += "[]"; return }
            output += "["
            for (index, item) in items.enumerated() {
                output += index == 0 ? "" : ","
                separate(indent: indent + 1, pretty: pretty, to: &output)
                write(item, indent: indent + 1, pretty: pretty, to: &output)
            }
            separate(indent: indent, pretty: pretty, to: &output)
            output += "]"
        case .object(let members):
            if members.isEmpty { output += "{}"; return }
            output += "{"
            for (index, member) in members.enumerated() {
                output += index == 0 ? "" : ","
                separate(indent: indent + 1, pretty: pretty, to: &output)
                writeString(member.key, to: &output)
                output += ": "
                write(member.value, indent: indent + 1, pretty: pretty, to: &output)
            }
            separate(indent: indent, pretty: pretty, to: &output)
            output += "}"
        }
    }

    private static func separate(indent: Int, pretty: Bool, to output: inout String) {
        if pretty {
            output += "\n"
            output += String(repeating: "  ", count: indent)
        } else {
            output += " "
        }
    }

    /// Quotes and escapes a string as `jq` does.
    static func writeString(_ text: String, to output: inout String) {
        output += "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": output += "\\\""
            case "\\": output += "\\\\"
            case "\n": output += "\\n"
            case "\t": output += "\\t"
            case "\r": output += "\\r"
            case "\u{08}": output += "\\b"
            case "\u{0C}": output += "\\f"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16)
                    output += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    output.unicodeScalars.append(scalar)
                }
            }
        }
        output += "\""
    }
}

extension JSONValue {
    /// The value as JSON text, as `jq` prints it: indented by two spaces per level (`jq .`), or on one line with a
    /// space after `:` and `,` (the bash client's `echo $value`); no trailing newline.
    public func jsonText(indented: Bool) -> String {
        JSONPrinter.render(self, style: indented ? .pretty : .inline)
    }
}
