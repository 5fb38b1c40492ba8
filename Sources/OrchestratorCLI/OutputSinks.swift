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
package final class DescriptorSink: ByteSink {
    let descriptor: Int32
    private var buffer: [UInt8] = []
    /// The `errno` of the first failed write; nothing more is written after it.
    package private(set) var failure: Int32?

    package init(descriptor: Int32) {
        self.descriptor = descriptor
        buffer.reserveCapacity(1 << 16)
    }

    package func write(_ bytes: UnsafeBufferPointer<UInt8>) {
        guard failure == nil else { return }
        if buffer.count + bytes.count > 1 << 16 { flush() }
        if bytes.count >= 1 << 16 { writeAll(bytes); return }
        buffer.append(contentsOf: bytes)
    }

    /// Writes what is buffered.
    package func flush() {
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
