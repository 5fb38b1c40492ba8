/// A JSON text checked once (RFC 8259, nesting at most ``JSONParser/maximumDepth``) and then read in place.
///
/// Why not the ``JSONValue`` tree: a tree costs 10 to 20 times the answer's size for answers of many small values
/// (100 MB of `[1,1,…]` took 1.8 GB), and the client runs beside mysqld. A document costs its bytes and nothing
/// more: members are found by scanning, arrays are walked element by element, and printing streams. Where a
/// member occurs twice, the last occurrence counts, as in `jq` (and so in the bash client).
package struct JSONDocument: Sendable {
    /// The answer's bytes.
    package let bytes: [UInt8]
    /// The top-level value.
    package let root: JSONNode

    /// Checks `bytes`; throws where they are not one JSON value (with surrounding whitespace).
    package init(_ bytes: [UInt8]) throws(JSONParseError) {
        self.bytes = bytes
        let (start, end) = try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var validator = JSONValidator(bytes: buffer)
            validator.skipWhitespace()
            let start = validator.position
            try validator.value(depth: 0)
            let end = validator.position
            validator.skipWhitespace()
            if validator.position != buffer.count {
                throw JSONParseError(offset: validator.position, reason: "unexpected data after the value")
            }
            return (start, end)
        }
        root = JSONNode(bytes: bytes, start: start, end: end)
    }

    /// True when the parse error is the nesting limit (valid JSON the client will not read), not a syntax error.
    package static func isNestingError(_ error: JSONParseError) -> Bool {
        error.reason == JSONValidator.nestingReason
    }
}

