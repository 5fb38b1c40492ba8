import OrchestratorClientKit

extension CommandLineTool {
    /// Runs with the process's own argument bytes: an argument that is not valid UTF-8 (`-o $'j\xfcrgen'`) is
    /// refused (exit 2, nothing sent) instead of being sent with U+FFFD in place of its bytes, which is what
    /// `CommandLine.arguments` would give.
    package func run(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) -> ToolResult {
        var arguments: [String] = []
        for index in 1..<max(1, Int(argc)) {
            guard let pointer = argv[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let shown = bytes.map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
                let previous = index > 1 ? argv[index - 1].map { String(cString: $0) } : nil
                let after = previous.map { " (after \($0))" } ?? ""
                return Self.failure(.usage("argument \(index) \"\(shown)\"\(after) is not valid UTF-8 text, so it cannot be sent "
                                           + "faithfully; give it in UTF-8"))
            }
            arguments.append(text)
        }
        return run(arguments)
    }
}
