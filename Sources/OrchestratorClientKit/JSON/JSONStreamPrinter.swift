/// Where streamed output goes: bytes in pieces, in order (``CommandAnswer/writeJSON(to:)``,
/// ``CommandAnswer/writeText(to:)``). A sink decides what a failed write means; the answer only writes.
public protocol ByteSink: AnyObject {
    /// Takes the next piece; `bytes` is valid only during the call.
    func write(_ bytes: UnsafeBufferPointer<UInt8>)
}

extension ByteSink {
    /// Writes `text`'s UTF-8.
    public func write(_ text: String) {
        var text = text
        text.withUTF8 { write($0) }
    }
}

/// Prints a ``JSONNode`` exactly as ``JSONPrinter`` prints the same value, without building the value or the text:
/// memory stays at the size of the largest string or object of the answer, whatever the answer's size.
package enum JSONStreamPrinter {
    /// Objects with more members than this are printed as sent; below it, a name sent twice is printed once, where
    /// it first occurs, with its last value, as `jq` does. (Merging needs a table of the object's names: the bound
    /// keeps that table small for any answer.)
    package static let mergedMemberLimit = 65_536

    /// Writes `node` in `style` to `sink`, without a trailing newline.
    package static func write(_ node: JSONNode, style: JSONPrinter.Style, to sink: ByteSink) {
        if style == .raw, node.kind == .string {
            // `jq -r` prints the string's text; decoded as the tree decodes it, so that invalid UTF-8 becomes U+FFFD.
            node.forEachTextPiece { sink.write($0) }
            return
        }
        var writer = Writer(sink: sink, pretty: style != .inline)
        writer.value(node, indent: 0)
        writer.flush()
    }

    private struct Writer {
        let sink: ByteSink
        let pretty: Bool
        var buffer: [UInt8] = []

        init(sink: ByteSink, pretty: Bool) {
            self.sink = sink
            self.pretty = pretty
            buffer.reserveCapacity(1 << 16)
        }

        mutating func flush() {
            buffer.withUnsafeBufferPointer { sink.write($0) }
            buffer.removeAll(keepingCapacity: true)
        }

        mutating func append(_ text: String) {
            buffer.append(contentsOf: text.utf8)
            if buffer.count >= 1 << 16 { flush() }
        }

        mutating func appendBytes(_ bytes: ArraySlice<UInt8>) {
            buffer.append(contentsOf: bytes)
            if buffer.count >= 1 << 16 { flush() }
        }

        mutating func separate(_ indent: Int) {
            if pretty {
                buffer.append(0x0A)
                for _ in 0..<indent { buffer.append(0x20); buffer.append(0x20) }
            } else {
                buffer.append(0x20)
            }
            if buffer.count >= 1 << 16 { flush() }
        }

        mutating func value(_ node: JSONNode, indent: Int) {
            switch node.kind {
            case .null, .bool, .number:
                appendBytes(node.bytes[node.start..<node.end])
            case .string:
                string(node)
            case .array:
                let isEmpty = node.bytes.withUnsafeBufferPointer { bytes in
                    bytes[JSONScan.skipWhitespace(bytes, node.start + 1)] == UInt8(ascii: "]")
                }
                if isEmpty { append("[]"); return }
                append("[")
                var first = true
                try? node.forEachElement { element in
                    if !first { buffer.append(UInt8(ascii: ",")) }
                    first = false
                    separate(indent + 1)
                    value(element, indent: indent + 1)
                }
                separate(indent)
                append("]")
            case .object:
                object(node, indent: indent)
            }
        }

        mutating func object(_ node: JSONNode, indent: Int) {
            var count = 0
            _ = node.bytes.withUnsafeBufferPointer { bytes in
                JSONScan.forEachMember(bytes, start: node.start) { _, _, _, _ in
                    count += 1
                    return count <= JSONStreamPrinter.mergedMemberLimit
                }
            }
            if count == 0 { append("{}"); return }
            append("{")
            var first = true
            func member(_ key: String, _ value: JSONNode, _ writer: inout Writer) {
                if !first { writer.buffer.append(UInt8(ascii: ",")) }
                first = false
                writer.separate(indent + 1)
                writer.quoted(key)
                writer.append(": ")
                writer.value(value, indent: indent + 1)
            }
            if count <= JSONStreamPrinter.mergedMemberLimit {
                for (key, value) in node.members { member(key, value, &self) }
            } else {
                var ranges: [(Int, Int, Int, Int)] = []
                var resume: Int?
                repeat {
                    // In batches, so that printing runs outside the buffer access.
                    ranges.removeAll(keepingCapacity: true)
                    resume = node.bytes.withUnsafeBufferPointer { bytes in
                        JSONScan.forEachMember(bytes, start: node.start, resumingAt: resume) { keyStart, keyEnd, valueStart, valueEnd in
                            ranges.append((keyStart, keyEnd, valueStart, valueEnd))
                            return ranges.count < 4096
                        }
                    }
                    for (keyStart, keyEnd, valueStart, valueEnd) in ranges {
                        let key = node.bytes.withUnsafeBufferPointer { JSONScan.decodeString($0, start: keyStart, end: keyEnd) }
                        member(key, JSONNode(bytes: node.bytes, start: valueStart, end: valueEnd), &self)
                    }
                } while resume != nil
            }
            separate(indent)
            append("}")
        }

        /// A string value, decoded and escaped piece by piece: a long string costs a piece, not its whole text.
        mutating func string(_ node: JSONNode) {
            buffer.append(UInt8(ascii: "\""))
            node.forEachTextPiece { escaped($0) }
            buffer.append(UInt8(ascii: "\""))
        }

        /// Quotes and escapes as ``JSONPrinter`` does.
        mutating func quoted(_ text: String) {
            buffer.append(UInt8(ascii: "\""))
            escaped(text)
            buffer.append(UInt8(ascii: "\""))
        }

        mutating func escaped(_ text: String) {
            for scalar in text.unicodeScalars {
                switch scalar {
                case "\"": append("\\\"")
                case "\\": append("\\\\")
                case "\n": append("\\n")
                case "\t": append("\\t")
                case "\r": append("\\r")
                case "\u{08}": append("\\b")
                case "\u{0C}": append("\\f")
                default:
                    if scalar.value < 0x20 || scalar.value == 0x7F {
                        let hex = String(scalar.value, radix: 16)
                        append("\\u" + String(repeating: "0", count: 4 - hex.count) + hex)
                    } else {
                        buffer.append(contentsOf: UTF8.encode(scalar)!)
                        if buffer.count >= 1 << 16 { flush() }
                    }
                }
            }
        }
    }
}
