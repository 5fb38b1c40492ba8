import OrchestratorClientKit

/// Help for people at a terminal, generated from the command and flag tables.
package enum HelpText {
    /// `--help`: usage, commands by group with one-line summaries, flags.
    package static func overview() -> String {
        var text = """
        Usage: orchestrator-client -c <command> [flags...]
        Example: orchestrator-client -c which-master -i some.replica:3306
        Talks to orchestrator's HTTP API ($ORCHESTRATOR_API; several endpoints: the raft leader is found).

        """
        let width = CommandID.allCases.map(\.name.count).max() ?? 0
        for group in CommandID.groups {
            text += "\n\(group.title):\n"
            for command in group.commands {
                text += "  " + pad(command.name, width) + "  " + command.helpSummary + "\n"
            }
        }
        text += "\nFlags (each also as -name value, --name value, --name=value):\n"
        let usages = FlagTable.all.map(\.usage)
        let flagWidth = usages.map(\.count).max() ?? 0
        for (spec, usage) in zip(FlagTable.all, usages) {
            text += "  " + pad(usage, flagWidth) + "  " + spec.summary + "\n"
        }
        text += "\n'orchestrator-client help COMMAND' shows one command's flags and an example.\n"
        text += "Proxies: http_proxy, https_proxy, all_proxy and no_proxy are honoured (errors name the proxy);\n"
        text += "--no-proxy or ORCHESTRATOR_NO_PROXY=1 goes direct.\n"
        text += "Exit status: 0 success, 1 the API refused or failed (or answered no, or something unexpected, or\n"
        text += "stdout could not be written), 2 usage or invalid input (nothing sent), 3 no endpoint reachable or no\n"
        text += "leader (nothing delivered), 4 timeout, 5 a change was sent but its answer broke: it may or may not\n"
        text += "have been applied, check before retrying. endpoints: 0 healthy, 1 degraded or credentials refused,\n"
        text += "3 no leader.\n"
        return text
    }

    /// `help COMMAND`: what the command does, its flags, the API call it makes, an example.
    package static func command(_ command: CommandID) -> String {
        var text = "\(command.name): \(command.helpSummary)\n"
        let otherNames = command.names.dropFirst()
        if !otherNames.isEmpty { text += "Also: " + otherNames.joined(separator: ", ") + "\n" }
        if command == .api {
            text += "Any path: treated as a change, so it is never sent again once it may have reached the server.\n"
        } else {
            text += command.changesSomething ? "Changes state on the server.\n" : "Only reads.\n"
        }
        if let route = command.route {
            text += "Calls: GET /api/" + route + "\n"
            let values = command.inputs
            if !values.isEmpty { text += "Flags:\n" }
            for (_, choices, required) in values {
                let spellings = choices.map { FlagTable.spec(input: $0).usage }.joined(separator: " or ")
                text += "  " + spellings + (required ? "" : "   (optional)") + "\n"
            }
        } else if command == .api {
            text += "Flags:\n  " + FlagTable.spec(.path).usage + "\n"
        } else if command == .endpoints {
            text += "Calls: GET /api/" + EndpointReport.probePaths.joined(separator: ", ") + " on every endpoint at once\n"
            text += "Prints one line per endpoint and a summary (--json: one JSON object).\n"
            text += "Exit status: 0 exactly one leader and every endpoint healthy, 1 degraded or credentials refused, 3 no leader.\n"
        }
        if let servers = command.serversRequired {
            text += "Needs \(servers); other servers answer 404 page not found.\n"
        }
        if command.defaultsToThisHost { text += "Without -i: $ORCHESTRATOR_INSTANCE, else this host's name and port 3306.\n" }
        text += "Example: " + example(command) + "\n"
        return text
    }

    /// A runnable example command line for `command`.
    package static func example(_ command: CommandID) -> String {
        var words = ["orchestrator-client", "-c", command.name]
        for (value, _, required) in command.inputs where required {
            switch value {
            case "path": words += ["--path", "clusters-info"]
            case "instance": words += ["-i", "db1.example.com:3306"]
            case "search": words += ["-i", "db1"]
            case "instances": words += ["-i", "db1.example.com:3306,db2.example.com:3306"]
            case "destination": words += ["-d", "db2.example.com:3306"]
            case "cluster", "alias": words += ["-a", "mycluster"]
            case "owner": words += ["-o", "alice"]
            case "reason": words += ["-r", "'planned maintenance'"]
            case "duration": words += ["-u", "1h"]
            case "rule": words += ["--promotion-rule", "prefer"]
            case "hostname": words += ["-H", "orc2.example.com"]
            case "binlog": words += ["-n", "mysql-bin.000042"]
            case "seconds": words += ["-S", "60"]
            case "pool": words += ["-l", "mypool"]
            case "tag", "tags": words += ["-t", "role=backup"]
            case "query": words += ["-q", "'alter table t engine=innodb'"]
            default: break
            }
        }
        return words.joined(separator: " ")
    }

    static func pad(_ text: String, _ width: Int) -> String {
        text + String(repeating: " ", count: max(0, width - text.count))
    }
}
