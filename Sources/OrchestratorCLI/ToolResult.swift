import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// What an invocation printed and how it ended.
package struct ToolResult: Sendable, Equatable {
    /// The exit status (see ``ExitStatus``).
    package var exitStatus: Int32
    /// Text for standard output.
    package var standardOutput: String
    /// Text for standard error.
    package var standardError: String

    /// A result with the given status and texts.
    package init(exitStatus: Int32, standardOutput: String = "", standardError: String = "") {
        self.exitStatus = exitStatus
        self.standardOutput = standardOutput
        self.standardError = standardError
    }

    static func writeAll(_ text: String, to descriptor: Int32) {
        var text = text
        text.withUTF8 { buffer in
            var offset = 0
            while offset < buffer.count {
                let written = write(descriptor, buffer.baseAddress! + offset, buffer.count - offset)
                if written > 0 { offset += written } else if errno != EINTR { return }
            }
        }
    }
}

