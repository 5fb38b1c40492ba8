import OrchestratorClientKit

/// Every flag the executable accepts. The first block is the bash client's interface, with the same letters;
/// the second block is ours. A flag that gives a command a value has the raw value of that ``CommandInput``.
package enum Flag: String, Sendable, CaseIterable {
    case command, instance, destination, alias, owner, reason, duration, promotionRule, tag, pool, hostname
    case defaultPort, api, path, query, auth, headersAuth, binlog, seconds, help
    case timeout, connectTimeout, leaderTimeout, passwordFile, caFile, clientCert, clientKey, keyPasswordFile, insecure
    case dryRun, json, quiet, jitter, version, noProxy, maxAnswerSize, proxyCAFile, proxyInsecure
}

extension Flag {
    /// The command input this flag gives, if it gives one.
    package var input: CommandInput? { CommandInput(rawValue: rawValue) }

    /// The library setting this flag gives, if it gives one: messages about the setting name this flag.
    package var setting: Setting? {
        switch self {
        case .api: .endpoints
        case .auth: .credentials
        case .passwordFile: .passwordFile
        case .headersAuth: .authHeader
        case .timeout: .timeout
        case .connectTimeout: .connectTimeout
        case .leaderTimeout: .leaderTimeout
        case .maxAnswerSize: .maximumAnswerSize
        case .caFile: .caFile
        case .clientCert: .clientCertificate
        case .clientKey: .clientKey
        case .keyPasswordFile: .keyPasswordFile
        case .insecure: .insecure
        case .noProxy: .noProxy
        case .proxyCAFile: .proxyCAFile
        case .proxyInsecure: .proxyInsecure
        default: nil
        }
    }
}

