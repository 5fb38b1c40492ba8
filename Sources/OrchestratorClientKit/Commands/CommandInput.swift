/// A value a command takes: the instance it acts on, a destination, a cluster alias, an owner and so on.
///
/// The library's ``OrchestratorClient/run(_:_:)`` takes these, and a program with its own interface (the command
/// line) maps its own names onto them, so that both validate and route a command the same way. Messages name an
/// input by its raw value (`promotionRule`).
public enum CommandInput: String, Sendable, CaseIterable {
    case instance, destination, alias, owner, reason, duration, promotionRule, tag, pool, hostname
    case defaultPort, path, query, binlog, seconds
}
