#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Member names seen so far in one document, by hash of their bytes (open addressing, bounded size).
private struct KeyTable {
    private struct Entry {
        let hash: UInt32
        let start: Int
        let count: Int
        let key: String
    }

    private static let capacity = 1024
    private var slots = [Entry?](repeating: nil, count: KeyTable.capacity)

    /// The shared `String` for the name at `base[start..<start + count]`, decoded on first sight.
    mutating func intern(hash: UInt32, start: Int, count: Int, in base: UnsafePointer<UInt8>) -> String {
        var slot = Int(hash) & (Self.capacity - 1)
        for _ in 0..<8 {
            guard let entry = slots[slot] else {
                let key = String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
                slots[slot] = Entry(hash: hash, start: start, count: count, key: key)
                return key
            }
            if entry.hash == hash, entry.count == count, memcmp(base + entry.start, base + start, count) == 0 {
                return entry.key
            }
            slot = (slot + 1) & (Self.capacity - 1)
        }
        // A crowded neighbourhood (hostile input): decode without remembering.
        return String(decoding: UnsafeBufferPointer(start: base + start, count: count), as: UTF8.self)
    }
}

/// Why a body could not be read as JSON.
package struct JSONParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// Byte offset of the problem.
    package let offset: Int
    /// What was wrong there.
    package let reason: String

    /// The problem and where it is.
    package var description: String { "invalid JSON at byte \(offset): \(reason)" }
}

