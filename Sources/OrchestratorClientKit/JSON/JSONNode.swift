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

    /// Hands the text of a string value to `body` in pieces of at most 64 KiB, which joined are ``stringValue``:
    /// a long string is printed or shortened without a copy of its whole text. Does nothing for other values.
    package func forEachTextPiece(_ body: (String) -> Void) {
        guard kind == .string else { return }
        bytes.withUnsafeBufferPointer { JSONScan.forEachPiece($0, start: start, end: end) { body($0); return true } }
    }

    /// Whether a string value holds more than whitespace (``ValueSource/isEmptyValue(_:)`` is false); false for
    /// other values. Decided from the first piece of the text when its first character ends inside it (a long
    /// name is not copied to be checked), else from the whole text.
    package var holdsNonEmptyText: Bool {
        guard kind == .string else { return false }
        var first: String?
        bytes.withUnsafeBufferPointer { JSONScan.forEachPiece($0, start: start, end: end) { first = $0; return false } }
        guard let first else { return false }
        if let character = first.first, !character.isWhitespace, first.dropFirst().first != nil { return true }
        return stringValue.map { !ValueSource.isEmptyValue($0) } ?? false
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
