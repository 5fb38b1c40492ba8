/// Every flag the executable accepts. The first block is the bash client's interface, with the same letters;
/// the second block is ours.
public enum Flag: String, Sendable, CaseIterable {
    case command, instance, destination, alias, owner, reason, duration, promotionRule, tag, pool, hostname
    case defaultPort, api, path, query, auth, headersAuth, binlog, seconds, help
    case timeout, connectTimeout, leaderTimeout, passwordFile, caFile, clientCert, clientKey, insecure
    case dryRun, json, quiet, jitter, version
}

/// What a flag's value is, for validation messages, completions and the man page.
public enum FlagValueKind: Sendable, Equatable {
    /// The flag takes no value.
    case none
    /// A command name.
    case command
    /// An instance key `host[:port]`.
    case instance
    /// A cluster alias.
    case alias
    /// One of the promotion rules.
    case promotionRule
    /// A file path.
    case file
    /// A duration such as `5m`.
    case duration
    /// A number.
    case number
    /// Free text.
    case text
}

/// One flag: its letter, its long name(s), and what it takes.
public struct FlagSpec: Sendable {
    /// The flag.
    public let flag: Flag
    /// The single letter (`-c`), if the flag has one.
    public let letter: Character?
    /// Long names, without dashes; each works with one or two dashes and with `=value`.
    public let names: [String]
    /// What the value is; `.none` for a switch.
    public let valueKind: FlagValueKind
    /// How the value is shown in help, e.g. `host:port`.
    public let valueName: String
    /// One line of help.
    public let summary: String

    /// The spellings for help: `-c, --command <command>`.
    public var usage: String {
        var parts: [String] = []
        if let letter { parts.append("-\(letter)") }
        parts += names.map { "--" + $0 }
        let value = valueKind == .none ? "" : " <\(valueName)>"
        return parts.joined(separator: ", ") + value
    }

    /// The primary spelling: `-c` when there is a letter, else `--name`.
    public var primarySpelling: String {
        if let letter { return "-\(letter)/--\(names[0])" }
        return "--\(names[0])"
    }
}

