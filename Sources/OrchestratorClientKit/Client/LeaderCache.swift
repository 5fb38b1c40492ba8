/// The raft leader last used by an ``OrchestratorClient``, shared safely between concurrent calls.
final class LeaderCache: Sendable {
    private let storage = LockedValue<Endpoint?>(nil)

    /// The cached leader, or `nil` when none is known.
    var endpoint: Endpoint? {
        get { storage.withLock { $0 } }
        set { storage.withLock { $0 = newValue } }
    }
}
