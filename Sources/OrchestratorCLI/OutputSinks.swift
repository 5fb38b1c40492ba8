import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Standard output kept in memory (tests, the in-process tool).
package final class MemorySink: ByteSink {
    package private(set) var bytes: [UInt8] = []

    package init() {}

    package func write(_ bytes: UnsafeBufferPointer<UInt8>) { self.bytes.append(contentsOf: bytes) }

    /// What was written, as text.
    package var text: String { String(decoding: bytes, as: UTF8.self) }
}

/// Standard output of the process: written in 64 KiB pieces as it is produced, so a large answer is never held
/// twice, and every failed write remembered (a full disk, a closed descriptor), so that it can end the run with an
/// error instead of a silent success. SIGPIPE keeps its usual effect.
///
/// On a terminal, what the server sent cannot drive it: control characters other than line feed and tab, and the
/// marks that reorder or hide text, are shown escaped (`\u{1B}`) as in messages on stderr (``TerminalEscaper``).
/// Into a pipe or a file the bytes go as they came, as the bash client wrote them.
package final class DescriptorSink: ByteSink {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    private let escaper: TerminalEscaper?
    /// The `errno` of the first failed write; nothing more is written after it.
    package private(set) var failure: Int32?

    /// A sink writing to `descriptor`; `escapingControls` says whether to escape for a terminal (by default:
    /// whether the descriptor is one).
    package init(descriptor: Int32, escapingControls: Bool? = nil) {
        self.descriptor = descriptor
        escaper = (escapingControls ?? (isatty(descriptor) == 1)) ? TerminalEscaper() : nil
        buffer.reserveCapacity(1 << 16)
    }

    package func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        if let escaper { escaper.escape(bytes) { store($0) } } else { store(bytes) }
    }

    private func store(_ bytes: UnsafeBufferPointer<UInt8>) {
        if buffer.count + bytes.count > 1 << 16 { drain() }
        if bytes.count >= 1 << 16 { writeAll(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    /// Writes what is buffered (on a terminal, a character cut short at the end as U+FFFD).
    package func flush() {
        escaper?.finish { store($0) }
        drain()
    }

    private func drain() {
        guard !buffer.isEmpty else { return }
        buffer.withUnsafeBufferPointer { writeAll($0) }
        buffer.removeAll(keepingCapacity: true)
    }

    private func writeAll(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil, let base = bytes.baseAddress else { return }
        var offset = 0
        while offset < bytes.count {
            let written = systemWrite(descriptor, base + offset, bytes.count - offset)
            if written > 0 { offset += written; continue }
            if written < 0 && errno == EINTR { continue }
            failure = written < 0 ? errno : EIO
            return
        }
    }
}

/// `--quiet`: nothing is printed on success.
final class DiscardSink: ByteSink {
    func write(_ bytes: UnsafeBufferPointer<UInt8>) {}
}

/// write(2), named apart from the sinks' own `write` methods.
private func systemWrite(_ descriptor: Int32, _ bytes: UnsafeRawPointer, _ count: Int) -> Int {
    write(descriptor, bytes, count)
}

/// Turns UTF-8 into what a terminal shows but does not obey: each scalar that messages escape
/// (``OrchestratorError/isEscapedInMessages(_:)``: C0 controls, DEL, C1 controls, the marks that reorder or hide
/// text), line feed and tab excepted, becomes its Swift escape (`\u{1B}`), and bytes that are not UTF-8 become
/// U+FFFD. A character cut between two writes is completed by the next one.
final class TerminalEscaper {
    /// The start of a character that the last write cut short.
    private var pending: [UInt8] = []

    /// Hands the escaped form of `input` to `emit`, in pieces.
    func escape(_ input: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !pending.isEmpty else { return escapeWhole(input, emit) }
        let joined = pending + Array(input)
        pending.removeAll()
        joined.withUnsafeBufferPointer { escapeWhole($0, emit) }
    }

    /// Shows a character still cut short at the end of the output as U+FFFD.
    func finish(_ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        guard !pending.isEmpty else { return }
        pending.removeAll()
        Self.replacement.withUnsafeBufferPointer(emit)
    }

    private static let replacement: [UInt8] = [0xEF, 0xBF, 0xBD]

    private func escapeWhole(_ bytes: UnsafeBufferPointer<UInt8>, _ emit: (UnsafeBufferPointer<UInt8>) -> Void) {
        var runStart = 0
        var index = 0
        func replace(_ length: Int, with text: [UInt8]) {
            if index > runStart { emit(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
            text.withUnsafeBufferPointer(emit)
            index += length
            runStart = index
        }
        while index < bytes.count {
            let lead = bytes[index]
            if lead < 0x80 {
                if lead != 0x0A && lead != 0x09 && OrchestratorError.isEscapedInMessages(Unicode.Scalar(lead)) {
                    replace(1, with: Array(Unicode.Scalar(lead).escaped(asASCII: true).utf8))
                } else {
                    index += 1
                }
                continue
            }
            let length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2
            if index + length > bytes.count, Self.continues(bytes, from: index + 1, to: bytes.count) {
                // Cut short: the next write brings the rest.
                if index > runStart { emit(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
                pending = Array(bytes[index...])
                return
            }
            guard let scalar = Self.decode(bytes, at: index, length: length) else {
                replace(1, with: Self.replacement)
                continue
            }
            if OrchestratorError.isEscapedInMessages(scalar) {
                replace(length, with: Array(scalar.escaped(asASCII: true).utf8))
            } else {
                index += length
            }
        }
        if index > runStart { emit(UnsafeBufferPointer(rebasing: bytes[runStart..<index])) }
    }

    /// Whether every byte in `start..<end` is a continuation byte.
    private static func continues(_ bytes: UnsafeBufferPointer<UInt8>, from start: Int, to end: Int) -> Bool {
        (start..<end).allSatisfy { bytes[$0] & 0xC0 == 0x80 }
    }

    /// The scalar of the `length`-byte sequence at `index`, or `nil` when it is not well-formed UTF-8 (a stray
    /// continuation byte, an overlong form, a surrogate, past U+10FFFF).
    private static func decode(_ bytes: UnsafeBufferPointer<UInt8>, at index: Int, length: Int) -> Unicode.Scalar? {
        let lead = bytes[index]
        guard lead >= 0xC2, lead <= 0xF4, index + length <= bytes.count,
              continues(bytes, from: index + 1, to: index + length) else { return nil }
        var value = UInt32(lead) & (length == 2 ? 0x1F : length == 3 ? 0x0F : 0x07)
        for offset in 1..<length { value = value << 6 | UInt32(bytes[index + offset] & 0x3F) }
        let smallest: UInt32 = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000
        guard value >= smallest else { return nil }
        return Unicode.Scalar(value)
    }
}
