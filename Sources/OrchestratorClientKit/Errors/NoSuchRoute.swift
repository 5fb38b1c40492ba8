/// A server answered a command's route with orchestrator's `404 page not found` (its router found no route):
/// the server is older than the command, the route exists only in Percona's fork, or the endpoint is not
/// orchestrator's `/api`. Retrying cannot help, so it is reported at once.
package struct NoSuchRoute: Sendable, Equatable, CustomStringConvertible {
    /// The endpoint that answered.
    package let endpoint: String
    /// The path asked for, below the endpoint, e.g. `change-master-credentials/db1/3306`.
    package let path: String
    /// The command whose route it is (`change-master-credentials`), when known.
    package var command: String?
    /// The servers that have the route, when not every server does.
    package var requires: ServerRequirement?

    package var description: String {
        var text = (command.map { "-c \($0): " } ?? "") + "\(endpoint)/\(path) answered 404 page not found: "
            + "this orchestrator has no such API route"
        if let requires, let command {
            text += "; \(command) needs \(requires.servers)"
        } else {
            text += " (an older orchestrator, or ORCHESTRATOR_API does not name orchestrator's /api)"
        }
        return text
    }

    /// True for the body orchestrator's router (Go's `http.NotFound`) sends for a path it has no route for.
    package static func isRouterNotFound(status: Int, body: [UInt8]) -> Bool {
        guard status == 404 else { return false }
        var text = Substring(decoding: body.prefix(64), as: UTF8.self)
        while text.last == "\n" || text.last == "\r" || text.last == " " { text.removeLast() }
        return text == "404 page not found"
    }
}

extension OrchestratorError {
    /// This error with the command named, when it is a missing route: the message then says which command and,
    /// for a route not every server has, which server has it.
    package func naming(_ spec: CommandSpec) -> OrchestratorError {
        guard case .noSuchRoute(var missing) = reason else { return self }
        missing.command = spec.name
        missing.requires = spec.requires
        return .noSuchRoute(missing)
    }
}
