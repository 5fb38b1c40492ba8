import FileGenerators
import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

// Development tool (`make generate`): writes completions/, man/ and the library's generated methods below the
// directory given (default: here).
func fail(_ message: String, status: Int32) -> Never {
    _ = message.utf8CString.withUnsafeBufferPointer { write(2, $0.baseAddress, $0.count - 1) }
    exit(status)
}

let arguments = CommandLine.arguments.dropFirst()
guard arguments.count <= 1, arguments.first?.hasPrefix("-") != true else {
    fail("usage: generate-files [DIRECTORY]   (writes completions/, man/ and the generated Swift methods from the command and flag tables)\n", status: 2)
}
do {
    for path in try GeneratedFiles.write(to: arguments.first ?? ".") { print(path) }
} catch {
    // A directory that cannot be written is bad input, as for the client: exit 2.
    fail("generate-files: \(error)\n", status: 2)
}
