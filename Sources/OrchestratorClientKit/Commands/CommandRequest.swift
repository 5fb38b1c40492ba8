/// A command of the table with its inputs, validated and rendered into the request it sends. Anything that
/// cannot be sent faithfully is refused here, before a single request leaves.
package struct CommandRequest: Sendable {
    /// The command.
    package let spec: CommandSpec
    /// The API path to GET (route commands and `api`); `nil` for commands that send none of their own.
    package let path: APIPath?
    /// The instance the command was given, for commands whose output is that instance (`async-discover`).
    package let requestedInstance: InstanceKey?

    /// Validates `inputs` for `spec` and renders its path.
    /// - Parameters:
    ///   - instanceFromEnvironment: the default for the instance input (`ORCHESTRATOR_INSTANCE`), if any.
    ///   - thisHost: this host's name, asked for only when the command defaults to this host; it throws when the
    ///     name cannot be found (see ``HostIdentity/thisHost(within:)``).
    package init(_ spec: CommandSpec, inputs: [CommandInput: String], instanceFromEnvironment: String? = nil,
                thisHost: @escaping () throws(OrchestratorError) -> String) throws(OrchestratorError) {
        try self.init(spec, inputs: inputs, environmentInstance: { () throws(OrchestratorError) -> String? in instanceFromEnvironment },
                      thisHost: thisHost)
    }

    /// As above, with `ORCHESTRATOR_INSTANCE` read only when the command needs an instance and none is given
    /// (its value may hold `$(hostname -f)`, a name lookup).
    package init(_ spec: CommandSpec, inputs: [CommandInput: String],
                 environmentInstance: @escaping () throws(OrchestratorError) -> String?,
                 thisHost: @escaping () throws(OrchestratorError) -> String) throws(OrchestratorError) {
        // An empty value is a mistake, never "not given": an empty instance must not fall back to this host.
        if let empty = CommandInput.allCases.first(where: { inputs[$0].map(ValueSource.isEmptyValue) == true }) {
            throw .input(.emptyInput(empty))
        }
        let resolver = ValueResolver(spec: spec, inputs: inputs, instanceFromEnvironment: environmentInstance,
                                     defaultPort: try ValueRules.defaultPort(inputs[.defaultPort]), thisHost: thisHost)
        self.spec = spec
        switch spec.kind {
        case .route(let template):
            path = template.render(try resolver.resolve(template))
        case .rawAPI:
            guard let raw = inputs[.path], !ValueSource.isEmptyValue(raw) else {
                throw .input(.missingInput(command: spec.name, oneOf: [.path], orInstanceSetting: false))
            }
            path = try APIPath(validating: raw)
        case .whichAPI, .help, .endpointReport:
            path = nil
        }
        if case .requestedInstance = spec.output {
            requestedInstance = try resolver.requestedInstance()
        } else {
            requestedInstance = nil
        }
    }
}

/// Turns a command's inputs into the validated values its route needs.
struct ValueResolver {
    let spec: CommandSpec
    let inputs: [CommandInput: String]
    let instanceFromEnvironment: () throws(OrchestratorError) -> String?
    let defaultPort: Int
    /// This host's name, asked for only when a command defaults to it.
    let thisHost: () throws(OrchestratorError) -> String

    /// The instance input, or `ORCHESTRATOR_INSTANCE`, or (for commands about this host) this host.
    func instanceText() throws(OrchestratorError) -> String? {
        if let given = inputs[.instance], !ValueSource.isEmptyValue(given) { return given }
        if let fromEnvironment = try instanceFromEnvironment() {
            if !ValueSource.isEmptyValue(fromEnvironment) { return fromEnvironment }
            // Set but empty (`export ORCHESTRATOR_INSTANCE=$TARGET` with TARGET unset) must not mean this host either.
            if spec.defaultsToThisHost {
                throw .input(.emptyInstanceSetting)
            }
        }
        guard spec.defaultsToThisHost else { return nil }
        // begin-downtime given an alias names a target, just not the one this command takes: never this host instead.
        if let other = [CommandInput.alias, .destination, .hostname].first(where: { inputs[$0] != nil }) {
            throw .input(.instanceNeeded(command: spec.name, given: other))
        }
        return try thisHost()
    }

