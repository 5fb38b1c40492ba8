/// The settings the client reads from outside: the process environment overlaid, as the bash client's
/// `source` does, with the assignments of `/etc/profile.d/orchestrator-client.sh`.
///
/// `ORCHESTRATOR_CLIENT_PROFILE` names another profile file; set it empty to read none (tests do).
public struct ClientEnvironment: Sendable {
    /// The variables, profile assignments applied.
    public let variables: [String: String]

    /// Uses `variables` as they are.
    public init(variables: [String: String]) {
        self.variables = variables
    }

    /// The current process environment with the profile file applied.
    public static func current() -> ClientEnvironment {
        let process = processEnvironment()
        let path = process["ORCHESTRATOR_CLIENT_PROFILE"] ?? ProfileFile.defaultPath
        var merged = process
        if !path.isEmpty {
            for (name, value) in ProfileFile.load(path: path) { merged[name] = value }
        }
        return ClientEnvironment(variables: merged)
    }

    /// The value of `name`, if set.
    public subscript(name: String) -> String? { variables[name] }

    static func processEnvironment() -> [String: String] {
        var result: [String: String] = [:]
        var pointer = environ
        while let entry = pointer.pointee {
            // Split at `=` on the C string and decode each half once: `Character`-based searching of every
            // variable cost the command line ~15 k instructions per variable at start (bench/profile-notes.md).
            if let equals = strchr(entry, 61 /* = */) {
                let nameLength = entry.distance(to: equals)
                let name = entry.withMemoryRebound(to: UInt8.self, capacity: nameLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: nameLength), as: UTF8.self)
                }
                let valueStart = equals + 1
                let valueLength = strlen(valueStart)
                result[name] = valueStart.withMemoryRebound(to: UInt8.self, capacity: valueLength) {
                    String(decoding: UnsafeBufferPointer(start: $0, count: valueLength), as: UTF8.self)
                }
            }
            pointer += 1
        }
        return result
    }
}

/// Reads a secret (a password) from a file only the owner can read, so it stays off the command line.
package enum SecretFile {
    /// The file's first line. Refuses a file readable or writable by group or others.
    package static func read(path: String, source: String) throws(OrchestratorError) -> String {
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw .invalidValue(InvalidValue(source: source, value: path, problem: "the file cannot be read",
                                             fix: "give the path of a file holding the password"))
        }
        guard info.st_mode & 0o077 == 0 else {
            throw .invalidValue(InvalidValue(source: source, value: path,
                                             problem: "the file can be read or written by others than its owner",
                                             fix: "run chmod 600 \(path)"))
        }
        guard let text = ProfileFile.readTextFile(path) else {
            throw .invalidValue(InvalidValue(source: source, value: path, problem: "the file cannot be read",
                                             fix: "give the path of a file holding the password"))
        }
        // The first line; a file written on Windows ends it in "\r\n", which `split` keeps together as one
        // Character, so split on scalars.
        let scalars = text.unicodeScalars
        let end = scalars.firstIndex(where: { $0 == "\n" || $0 == "\r" }) ?? scalars.endIndex
        return String(scalars[..<end])
    }
}
