import Testing
@testable import OrchestratorClientKit

/// Before an answer is parsed, the client asks whether the process can get the memory parsing it takes, so that a
/// limited process (`ulimit -v`) fails in one line instead of crashing.
@Suite("Memory headroom")
struct MemoryHeadroomTests {
    @Test("the memory probe answers no for what the process cannot get")
    func memoryProbe() {
        #expect(MemoryHeadroom.available(1 << 20))
        #expect(!MemoryHeadroom.available(1 << 52))
    }
}
