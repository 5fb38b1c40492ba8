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

    /// The unescaped text of the string at `start..<end` (quotes included); invalid UTF-8 becomes U+FFFD.
    static func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int) -> String {
        // Written straight into the string's storage: a 40 MB string costs 40 MB, not a growing buffer and a copy.
        // The text is never longer than its escaped form (an escape of n bytes stands for at most n - 2 bytes).
        let capacity = max(end - start - 2, 0)
        if #available(macOS 11, iOS 14, tvOS 14, watchOS 7, *) {
            return String(unsafeUninitializedCapacity: capacity) { storage in
                var count = 0
                decodeString(bytes, start: start, end: end) { chunk in
                    _ = UnsafeMutableBufferPointer(rebasing: storage[count..<(count + chunk.count)]).initialize(from: chunk)
                    count += chunk.count
                }
                return count
            }
        }
        var output: [UInt8] = []
        output.reserveCapacity(capacity)
        decodeString(bytes, start: start, end: end) { chunk in output.append(contentsOf: chunk) }
        return String(decoding: output, as: UTF8.self)
    }

    /// The bytes of a piece of decoded text, at most this many, before it is handed on.
    static let pieceSize = 1 << 16

    /// Hands the unescaped text of the string at `start..<end` to `body` in pieces of about ``pieceSize`` bytes,
    /// which joined are ``decodeString(_:start:end:)``'s text: printing or shortening a long string costs a piece,
    /// never the whole text. A piece ends only before a byte that cannot continue a UTF-8 sequence, so invalid
    /// UTF-8 becomes the same U+FFFD in pieces as in the whole. Stops when `body` returns false.
    static func forEachPiece(_ bytes: UnsafeBufferPointer<UInt8>, start: Int, end: Int, _ body: (String) -> Bool) {
        var going = true
        var pending: [UInt8] = []
        pending.reserveCapacity(pieceSize + 8)
        func handOn(all: Bool) {
            var cut = pending.count
            if !all, pending[cut - 1] >= 0x80 {
                // Keep the last sequence, which may go on in the next chunk. After 4 continuation bytes in a row,
                // none can belong to a sequence: cutting there changes nothing.
                var index = cut - 1
                while index > cut - 4, isContinuation(pending[index]) { index -= 1 }
                if !isContinuation(pending[index]) { cut = index }
            }
            guard going, cut > 0 else { return }
            going = body(String(decoding: pending[..<cut], as: UTF8.self))
            pending.removeFirst(cut)
        }
        decodeString(bytes, start: start, end: end) { chunk in
            guard going else { return }
            var offset = 0
            while going, offset < chunk.count {
                let taken = min(chunk.count - offset, pieceSize - pending.count)
                pending.append(contentsOf: UnsafeBufferPointer(rebasing: chunk[offset..<(offset + taken)]))
                offset += taken
                if pending.count >= pieceSize { handOn(all: false) }
            }
        }
        handOn(all: true)
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
            if escape == UInt8(ascii: "u") {
                let code = hex4(bytes, position)
                position += 4
                var low: UInt32?
                if JSONEscape.isHighSurrogate(code), position + 6 <= last, bytes[position] == UInt8(ascii: "\\"),
                   bytes[position + 1] == UInt8(ascii: "u") {
                    low = hex4(bytes, position + 2)
                    position += 6
                }
                JSONEscape.append(code, low: low, to: &scratch)
            } else {
                scratch.append(JSONEscape.byte(escaped: escape) ?? escape)  // validated already
            }
            scratch.withUnsafeBufferPointer(sink)
            runStart = position
        }
        flushRun()
    }

    static func isContinuation(_ byte: UInt8) -> Bool { (0x80...0xBF).contains(byte) }

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
}
