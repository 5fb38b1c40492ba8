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
