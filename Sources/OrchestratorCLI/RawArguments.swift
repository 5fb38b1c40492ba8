import OrchestratorClientKit

extension CommandLineTool {
    /// The process's own argument bytes as text: an argument that is not valid UTF-8 (`-o $'j\xfcrgen'`) is refused
    /// (exit 2, nothing sent) instead of being sent with U+FFFD in place of its bytes, which is what
    /// `CommandLine.arguments` would give.
    static func validatedArguments(argc: Int32, argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>) throws(OrchestratorError) -> [String] {
        var arguments: [String] = []
        for index in 1..<max(1, Int(argc)) {
            guard let pointer = argv[index] else { continue }
            let bytes = UnsafeRawBufferPointer(start: pointer, count: strlen(pointer))
            guard let text = String(validating: bytes, as: UTF8.self) else {
                let shown = bytes.prefix(120).map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined()
                let previous = index > 1 ? argv[index - 1].map { String(cString: $0) } : nil
                let after = previous.map { " (after \(TerminalText.value($0, limit: 60)))" } ?? ""
                throw .usage("argument \(index) \"\(shown)\"\(after) is not valid UTF-8 text, so it cannot be sent "
                             + "faithfully; give it in UTF-8")
            }
            arguments.append(text)
        }
        return arguments
    }
}
