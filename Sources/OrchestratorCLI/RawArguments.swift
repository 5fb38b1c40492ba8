import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

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
                let previous = index > 1 ? argv[index - 1].map { String(cString: $0) } : nil
                let flag = previous.flatMap { $0.hasPrefix("-") ? $0 : nil }.map { String($0.prefix { $0 != "=" }) }
                let after = flag.map { " (after \(TerminalText.value($0, limit: 40)))" } ?? ""
                // The bytes are shown, escaped, unless the argument may hold a secret: a value of -b, -U or -e (or
                // attached to one), or anything that looks like a URL with credentials.
                let own = String(decoding: bytes, as: UTF8.self)
                let secret = [flag ?? "", own].contains { mayHoldSecret($0) } || own.contains("@")
                let shown = secret ? "" : " \"" + bytes.prefix(120).map { $0 < 0x80 && $0 >= 0x20 ? String(UnicodeScalar($0)) : "\\x" + String($0, radix: 16) }.joined() + "\""
                throw .usage("argument \(index)\(shown)\(after) is not valid UTF-8 text, so it cannot be sent "
                             + "faithfully; give it in UTF-8")
            }
            arguments.append(text)
        }
        return arguments
    }

    /// Whether `argument` is (or starts with) a flag whose value may be a secret (``FlagSpec/holdsSecret``: `-b`,
    /// `-U` for a URL with credentials, `-e`, `--password-file`), in any spelling.
    static func mayHoldSecret(_ argument: String) -> Bool {
        guard argument.hasPrefix("-") else { return false }
        let name = argument.drop { $0 == "-" }.prefix { $0 != "=" }
        let secret = FlagTable.all.filter(\.holdsSecret)
        if secret.contains(where: { $0.names.contains(String(name)) }) { return true }
        // Single-letter forms, value attached or not: -b, -bu:pass, -U, -e.
        return !argument.hasPrefix("--") && secret.contains { $0.letter != nil && $0.letter == name.first }
    }
}
