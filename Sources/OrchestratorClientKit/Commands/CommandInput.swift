/// A value a command takes, named as the bash client's flag that gives it (`-i/--instance`).
///
/// The library's ``OrchestratorClient/run(_:_:)`` takes these, and the command line maps its flags onto them,
/// so both validate and route a command the same way.
public enum CommandInput: String, Sendable, CaseIterable {
    case instance, destination, alias, owner, reason, duration, promotionRule, tag, pool, hostname
    case defaultPort, path, query, binlog, seconds

    /// The bash client's letter for it (`i` for `-i`).
    public var letter: Character {
        switch self {
        case .instance: "i"
        case .destination: "d"
        case .alias: "a"
        case .owner: "o"
        case .reason: "r"
        case .duration: "u"
        case .promotionRule: "R"
        case .tag: "t"
        case .pool: "l"
        case .hostname: "H"
        case .defaultPort: "D"
        case .path: "P"
        case .query: "q"
        case .binlog: "n"
        case .seconds: "S"
        }
    }

    /// The long flag name, without dashes (`promotion-rule`).
    public var flagName: String {
        switch self {
        case .promotionRule: "promotion-rule"
        case .defaultPort: "default-port"
        default: rawValue
        }
    }

    /// How the value is shown in help and messages (`host[:port]`).
    public var valueName: String {
        switch self {
        case .instance, .destination: "host[:port]"
        case .promotionRule: "rule"
        case .tag: "name[=value]"
        case .defaultPort: "port"
        case .path: "api path"
        default: rawValue
        }
    }

    /// `-i/--instance`, as messages name the value.
    public var spelling: String { "-\(letter)/--\(flagName)" }
}
