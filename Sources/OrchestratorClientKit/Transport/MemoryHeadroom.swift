#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Whether the process can still get `bytes` of memory. Swift stops the process (a trap, a stack trace) when
/// an allocation fails, so a large answer under a memory limit (`ulimit -v`) is checked first and refused in one
/// line instead. The probe is only reserved, never touched: without a limit it costs nothing.
package enum MemoryHeadroom {
    /// Memory a decoded answer can need per byte of JSON: values, their texts, and the printed output.
    package static let bytesPerAnswerByte = 6

    package static func available(_ bytes: Int) -> Bool {
        guard bytes > 1 << 20 else { return true }
        // mmap, not malloc: an optimiser may remove a malloc whose memory is never used (the release build did, and
        // the check always passed); a system call stays. Reserved, never touched: no page is committed.
        let probe = mmap(nil, bytes, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
        guard let probe, probe != MAP_FAILED else { return false }
        munmap(probe, bytes)
        return true
    }
}
