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
            let text = String(cString: entry)
            if let equals = text.firstIndex(of: "=") {
                result[String(text[..<equals])] = String(text[text.index(after: equals)...])
            }
            pointer += 1
        }
        return result
    }
}