/// One value inside a ``JSONDocument``: its bytes are `bytes[start..<end]`, already validated.
package struct JSONNode: Sendable, Equatable {
    package enum Kind: Sendable, Equatable {
        case object, array, string, number, bool, null
    }

    let bytes: [UInt8]
    package let start: Int
    package let end: Int

    package static func == (lhs: JSONNode, rhs: JSONNode) -> Bool {
        lhs.start == rhs.start && lhs.end == rhs.end && lhs.bytes == rhs.bytes
    }

    /// The JSON type, from the first byte.
    package var kind: Kind {
        switch bytes[start] {
        case UInt8(ascii: "{"): .object
        case UInt8(ascii: "["): .array
        case UInt8(ascii: "\""): .string
        case UInt8(ascii: "t"), UInt8(ascii: "f"): .bool
        case UInt8(ascii: "n"): .null
        default: .number
        }
    }

    /// The JSON type name as `jq`'s `type` reports it.
    package var typeName: String {
        switch kind {
        case .object: "object"
        case .array: "array"
        case .string: "string"
        case .number: "number"
        case .bool: "boolean"
        case .null: "null"
        }
    }

    package var isNull: Bool { kind == .null }

    /// The size of the value's text in bytes.
    package var byteCount: Int { end - start }

    /// The text of a string value, unescaped; `nil` for other values.
    package var stringValue: String? {
        guard kind == .string else { return nil }
        return bytes.withUnsafeBufferPointer { JSONScan.decodeString($0, start: start, end: end) }
    }

    /// The literal text of a number; `nil` for other values.
    package var numberText: String? {
        guard kind == .number else { return nil }
        return String(decoding: bytes[start..<end], as: UTF8.self)
    }

    /// The value of an integer number; `nil` for other values.
    package var intValue: Int? { numberText.flatMap { Int($0) } }

    /// The value of a boolean; `nil` for other values.
    package var boolValue: Bool? {
        guard kind == .bool else { return nil }
        return bytes[start] == UInt8(ascii: "t")
    }

    /// The member called `name` of an object (its last occurrence); `nil` for a missing member or a non-object.
    package subscript(name: String) -> JSONNode? {
        guard kind == .object else { return nil }
        var found: JSONNode?
        let wanted = Array(name.utf8)
        _ = bytes.withUnsafeBufferPointer { buffer in
            JSONScan.forEachMember(buffer, start: start) { keyStart, keyEnd, valueStart, valueEnd in
                if JSONScan.keyEquals(buffer, keyStart, keyEnd, wanted) {
                    found = JSONNode(bytes: bytes, start: valueStart, end: valueEnd)
                }
                return true
            }
        }
        return found
    }

    /// Calls `body` with each element of an array, in order; does nothing for other values.
    package func forEachElement(_ body: (JSONNode) throws(OrchestratorError) -> Void) throws(OrchestratorError) {
        guard kind == .array else { return }
        var ranges: [(Int, Int)] = []
        ranges.reserveCapacity(256)
        var position = start + 1
        // Elements are found in batches, so that `body` runs outside the buffer access.
        while true {
            ranges.removeAll(keepingCapacity: true)
            var finished = false
            position = bytes.withUnsafeBufferPointer { buffer in
                var cursor = position
                while ranges.count < 256 {
                    cursor = JSONScan.skipWhitespace(buffer, cursor)
                    if buffer[cursor] == UInt8(ascii: "]") { finished = true; return cursor }
                    if buffer[cursor] == UInt8(ascii: ",") { cursor = JSONScan.skipWhitespace(buffer, cursor + 1) }
                    let end = JSONScan.skipValue(buffer, cursor)
                    ranges.append((cursor, end))
                    cursor = end
                }
                return cursor
            }
            for (elementStart, elementEnd) in ranges {
                try body(JSONNode(bytes: bytes, start: elementStart, end: elementEnd))
            }
            if finished { return }
        }
    }

    /// The number of elements of an array; 0 for other values.
    package var elementCount: Int {
        var count = 0
        try? forEachElement { _ in count += 1 }
        return count
    }

    /// The members of an object in `jq`'s order: each name once, where it first occurs, with its last value.
    package var members: [(key: String, value: JSONNode)] {
        guard kind == .object else { return [] }
        var result: [(key: String, value: JSONNode)] = []
        var index: [String: Int] = [:]
        _ = bytes.withUnsafeBufferPointer { buffer in
            JSONScan.forEachMember(buffer, start: start) { keyStart, keyEnd, valueStart, valueEnd in
                let key = JSONScan.decodeString(buffer, start: keyStart, end: keyEnd)
                let value = JSONNode(bytes: bytes, start: valueStart, end: valueEnd)
                if let existing = index[key] {
                    result[existing].value = value
                } else {
                    index[key] = result.count
                    result.append((key, value))
                }
                return true
            }
        }
        return result
    }

    /// The value as a ``JSONValue`` tree (for small values: an instance, a key).
    package var value: JSONValue {
        // Validated already: parsing cannot fail.
        (try? JSONParser.parse(Array(bytes[start..<end]))) ?? .null
    }
}