/// The table of flags that parsing, help, completions and the man page all read.
public enum FlagTable {
    /// All flags, in help order.
    public static let all: [FlagSpec] = [
        FlagSpec(flag: .command, letter: "c", names: ["command"], valueKind: .command, valueName: "command",
                 summary: "the command to run (see the list of commands)"),
        FlagSpec(flag: .instance, letter: "i", names: ["instance"], valueKind: .instance, valueName: "host[:port]",
                 summary: "the instance to act on; default $ORCHESTRATOR_INSTANCE"),
        FlagSpec(flag: .destination, letter: "d", names: ["destination"], valueKind: .instance, valueName: "host[:port]",
                 summary: "the destination instance of a relocation or takeover"),
        FlagSpec(flag: .destination, letter: "s", names: ["sibling"], valueKind: .instance, valueName: "host[:port]",
                 summary: "same as -d"),
        FlagSpec(flag: .alias, letter: "a", names: ["alias"], valueKind: .alias, valueName: "alias",
                 summary: "cluster alias (or cluster name)"),
        FlagSpec(flag: .owner, letter: "o", names: ["owner"], valueKind: .text, valueName: "owner",
                 summary: "owner of a downtime or maintenance; default the current user"),
        FlagSpec(flag: .reason, letter: "r", names: ["reason"], valueKind: .text, valueName: "reason",
                 summary: "reason for a downtime, maintenance or recovery acknowledgement"),
        FlagSpec(flag: .duration, letter: "u", names: ["duration"], valueKind: .duration, valueName: "duration",
                 summary: "downtime duration: a number and s, m, h, d or w; default 10m"),
        FlagSpec(flag: .promotionRule, letter: "R", names: ["promotion-rule"], valueKind: .promotionRule, valueName: "rule",
                 summary: "promotion rule: prefer, neutral, prefer_not or must_not"),
        FlagSpec(flag: .tag, letter: "t", names: ["tag"], valueKind: .text, valueName: "name[=value]",
                 summary: "tag, as name or name=value (tagged: a comma-separated list)"),
        FlagSpec(flag: .pool, letter: "l", names: ["pool"], valueKind: .text, valueName: "pool",
                 summary: "pool name"),
        FlagSpec(flag: .hostname, letter: "H", names: ["hostname"], valueKind: .text, valueName: "hostname",
                 summary: "host name for hostname-unresolve and raft commands"),
        FlagSpec(flag: .defaultPort, letter: "D", names: ["default-port"], valueKind: .number, valueName: "port",
                 summary: "port for instances given without one; default 3306"),
        FlagSpec(flag: .api, letter: "U", names: ["api"], valueKind: .text, valueName: "url ...",
                 summary: "API endpoint(s), space-separated; overrides $ORCHESTRATOR_API"),
        FlagSpec(flag: .path, letter: "P", names: ["path"], valueKind: .text, valueName: "api path",
                 summary: "for -c api: the API path to call, e.g. clusters-info"),
        FlagSpec(flag: .query, letter: "q", names: ["query"], valueKind: .text, valueName: "query",
                 summary: "for restart-replica-statements: the statement to wrap"),
        FlagSpec(flag: .auth, letter: "b", names: ["auth"], valueKind: .text, valueName: "user:password",
                 summary: "HTTP basic auth; prefer $ORCHESTRATOR_AUTH_USER with --password-file"),
        FlagSpec(flag: .headersAuth, letter: "e", names: ["headers-auth"], valueKind: .text, valueName: "Header: user",
                 summary: "header for orchestrator behind an authenticating proxy"),
        FlagSpec(flag: .binlog, letter: "n", names: ["binlog"], valueKind: .text, valueName: "binlog",
                 summary: "binary log name, for purge-binary-logs"),
        FlagSpec(flag: .seconds, letter: "S", names: ["seconds"], valueKind: .number, valueName: "seconds",
                 summary: "seconds, for delay-replication"),
        FlagSpec(flag: .help, letter: "h", names: ["help"], valueKind: .none, valueName: "",
                 summary: "show help (with -c COMMAND: that command's help)"),
        FlagSpec(flag: .timeout, letter: nil, names: ["timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on the whole invocation (e.g. 30s); default 60s, $ORCHESTRATOR_TIMEOUT"),
        FlagSpec(flag: .connectTimeout, letter: nil, names: ["connect-timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on each connection; default 3s, $ORCHESTRATOR_CONNECT_TIMEOUT"),
        FlagSpec(flag: .leaderTimeout, letter: nil, names: ["leader-timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on each leader probe; default 1s, $ORCHESTRATOR_LEADER_TIMEOUT"),
        FlagSpec(flag: .passwordFile, letter: nil, names: ["password-file"], valueKind: .file, valueName: "file",
                 summary: "read the basic-auth password from a file (mode 600); $ORCHESTRATOR_AUTH_PASSWORD_FILE"),
        FlagSpec(flag: .caFile, letter: nil, names: ["ca-file"], valueKind: .file, valueName: "file",
                 summary: "trust these CA certificates (PEM); $ORCHESTRATOR_CA_FILE"),
        FlagSpec(flag: .clientCert, letter: nil, names: ["cert"], valueKind: .file, valueName: "file",
                 summary: "client certificate for mutual TLS (PEM); $ORCHESTRATOR_CLIENT_CERT"),
        FlagSpec(flag: .clientKey, letter: nil, names: ["key"], valueKind: .file, valueName: "file",
                 summary: "client certificate's key (PEM); $ORCHESTRATOR_CLIENT_KEY"),
        FlagSpec(flag: .insecure, letter: nil, names: ["insecure"], valueKind: .none, valueName: "",
                 summary: "do not verify TLS certificates; $ORCHESTRATOR_INSECURE=1"),
        FlagSpec(flag: .dryRun, letter: nil, names: ["dry-run"], valueKind: .none, valueName: "",
                 summary: "print the requests that would be sent, send nothing"),
        FlagSpec(flag: .json, letter: nil, names: ["json"], valueKind: .none, valueName: "",
                 summary: "print the API's JSON answer instead of text"),
        FlagSpec(flag: .quiet, letter: nil, names: ["quiet"], valueKind: .none, valueName: "",
                 summary: "print nothing on success (errors still go to stderr)"),
        FlagSpec(flag: .jitter, letter: nil, names: ["jitter"], valueKind: .number, valueName: "seconds",
                 summary: "wait a random 0..N seconds before contacting the API (for cron)"),
        FlagSpec(flag: .version, letter: nil, names: ["version"], valueKind: .none, valueName: "",
                 summary: "print the version"),
    ]

    /// The spec for a letter, e.g. `c`.
    public static func spec(letter: Character) -> FlagSpec? {
        all.first { $0.letter == letter }
    }

    /// The spec for a long name, e.g. `promotion-rule`.
    public static func spec(name: String) -> FlagSpec? {
        all.first { $0.names.contains(name) }
    }

    /// The first spec of a flag (the one help shows).
    public static func spec(_ flag: Flag) -> FlagSpec {
        all.first { $0.flag == flag }!
    }
}
