/// Every command of the table, from Swift: the same validation, routes and checks as the command line.
extension OrchestratorClient {
    /// Runs the command called `name` (any name of ``CommandTable``, `slave` spellings included) with `inputs`
    /// given as the command line takes them, and returns the API's answer.
    ///
    /// ```swift
    /// let answer = try await client.run("relocate", [.instance: "db3:3306", .destination: "db2:3306"])
    /// print(answer["Details"]?["Key"] ?? .null)
    /// ```
    ///
    /// Values are validated exactly as on the command line (nothing is sent when one is refused); without
    /// `.instance`, commands about this host use this host's name, as the command line does.
    /// Commands answered locally (`help`, `which-api`, `api`, `endpoints`) are refused: use ``leader()``,
    /// ``get(path:)`` or ``endpointReport()``.
    public func run(_ name: String, _ inputs: [CommandInput: String] = [:]) async throws(OrchestratorError) -> JSONValue {
        guard let spec = CommandTable.find(name) else { throw .input(.unknownCommand(name)) }
        guard case .route = spec.kind else {
            throw .usage("\(spec.name) is answered locally; use leader(), get(path:) or endpointReport()")
        }
        let bound = configuration.timeouts.hostNameMilliseconds
        let request = try CommandRequest(spec, inputs: inputs, thisHost: { () throws(OrchestratorError) in try HostIdentity.thisHost(within: bound) })
        guard let path = request.path else { throw .usage("\(spec.name) sends no request of its own") }
        return try await withSession { session throws(OrchestratorError) in try await session.perform(spec, path: path).json }
    }
}