/// Walks validated JSON text.
enum JSONScan {
    static func skipWhitespace(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int {
        var position = position
        while position < bytes.count {
            switch bytes[position] {
            case 0x20, 0x09, 0x0A, 0x0D: position += 1
            default: return position
            }
        }
        return position
    }

    /// The end of the value starting at `position` (validated text).
    static func skipValue(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int {
        var position = position
        switch bytes[position] {
        case UInt8(ascii: "\""):
            return skipString(bytes, position)
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            var depth = 0
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") { position = skipString(bytes, position); continue }
                if byte == UInt8(ascii: "{") || byte == UInt8(ascii: "[") { depth += 1 }
                if byte == UInt8(ascii: "}") || byte == UInt8(ascii: "]") {
                    depth -= 1
                    if depth == 0 { return position + 1 }
                }
                position += 1
            }
            return position
        default:
            while position < bytes.count {
                switch bytes[position] {
                case UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D: return position
                default: position += 1
                }
            }
            return position
        }
    }

    /// The end of the string starting at `position` (after its closing quote).
    static func skipString(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> Int {
        var position = position + 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\\") { position += 2; continue }
            if byte == UInt8(ascii: "\"") { return position + 1 }
            position += 1
        }
        return position
    }

    /// Calls `body(keyStart, keyEnd, valueStart, valueEnd)` for each member of the object at `start` until it
    /// returns false, and then returns where to resume (pass it as `resumingAt`); `nil` when every member was seen.
    /// Key ranges include the quotes.
    @discardableResult
    static func forEachMember(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, resumingAt resume: Int? = nil,
                              _ body: (Int, Int, Int, Int) -> Bool) -> Int? {
        var position = skipWhitespace(bytes, resume ?? (start + 1))
        while position < bytes.count, bytes[position] != UInt8(ascii: "}") {
            if bytes[position] == UInt8(ascii: ",") { position = skipWhitespace(bytes, position + 1) }
            let keyStart = position
            let keyEnd = skipString(bytes, keyStart)
            position = skipWhitespace(bytes, keyEnd)
            position = skipWhitespace(bytes, position + 1)  // ':'
            let valueStart = position
            let valueEnd = skipValue(bytes, valueStart)
            position = skipWhitespace(bytes, valueEnd)
            if !body(keyStart, keyEnd, valueStart, valueEnd) { return position }
        }
        return nil
    }

    /// True when the key at `keyStart..<keyEnd` (quotes included) is `wanted`.
    static func keyEquals(_ bytes: UnsafeBufferPointer<UInt8>, _ keyStart: Int, _ keyEnd: Int, _ wanted: [UInt8]) -> Bool {
        let length = keyEnd - keyStart - 2
        var escaped = false
        for index in (keyStart + 1)..<(keyEnd - 1) where bytes[index] == UInt8(ascii: "\\") { escaped = true; break }
        if escaped { return Array(decodeString(bytes, start: keyStart, end: keyEnd).utf8) == wanted }
        guard length == wanted.count else { return false }
        for index in 0..<length where bytes[keyStart + 1 + index] != wanted[index] { return false }
        return true
    }

    /// The unescaped text of the string at `start..<end` (quotes included).
    static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> String {
        var output: [UInt8] = []
        decodeString(bytes, start: start, end: end) { chunk in output.append(contentsOf: chunk) }
        return String(decoding: output, as: UTF8.self)
    }

    /// Hands the unescaped bytes of the string at `start..<end` to `sink`, in chunks (for streaming output).
    static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, _ sink: (UnsafeBufferPointer<UInt8>) -> Void) {
        var runStart = start + 1
        var position = start + 1
        let last = end - 1
        var scratch: [UInt8] = []
        func flushRun() {
            if position > runStart { sink(UnsafeBufferPointer(rebasing: bytes[runStart..<position])) }
        }
        while position < last {
            guard bytes[position] == UInt8(ascii: "\\") else { position += 1; continue }
            flushRun()
            let escape = bytes[position + 1]
            position += 2
            scratch.removeAll(keepingCapacity: true)
            switch escape {
            case UInt8(ascii: "b"): scratch.append(0x08)
            case UInt8(ascii: "f"): scratch.append(0x0C)
            case UInt8(ascii: "n"): scratch.append(0x0A)
            case UInt8(ascii: "r"): scratch.append(0x0D)
            case UInt8(ascii: "t"): scratch.append(0x09)
            case UInt8(ascii: "u"):
                var code = hex4(bytes, position)
                position += 4
                if (0xD800...0xDBFF).contains(code) {
                    // A high surrogate must pair with a low one; a lone half becomes U+FFFD as jq does.
                    if position + 6 <= last, bytes[position] == UInt8(ascii: "\\"), bytes[position + 1] == UInt8(ascii: "u") {
                        let low = hex4(bytes, position + 2)
                        position += 6
                        if (0xDC00...0xDFFF).contains(low) {
                            code = 0x10000 + ((code - 0xD800) << 10) + (low - 0xDC00)
                        } else {
                            appendUTF8(0xFFFD, to: &scratch)
                            code = low
                        }
                    } else {
                        code = 0xFFFD
                    }
                }
                if (0xD800...0xDFFF).contains(code) { code = 0xFFFD }
                appendUTF8(code, to: &scratch)
            default: scratch.append(escape)  // \" \\ \/
            }
            scratch.withUnsafeBufferPointer(sink)
            runStart = position
        }
        flushRun()
    }

