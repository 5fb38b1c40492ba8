/// Every command of the table, from Swift: the same validation, routes and output as the command line.
extension OrchestratorClient {
    /// Runs the command called `name` (any of the 105 names of ``CommandTable``, `slave` spellings included)
    /// with `flags` given as the command line takes them, and returns the API's answer.
    ///
    /// ```swift
    /// let answer = try await client.run("relocate", [.instance: "db3:3306", .destination: "db2:3306"])
    /// print(try OutputFormatter.render(CommandTable.find("relocate")!.output, answer: answer, requested: nil))
    /// ```
    ///
    /// Values are validated exactly as on the command line (nothing is sent when one is refused); without
    /// `.instance`, commands about this host use this host's name, as the command line does.
    /// Commands answered locally (`help`, `which-api`, `api`) are refused: use ``leader()`` or ``get(path:)``.
    public func run(_ name: String, _ flags: [Flag: String] = [:]) async throws(OrchestratorError) -> JSONValue {
        guard let spec = CommandTable.find(name) else { throw .usage(CommandTable.unknownCommandMessage(name)) }
        guard let template = spec.template else {
            throw .usage("\(spec.name) is answered locally; use leader() or get(path:)")
        }
        var arguments = ParsedArguments()
        arguments.values = flags
        let resolver = ValueResolver(spec: spec, arguments: arguments, environment: ClientEnvironment(variables: [:]),
                                     defaultPort: try ValueRules.defaultPort(flags[.defaultPort]),
                                     thisHost: HostIdentity.fullyQualifiedName)
        let path = template.render(try resolver.resolve(template))
        let safety = spec.safety
        let confirmRaft = spec.precheck == .raftLeader
        return try await withSession { session throws(OrchestratorError) in
            if confirmRaft { try CommandLineTool.confirmRaftLeader(session) }
            return try session.get(path, safety: safety).json
        }
    }
}
