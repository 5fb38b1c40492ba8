/// The one percent codec of the client. Values placed in an API URL are encoded exactly once, byte for byte,
/// with nothing appended (the bash client appended `%0A` to every value it encoded).
package enum PercentEncoding {
    /// Encodes one path segment. Keeps RFC 3986 unreserved characters, the sub-delimiters `jq`'s `@uri`
    /// keeps (`!*'()`), and `:`, which instance keys and cluster names contain.
    package static func pathSegment(_ value: String) -> String {
        encode(value, keeping: { isUnreserved($0) || $0 == UInt8(ascii: ":") })
    }

    /// Encodes one query value: everything but the unreserved characters, so `=`, `&`, `,` and `:` inside
    /// a value can never be read as query syntax.
    package static func queryValue(_ value: String) -> String {
        encode(value, keeping: isUnreserved)
    }

    private static func isUnreserved(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
             UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        case UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."), UInt8(ascii: "~"),
             UInt8(ascii: "!"), UInt8(ascii: "*"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"):
            return true
        default:
            return false
        }
    }

    /// A path as a user writes it: `%XX` escapes are kept as they are, `/`, `?`, `&`, `=` and the other
    /// characters of the URL alphabet keep their meaning, any other byte is encoded.
    static func userPath(_ text: Substring) -> String {
        encode(text.utf8, keeping: isURLCharacter, keepingEscapes: true)
    }

    /// Decodes `%XX` escapes; a `%` not followed by two hex digits stays as it is.
    static func decode(_ text: Substring) -> String {
        var bytes: [UInt8] = []
        var rest = Array(text.utf8)[...]
        while let byte = rest.popFirst() {
            if byte == UInt8(ascii: "%"), rest.count >= 2, isHexDigit(rest[rest.startIndex]),
               isHexDigit(rest[rest.startIndex + 1]) {
                bytes.append(hexValue(rest[rest.startIndex]) << 4 | hexValue(rest[rest.startIndex + 1]))
                rest = rest.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    private static func isURLCharacter(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            return true
        default:
            return "-._~!*'()/?&=:@,;+$".utf8.contains(byte)
        }
    }

    static func isHexDigit(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "a")...UInt8(ascii: "f"), UInt8(ascii: "A")...UInt8(ascii: "F"):
            return true
        default:
            return false
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8 {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        default: byte - UInt8(ascii: "A") + 10
        }
    }

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func encode(_ value: String, keeping keep: (UInt8) -> Bool) -> String {
        encode(value.utf8, keeping: keep, keepingEscapes: false)
    }

    private static func encode<Bytes: Collection<UInt8>>(_ utf8: Bytes, keeping keep: (UInt8) -> Bool,
                                                         keepingEscapes: Bool) -> String {
        let input = Array(utf8)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(input.count)
        var index = 0
        while index < input.count {
            let byte = input[index]
            if keepingEscapes, byte == UInt8(ascii: "%"), index + 2 < input.count,
               isHexDigit(input[index + 1]), isHexDigit(input[index + 2]) {
                bytes.append(contentsOf: input[index...(index + 2)])
                index += 3
                continue
            }
            if keep(byte) && byte != UInt8(ascii: "%") {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
            index += 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