/// What a flag's value is, for validation messages, completions and the man page.
package enum FlagValueKind: Sendable, Equatable {
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
package struct FlagSpec: Sendable {
    /// The flag.
    package let flag: Flag
    /// The single letter (`-c`), if the flag has one.
    package let letter: Character?
    /// Long names, without dashes; each works with one or two dashes and with `=value`.
    package let names: [String]
    /// What the value is; `.none` for a switch.
    package let valueKind: FlagValueKind
    /// How the value is shown in help, e.g. `host:port`.
    package let valueName: String
    /// One line of help.
    package let summary: String
    /// Whether the value may be a secret (a password, a URL with credentials, a user header): such an argument is
    /// never shown, and a password in it is overwritten in the process's argv.
    package var holdsSecret = false

    /// The spellings for help: `-c, --command <command>`.
    package var usage: String {
        var parts: [String] = []
        if let letter { parts.append("-\(letter)") }
        parts += names.map { "--" + $0 }
        let value = valueKind == .none ? "" : " <\(valueName)>"
        return parts.joined(separator: ", ") + value
    }

    /// The primary spelling: `-c` when there is a letter, else `--name`.
    package var primarySpelling: String {
        if let letter { return "-\(letter)/--\(names[0])" }
        return "--\(names[0])"
    }
}

extension FlagSpec {
    /// The flag of a command input; its long name is the input's unless `name` is given.
    init(input: CommandInput, letter: Character, name: String? = nil, valueKind: FlagValueKind, valueName: String? = nil,
         summary: String) {
        self.init(flag: Flag(rawValue: input.rawValue)!, letter: letter, names: [name ?? input.rawValue], valueKind: valueKind,
                  valueName: valueName ?? input.rawValue, summary: summary)
    }
}

/// The table of flags that parsing, help, completions and the man page all read.
package enum FlagTable {
    /// All flags, in help order.
    package static let all: [FlagSpec] = [
        FlagSpec(flag: .command, letter: "c", names: ["command"], valueKind: .command, valueName: "command",
                 summary: "the command to run (see the list of commands)"),
        FlagSpec(input: .instance, letter: "i", valueKind: .instance, valueName: "host[:port]",
                 summary: "the instance to act on; default $ORCHESTRATOR_INSTANCE"),
        FlagSpec(input: .destination, letter: "d", valueKind: .instance, valueName: "host[:port]",
                 summary: "the destination instance of a relocation or takeover"),
        FlagSpec(flag: .destination, letter: "s", names: ["sibling"], valueKind: .instance, valueName: "host[:port]",
                 summary: "same as -d"),
        FlagSpec(input: .alias, letter: "a", valueKind: .alias,
                 summary: "cluster alias (or cluster name)"),
        FlagSpec(input: .owner, letter: "o", valueKind: .text,
                 summary: "owner of a downtime or maintenance; default the current user"),
        FlagSpec(input: .reason, letter: "r", valueKind: .text,
                 summary: "reason for a downtime, maintenance or recovery acknowledgement"),
        FlagSpec(input: .duration, letter: "u", valueKind: .duration,
                 summary: "downtime duration: a number and s, m, h, d or w; default 10m"),
        FlagSpec(input: .promotionRule, letter: "R", name: "promotion-rule", valueKind: .promotionRule, valueName: "rule",
                 summary: "promotion rule: prefer, neutral, prefer_not or must_not"),
        FlagSpec(input: .tag, letter: "t", valueKind: .text, valueName: "name[=value]",
                 summary: "tag, as name or name=value (tagged: a comma-separated list)"),
        FlagSpec(input: .pool, letter: "l", valueKind: .text,
                 summary: "pool name"),
        FlagSpec(input: .hostname, letter: "H", valueKind: .text,
                 summary: "host name for hostname-unresolve and raft commands"),
        FlagSpec(input: .defaultPort, letter: "D", name: "default-port", valueKind: .number, valueName: "port",
                 summary: "port for instances given without one; default 3306"),
        FlagSpec(flag: .api, letter: "U", names: ["api"], valueKind: .text, valueName: "url ...",
                 summary: "API endpoint(s), separated by spaces or commas; overrides $ORCHESTRATOR_API", holdsSecret: true),
        FlagSpec(input: .path, letter: "P", valueKind: .text, valueName: "api path",
                 summary: "for -c api: the API path to call, e.g. clusters-info"),
        FlagSpec(input: .query, letter: "q", valueKind: .text,
                 summary: "for restart-replica-statements: the statement to wrap"),
        FlagSpec(flag: .auth, letter: "b", names: ["auth"], valueKind: .text, valueName: "user:password",
                 summary: "HTTP basic auth; the password shows in ps until the client overwrites it at start: "
                     + "prefer -b user with --password-file", holdsSecret: true),
        FlagSpec(flag: .headersAuth, letter: "e", names: ["headers-auth"], valueKind: .text, valueName: "Header: user",
                 summary: "header for orchestrator behind an authenticating proxy", holdsSecret: true),
        FlagSpec(input: .binlog, letter: "n", valueKind: .text,
                 summary: "binary log name, for purge-binary-logs"),
        FlagSpec(input: .seconds, letter: "S", valueKind: .number,
                 summary: "seconds, for delay-replication"),
        FlagSpec(flag: .help, letter: "h", names: ["help"], valueKind: .none, valueName: "",
                 summary: "show help (with -c COMMAND: that command's help)"),
        FlagSpec(flag: .timeout, letter: nil, names: ["timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on the whole invocation (ms, s, m, h or d, at most 1d; e.g. 30s); default 60s, $ORCHESTRATOR_TIMEOUT"),
        FlagSpec(flag: .connectTimeout, letter: nil, names: ["connect-timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on each connection; default 3s, $ORCHESTRATOR_CONNECT_TIMEOUT"),
        FlagSpec(flag: .leaderTimeout, letter: nil, names: ["leader-timeout"], valueKind: .duration, valueName: "duration",
                 summary: "bound on each leader probe; default 1s, $ORCHESTRATOR_LEADER_TIMEOUT"),
        FlagSpec(flag: .passwordFile, letter: nil, names: ["password-file"], valueKind: .file, valueName: "file",
                 summary: "read the basic-auth password from a file (mode 600); $ORCHESTRATOR_AUTH_PASSWORD_FILE",
                 holdsSecret: true),
        FlagSpec(flag: .caFile, letter: nil, names: ["ca-file"], valueKind: .file, valueName: "file",
                 summary: "trust these CA certificates (PEM); $ORCHESTRATOR_CA_FILE"),
        FlagSpec(flag: .clientCert, letter: nil, names: ["cert"], valueKind: .file, valueName: "file",
                 summary: "client certificate for mutual TLS (PEM); $ORCHESTRATOR_CLIENT_CERT"),
        FlagSpec(flag: .clientKey, letter: nil, names: ["key"], valueKind: .file, valueName: "file",
                 summary: "client certificate's key (PEM, mode 600); $ORCHESTRATOR_CLIENT_KEY"),
        FlagSpec(flag: .keyPasswordFile, letter: nil, names: ["key-password-file"], valueKind: .file, valueName: "file",
                 summary: "read an encrypted --key's pass phrase from a file (mode 600); $ORCHESTRATOR_CLIENT_KEY_PASSWORD_FILE"),
        FlagSpec(flag: .insecure, letter: nil, names: ["insecure"], valueKind: .none, valueName: "",
                 summary: "do not verify TLS certificates; $ORCHESTRATOR_INSECURE=1"),
        FlagSpec(flag: .dryRun, letter: nil, names: ["dry-run"], valueKind: .none, valueName: "",
                 summary: "print the requests that would be sent, send nothing"),
        FlagSpec(flag: .json, letter: nil, names: ["json"], valueKind: .none, valueName: "",
                 summary: "print the API's JSON answer instead of text"),
        FlagSpec(flag: .quiet, letter: nil, names: ["quiet"], valueKind: .none, valueName: "",
                 summary: "print nothing on success (errors still go to stderr)"),
        FlagSpec(flag: .jitter, letter: nil, names: ["jitter"], valueKind: .duration, valueName: "seconds",
                 summary: "wait a random 0..N seconds (or 10m, 1h) before contacting the API (for cron)"),
        FlagSpec(flag: .noProxy, letter: nil, names: ["no-proxy"], valueKind: .none, valueName: "",
                 summary: "never use a proxy, whatever http_proxy/https_proxy/all_proxy say; $ORCHESTRATOR_NO_PROXY=1"),
        FlagSpec(flag: .proxyCAFile, letter: nil, names: ["proxy-ca-file"], valueKind: .file, valueName: "file",
                 summary: "trust these CA certificates (PEM) for an https:// proxy; $ORCHESTRATOR_PROXY_CA_FILE"),
        FlagSpec(flag: .proxyInsecure, letter: nil, names: ["proxy-insecure"], valueKind: .none, valueName: "",
                 summary: "do not verify an https:// proxy's certificate; $ORCHESTRATOR_PROXY_INSECURE=1"),
        FlagSpec(flag: .maxAnswerSize, letter: nil, names: ["max-answer-size"], valueKind: .text, valueName: "size",
                 summary: "largest answer read (e.g. 64M); default 512M, $ORCHESTRATOR_MAX_ANSWER_SIZE"),
        FlagSpec(flag: .version, letter: nil, names: ["version"], valueKind: .none, valueName: "",
                 summary: "print the version"),
    ]

    /// The spec for a letter, e.g. `c`.
    package static func spec(letter: Character) -> FlagSpec? {
        all.first { $0.letter == letter }
    }

    /// The spec for a long name, e.g. `promotion-rule`.
    package static func spec(name: String) -> FlagSpec? {
        all.first { $0.names.contains(name) }
    }

    /// The flags as hints composed while requests run name the settings: the letter when there is one (`-U`),
    /// else the long name (`--cert`).
    package static let settingNames = Dictionary(uniqueKeysWithValues: all.compactMap { spec in
        spec.flag.setting.map { ($0, spec.letter.map { "-\($0)" } ?? "--" + spec.names[0]) }
    })

    /// The spec of the flag that gives `setting`, if a flag gives it.
    package static func spec(setting: Setting) -> FlagSpec? {
        all.first { $0.flag.setting == setting }
    }

    /// The spec of the flag that gives `input` (the one help shows).
    package static func spec(input: CommandInput) -> FlagSpec {
        spec(Flag(rawValue: input.rawValue)!)
    }

    /// The first spec of a flag (the one help shows).
    package static func spec(_ flag: Flag) -> FlagSpec {
        all.first { $0.flag == flag }!
    }
}
