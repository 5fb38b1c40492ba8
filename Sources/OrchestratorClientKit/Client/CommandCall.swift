/// The request of command `spec` for `path`, after the check the table asks for (`raft-state` for raft commands),
/// with the retry rule of the command's safety; a 2xx answer counts only when it holds what the command prints.
final class CommandCall: SessionCall {
    let spec: CommandSpec
    let path: APIPath
    private var raftCheck: RequestCall?
    private let request: RequestCall

    init(_ spec: CommandSpec, path: APIPath) {
        self.spec = spec
        self.path = path
        self.request = RequestCall(path, safety: spec.safety)
    }

    func start(_ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        guard spec.precheck == .raftLeader else { return try startRequest(core) }
        let check = RequestCall(SessionCore.raftStatePath, safety: .readOnly)
        raftCheck = check
        return try check.start(core).then { state throws(OrchestratorError) in try afterRaftCheck(state, core) }
    }

    func resume(_ event: SessionEvent, _ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        if let raftCheck {
            return try raftCheck.resume(event, core).then { state throws(OrchestratorError) in try afterRaftCheck(state, core) }
        }
        do {
            return try request.resume(event, core).then { answer throws(OrchestratorError) in try shaped(answer) }
        } catch {
            throw error.naming(spec)
        }
    }

    /// The bash client's check before raft commands: the node asked must say it leads.
    private func afterRaftCheck(_ state: APIAnswer, _ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        raftCheck = nil
        try SessionCore.checkRaftState(state)
        return try startRequest(core)
    }

    private func startRequest(_ core: SessionCore) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        do {
            return try request.start(core).then { answer throws(OrchestratorError) in try shaped(answer) }
        } catch {
            throw error.naming(spec)
        }
    }

    private func shaped(_ answer: APIAnswer) throws(OrchestratorError) -> SessionAction<APIAnswer> {
        .done(try SessionCore.checkShape(of: answer, for: spec, path: path))
    }
}
