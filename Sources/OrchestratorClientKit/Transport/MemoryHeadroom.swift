/// Whether the process can still get `bytes` of memory. Swift stops the process (exit 134, a stack trace) when
/// an allocation fails, so a large answer under a memory limit (`ulimit -v`) is checked first and refused in one
/// line instead. The probe is only reserved, never touched: without a limit it costs nothing.
package enum MemoryHeadroom {
    /// Memory a decoded answer can need per byte of JSON: values, their texts, and the printed output.
    package static let bytesPerAnswerByte = 6

    package static func available(_ bytes: Int) -> Bool {
        guard bytes > 1 << 20 else { return true }
        guard let probe = malloc(bytes) else { return false }
        free(probe)
        return true
    }
}
