/// What a tool needs to list, look up and explain commands: help, parsing and dispatch by name, from the one
/// command table.
extension CommandID {
    /// The command called `name`: its name, an alias, or a `slave` spelling (`which-slaves`, `stop-slave`).
    public init?(named name: String) {
        guard let spec = CommandTable.find(name) else { return nil }
        self = spec.id
    }

    /// Every command, by group in the order help lists them: the group's title and its commands.
    public static var groups: [(title: String, commands: [CommandID])] {
        CommandGroup.allCases.map { group in
            (group.rawValue, CommandTable.all.filter { $0.group == group }.map(\.id))
        }
    }

    /// The command's name, e.g. `discover`.
    public var name: String { rawValue }

    /// All names the command answers to: its name first, then its aliases and `slave` spellings.
    public var names: [String] { CommandTable[self].allNames }

    /// One line saying what the command does.
    public var summary: String { CommandTable[self].summary }

    /// The title of the group help lists the command in (`Relocation`).
    public var group: String { CommandTable[self].group.rawValue }

    /// Whether the command changes something on the server (and so is never sent again once it may have reached
    /// one); `api` counts as a change, whatever its path.
    public var changesSomething: Bool { CommandTable[self].safety == .changes }

    /// Whether the command sends an API request of its own with a path (``CommandInvocation/path``); `help`,
    /// `which-api` and `endpoints` do not.
    public var sendsOwnRequest: Bool {
        switch CommandTable[self].kind {
        case .route, .rawAPI: true
        case .whichAPI, .help, .endpointReport: false
        }
    }

    /// The API route it calls, as the table writes it (`discover/{instance}`); `nil` for one answered locally or
    /// taking any path (`api`).
    public var route: String? { CommandTable[self].route }

    /// The values its request takes, in order: for each, the name the route gives it (`instance`, `search`,
    /// `cluster`), the inputs that can give it (in order of precedence) and whether it is required. `api` takes its
    /// ``CommandInput/path``.
    public var inputs: [(value: String, choices: [CommandInput], required: Bool)] {
        let spec = CommandTable[self]
        if case .rawAPI = spec.kind { return [("path", [.path], true)] }
        return (spec.template?.values ?? []).map { ($0.value.rawValue, $0.value.inputs, $0.required) }
    }

    /// Whether a missing instance input defaults to `ORCHESTRATOR_INSTANCE`, else to this host.
    public var defaultsToThisHost: Bool { CommandTable[self].defaultsToThisHost }

    /// The servers that have the command's route, when not every server does (`Percona's orchestrator newer than
    /// v3.2.6-20`); `nil`: openark's orchestrator 3.2.6 and Percona's fork.
    public var serversRequired: String? { CommandTable[self].requires?.servers }
}