/// A strict RFC 8259 parser over UTF-8 bytes.
///
/// Written here rather than taken from Foundation because member order and number text must survive: the `api` command and
/// JSON output print the answer back, and `JSONSerialization`/`JSONDecoder` lose both (they also cost start-up).
package enum JSONParser {
    /// Nesting deeper than this is refused rather than risking the stack on hostile input.
    static let maximumDepth = 512

    /// Parses one JSON document; surrounding whitespace is allowed, anything else is an error.
    package static func parse(_ bytes: [UInt8]) throws(JSONParseError) -> JSONValue {
        try bytes.withUnsafeBufferPointer { buffer throws(JSONParseError) in
            var reader = Reader(bytes: buffer)
            reader.skipWhitespace()
            let value = try reader.parseValue(depth: 0)
            reader.skipWhitespace()
            if reader.position != buffer.count {
                throw JSONParseError(offset: reader.position, reason: "unexpected data after the value")
            }
            return value
        }
    }

    /// Parses a JSON document given as text.
    package static func parse(_ text: String) throws(JSONParseError) -> JSONValue {
        try parse(Array(text.utf8))
    }

    private struct Reader {
        let bytes: UnsafeBufferPointer<UInt8>
        var position = 0
        var keys = KeyTable()

        init(bytes: UnsafeBufferPointer<UInt8>) { self.bytes = bytes }

        func fail(_ reason: String) -> JSONParseError { JSONParseError(offset: position, reason: reason) }

        mutating func skipWhitespace() {
            while position < bytes.count {
                switch bytes[position] {
                case 0x20, 0x09, 0x0A, 0x0D: position += 1
                default: return
                }
            }
        }

        mutating func parseValue(depth: Int) throws(JSONParseError) -> JSONValue {
            guard depth < JSONParser.maximumDepth else { throw fail("nesting too deep") }
            guard position < bytes.count else { throw fail("unexpected end of input") }
            switch bytes[position] {
            case UInt8(ascii: "{"): return try parseObject(depth: depth)
            case UInt8(ascii: "["): return try parseArray(depth: depth)
            case UInt8(ascii: "\""): return .string(try parseString())
            case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
            case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
            case UInt8(ascii: "n"): try expectLiteral("null"); return .null
            case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
            default: throw fail("unexpected character")
            }
        }

        mutating func expectLiteral(_ literal: StaticString) throws(JSONParseError) {
            let count = literal.utf8CodeUnitCount
            guard position + count <= bytes.count else { throw fail("unexpected end of input") }
            let start = literal.utf8Start
            for index in 0..<count where bytes[position + index] != start[index] {
                throw fail("invalid literal")
            }
            position += count
        }

        mutating func parseObject(depth: Int) throws(JSONParseError) -> JSONValue {
            position += 1
            var members: [(key: String, value: JSONValue)] = []
            var positions: [String: Int] = [:]
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "}") {
                position += 1
                return .object(members)
            }
            while true {
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: "\"") else {
                    throw fail("expected a member name")
                }
                let key = try parseKey()
                skipWhitespace()
                guard position < bytes.count, bytes[position] == UInt8(ascii: ":") else { throw fail("expected ':'") }
                position += 1
                skipWhitespace()
                let value = try parseValue(depth: depth + 1)
                // A name sent twice: the last value counts, where the name first occurred, as in jq (and so in the
                // bash client). A table of positions only for objects large enough for a linear search to cost.
                if members.count < 16 {
                    if let existing = members.firstIndex(where: { $0.key == key }) {
                        members[existing].value = value
                    } else {
                        members.append((key, value))
                    }
                } else {
                    if positions.isEmpty {
                        for (index, member) in members.enumerated() where positions[member.key] == nil { positions[member.key] = index }
                    }
                    if let existing = positions[key] {
                        members[existing].value = value
                    } else {
                        positions[key] = members.count
                        members.append((key, value))
                    }
                }
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "}") { position += 1; return .object(members) }
                throw fail("expected ',' or '}'")
            }
        }

        mutating func parseArray(depth: Int) throws(JSONParseError) -> JSONValue {
            position += 1
            var items: [JSONValue] = []
            skipWhitespace()
            if position < bytes.count, bytes[position] == UInt8(ascii: "]") {
                position += 1
                return .array(items)
            }
            while true {
                skipWhitespace()
                items.append(try parseValue(depth: depth + 1))
                skipWhitespace()
                guard position < bytes.count else { throw fail("unexpected end of input") }
                if bytes[position] == UInt8(ascii: ",") { position += 1; continue }
                if bytes[position] == UInt8(ascii: "]") { position += 1; return .array(items) }
                throw fail("expected ',' or ']'")
            }
        }

        /// A member name. Lists of instances repeat the same ~90 names thousands of times: each distinct name
        /// without escapes is decoded once and its `String` shared, saving an allocation and a UTF-8 validation
        /// per member.
        mutating func parseKey() throws(JSONParseError) -> String {
            let start = position + 1
            var end = start
            var hash: UInt32 = 2_166_136_261
            while end < bytes.count {
                let byte = bytes[end]
                if byte == UInt8(ascii: "\"") { break }
                if byte == UInt8(ascii: "\\") || byte < 0x20 { return try parseString() }
                hash = (hash ^ UInt32(byte)) &* 16_777_619
                end += 1
            }
            guard end < bytes.count, let base = bytes.baseAddress else { return try parseString() }
            let key = keys.intern(hash: hash, start: start, count: end - start, in: base)
            position = end + 1
            return key
        }

        mutating func parseNumber() throws(JSONParseError) -> String {
            let start = position
            // One grammar for numbers: the validator's (JSONDocument checks answers with it).
            var validator = JSONValidator(bytes: bytes)
            validator.position = position
            try validator.number()
            position = validator.position
            return String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
        }

        mutating func parseString() throws(JSONParseError) -> String {
            position += 1
            let start = position
            // Fast path: most strings hold no escapes and can be decoded straight from the buffer.
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    let text = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<position]), as: UTF8.self)
                    position += 1
                    return text
                }
                if byte == UInt8(ascii: "\\") { break }
                if byte < 0x20 { throw fail("control character in string") }
                position += 1
            }
            var scalars = Array(bytes[start..<position])
            while position < bytes.count {
                let byte = bytes[position]
                if byte == UInt8(ascii: "\"") {
                    position += 1
                    return String(decoding: scalars, as: UTF8.self)
                }
                if byte < 0x20 { throw fail("control character in string") }
                if byte != UInt8(ascii: "\\") {
                    scalars.append(byte)
                    position += 1
                    continue
                }
                position += 1
                guard position < bytes.count else { break }
                let escape = bytes[position]
                position += 1
                if let byte = JSONEscape.byte(escaped: escape) {
                    scalars.append(byte)
                    continue
                }
                guard escape == UInt8(ascii: "u") else {
                    position -= 1
                    throw fail("invalid escape")
                }
                let code = try parseHex4()
                var low: UInt32?
                if JSONEscape.isHighSurrogate(code), position + 1 < bytes.count, bytes[position] == UInt8(ascii: "\\"),
                   bytes[position + 1] == UInt8(ascii: "u") {
                    position += 2
                    low = try parseHex4()
                }
                JSONEscape.append(code, low: low, to: &scalars)
            }
            throw fail("unterminated string")
        }

        mutating func parseHex4() throws(JSONParseError) -> UInt32 {
            guard position + 4 <= bytes.count else { throw fail("incomplete \\u escape") }
            var value: UInt32 = 0
            for _ in 0..<4 {
                let byte = bytes[position]
                let digit: UInt8
                switch byte {
                case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = byte - UInt8(ascii: "0")
                case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = byte - UInt8(ascii: "a") + 10
                case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = byte - UInt8(ascii: "A") + 10
                default: throw fail("invalid \\u escape")
                }
                value = value << 4 | UInt32(digit)
                position += 1
            }
            return value
        }

    }
}