    static func hex4(_ bytes: UnsafeBufferPointer<UInt8>, _ position: Int) -> UInt32 {
        var value: UInt32 = 0
        for index in position..<(position + 4) {
            let byte = bytes[index]
            let digit: UInt8 = switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
            case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
            default: byte - UInt8(ascii: "A") + 10
            }
            value = value << 4 | UInt32(digit)
        }
        return value
    }

    static func appendUTF8(_ code: UInt32, to output: inout [UInt8]) {
        let scalar = Unicode.Scalar(code) ?? "\u{FFFD}"
        output.append(contentsOf: Array(String(Character(scalar)).utf8))
    }
}

/// Checks JSON text without building anything: the grammar ``JSONParser`` accepts, at most
/// ``JSONParser/maximumDepth`` levels deep.
struct JSONValidator {
    static let nestingReason = "nesting too deep"

    let bytes: UnsafeBufferPointer<UInt8>
    var position = 0

    init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

    func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

    mutating func skipWhitespace() { position = JSONScan.skipWhitespace(bytes, position) }

    mutating func value(depth: Int) throws(JSONParseError) {
        guard depth < JSONParser.maximumDepth else { throw fail(Self.nestingReason) }
        guard position < bytes.count else { throw fail("unexpected end of input") }
        switch bytes[position] {
        case UInt8(ascii: "{"):
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") { position += 1; return }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else { throw fail("expected a member name") }
                try string()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return }
                throw fail("expected ',' or '}'")
            }
        case UInt8(ascii: "["):
            position += 1
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") { position += 1; return }
            while true {
                skipWhitespace()
                try value(depth: depth + 1)
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return }
                throw fail("expected ',' or ']'")
            }
        case UInt8(ascii: "\""): try string()
        case UInt8(ascii: "t"): try literal("true")
        case UInt8(ascii: "f"): try literal("false")
        case UInt8(ascii: "n"): try literal("null")
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): try number()
        default: throw fail("unexpected character")
        }
    }

    mutating func literal(_ text: StaticString) throws(JSONParseError) {
        let count = text.utf8CodeUnitCount
        guard position + count <= bytes.count else { throw fail("unexpected end of input") }
        for index in 0..<count where bytes[position + index] != text.utf8Start[index] { throw fail("invalid literal") }
        position += count
    }

    func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }

    mutating func number() throws(JSONParseError) {
        if bytes[position] == UInt8(ascii: "-") { position += 1 }
        guard position < bytes.count else { throw fail("incomplete number") }
        if bytes[position] == UInt8(ascii: "0") {
            position += 1
        } else if isDigit(bytes[position]) {
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        } else {
            throw fail("invalid number")
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: ".") {
            position += 1
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid fraction") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
        if position < bytes.count, bytes[position] == UInt8(ascii: "e") || bytes[position] == UInt8(ascii: "E") {
            position += 1
            if position < bytes.count, bytes[position] == UInt8(ascii: "+") || bytes[position] == UInt8(ascii: "-") { position += 1 }
            guard position < bytes.count, isDigit(bytes[position]) else { throw fail("invalid exponent") }
            while position < bytes.count, isDigit(bytes[position]) { position += 1 }
        }
    }

    mutating func string() throws(JSONParseError) {
        position += 1
        while position < bytes.count {
            let byte = bytes[position]
            if byte == UInt8(ascii: "\"") { position += 1; return }
            if byte < 0x20 { throw fail("control character in string") }
            if byte == UInt8(ascii: "\\") {
                position += 1
                guard position < bytes.count else { break }
                switch bytes[position] {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                     UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                    position += 1
                case UInt8(ascii: "u"):
                    position += 1
                    guard position + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
                    for index in position..<(position + 4) {
                        switch bytes[index] {
                        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"),
                             UInt8(ascii: "A")...UInt8(ascii: "F"): continue
                        default: throw fail("invalid \\u escape")
                        }
                    }
                    position += 4
                default:
                    throw fail("invalid escape")
                }
                continue
            }
            position += 1
        }
        throw fail("unterminated string")
    }
}
