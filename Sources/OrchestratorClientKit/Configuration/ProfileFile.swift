/// Reads `/etc/profile.d/orchestrator-client.sh` the way a shell would for simple assignments, without
/// executing anything: `export NAME=value`, `NAME="value"`, `NAME='value'`. Lines it does not understand
/// are skipped. `$(hostname)` and its backquoted form (optionally `-f`, optionally followed by `:port`) stand for
/// this machine's name, because the bash client's documentation tells operators to write exactly that.
package enum ProfileFile {
    /// The file the bash client sources.
    package static let defaultPath = "/etc/profile.d/orchestrator-client.sh"

    /// Assignments found in the file at `path`; empty when the file does not exist or cannot be read.
    package static func load(path: String) -> [String: String] {
        guard let text = readTextFile(path) else { return [:] }
        return parse(text)
    }

    /// Assignments found in `text`.
    package static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for rawLine in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            var line = rawLine.drop(while: { $0 == " " || $0 == "\t" })
            if line.hasPrefix("#") || line.isEmpty { continue }
            if line.hasPrefix("export ") { line = line.dropFirst(7).drop(while: { $0 == " " }) }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let name = line[..<equals]
            guard let first = name.first, first == "_" || first.isLetter,
                  name.allSatisfy({ $0 == "_" || ($0.isASCII && ($0.isLetter || $0.isNumber)) }) else { continue }
            if let value = parseValue(line[line.index(after: equals)...]) {
                result[String(name)] = value
            }
        }
        return result
    }

    static func parseValue(_ raw: Substring) -> String? {
        var text = raw
        // Strip a trailing comment only when unquoted text is followed by " #".
        if let first = text.first, first == "\"" || first == "'" {
            guard let close = text.dropFirst().firstIndex(of: first) else { return nil }
            let inner = text[text.index(after: text.startIndex)..<close]
            let trailing = text[text.index(after: close)...].trimmingSpaces()
            guard trailing.isEmpty || trailing.hasPrefix("#") else { return nil }
            if first == "'" { return String(inner) }
            return substituteHostname(inner)
        }
        if let hash = text.firstRange(of: " #") { text = text[..<hash.lowerBound] }
        text = text.trimmingSpaces()
        if text.contains(" ") || text.contains(";") || text.contains("|") || text.contains("&") { return nil }
        return substituteHostname(text)
    }

    /// Replaces `` `hostname` `` / `$(hostname)` / `$(hostname -f)`; refuses any other substitution or variable.
    static func substituteHostname(_ text: Substring) -> String? {
        let forms = ["`hostname -f`", "`hostname`", "$(hostname -f)", "$(hostname)"]
        var value = String(text)
        for form in forms where value.contains(form) {
            guard let name = HostIdentity.fullyQualifiedName() else { return nil }
            value = value.replacing(form, with: name)
        }
        if value.contains("$") || value.contains("`") { return nil }
        return value
    }

    static func readTextFile(_ path: String) -> String? {
        guard let file = fopen(path, "r") else { return nil }
        defer { fclose(file) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = fread(&buffer, 1, buffer.count, file)
            if count <= 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
            if bytes.count > 1 << 20 { return nil }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    func trimmingSpaces() -> Substring {
        var text = self
        while let first = text.first, first == " " || first == "\t" { text = text.dropFirst() }
        while let last = text.last, last == " " || last == "\t" { text = text.dropLast() }
        return text
    }
}