    /// The instance key named by the inputs, if any (used by `async-discover`'s output).
    func requestedInstance() throws(OrchestratorError) -> InstanceKey? {
        guard let text = try instanceText() else { return nil }
        return try InstanceKey(parsing: text, defaultPort: defaultPort)
    }

    /// Resolves every value of `template`.
    func resolve(_ template: RouteTemplate) throws(OrchestratorError) -> [RouteValue: ResolvedValue] {
        var resolved: [RouteValue: ResolvedValue] = [:]
        for part in template.parts {
            guard case let .value(value, optional, _, inQuery) = part else { continue }
            if let result = try resolve(value, inQuery: inQuery) {
                resolved[value] = result
            } else if !optional {
                throw .input(.missingInput(command: spec.name, oneOf: value.inputs,
                                           orInstanceSetting: value == .instance || value == .cluster))
            }
        }
        return resolved
    }

    private func given(_ input: CommandInput) -> String? {
        guard let value = inputs[input], !ValueSource.isEmptyValue(value) else { return nil }
        return value
    }

    private func resolve(_ value: RouteValue, inQuery: Bool) throws(OrchestratorError) -> ResolvedValue? {
        let source = ValueSource.input(value.inputs[0])
        func text(_ raw: String) throws(OrchestratorError) -> ResolvedValue { try value.text(raw, inQuery: inQuery, source: source) }
        switch value {
        case .instance:
            guard let raw = try instanceText() else { return nil }
            return .instance(try InstanceKey(parsing: raw, defaultPort: defaultPort))
        case .destination:
            guard let raw = given(.destination) else { return nil }
            return .instance(try InstanceKey(parsing: raw, defaultPort: defaultPort, source: .input(.destination)))
        case .cluster:
            if let alias = given(.alias) { return try text(alias) }
            guard let raw = try instanceText() else { return nil }
            return .text(try InstanceKey(parsing: raw, defaultPort: defaultPort).description)
        case .alias:
            guard let alias = given(.alias) else { return nil }
            return try text(alias)
        case .search:
            guard let raw = try instanceText() else { return nil }
            return try text(raw)
        case .instances:
            guard let raw = try instanceText() else { return nil }
            return .text(try ValueRules.instanceList(raw, defaultPort: defaultPort))
        case .owner:
            guard let owner = given(.owner) ?? HostIdentity.currentUser() else { return nil }
            return try text(owner)
        case .duration:
            return .text(try ValueRules.duration(given(.duration) ?? "10m"))
        case .rule:
            guard let raw = given(.promotionRule) else { return nil }
            return .text(try ValueRules.promotionRule(raw).rawValue)
        case .seconds:
            guard let raw = given(.seconds) else { return nil }
            return .text(try ValueRules.seconds(raw))
        case .tag, .tags, .reason, .hostname, .binlog, .pool, .query:
            guard let raw = given(value.inputs[0]) else { return nil }
            return try text(raw)
        }
    }
}

extension RouteValue {
    /// A text value checked by this value's rule and encoded for where the route puts it: the one rule for the
    /// command line's strings and the typed methods' arguments alike.
    func text(_ raw: String, inQuery: Bool, source: ValueSource) throws(OrchestratorError) -> ResolvedValue {
        switch self {
        case .tag: .text(try ValueRules.tag(raw, source: source))
        case .tags: .text(try ValueRules.tag(raw, source: source, allowList: true))
        case .search: .text(try ValueRules.queryText(raw, source: source))
        default: .text(inQuery ? try ValueRules.queryText(raw, source: source) : try ValueRules.pathSegment(raw, source: source))
        }
    }
}
