/// Percent-encoding of values placed in an API URL: each value is encoded exactly once, byte for byte,
/// with nothing appended (the bash client appended `%0A` to every value it encoded).
public enum PercentEncoding {
    /// Encodes one path segment. Keeps RFC 3986 unreserved characters, the sub-delimiters `jq`'s `@uri`
    /// keeps (`!*'()`), and `:`, which instance keys and cluster names contain.
    public static func pathSegment(_ value: String) -> String {
        encode(value, keeping: { isUnreserved($0) || $0 == UInt8(ascii: ":") })
    }

    /// Encodes one query value: everything but the unreserved characters, so `=`, `&`, `,` and `:` inside
    /// a value can never be read as query syntax.
    public static func queryValue(_ value: String) -> String {
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

    private static let hexDigits = Array("0123456789ABCDEF".utf8)

    private static func encode(_ value: String, keeping keep: (UInt8) -> Bool) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 {
            if keep(byte) {
                bytes.append(byte)
            } else {
                bytes.append(UInt8(ascii: "%"))
                bytes.append(hexDigits[Int(byte >> 4)])
                bytes.append(hexDigits[Int(byte & 0x0F)])
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
