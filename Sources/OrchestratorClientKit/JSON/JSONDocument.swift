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
