/// The connections of an ``OrchestratorClient`` and its copies: the ``TransferLoop`` (I/O thread, libcurl's handles),
/// made by the first call and ended when the last copy is gone (its `deinit` waits for the thread).
final class ClientConnections: Sendable {
    private let loop = LockedValue<AsyncHTTPSending?>(nil)
    private let maximumPerEndpoint: Int

    init(maximumPerEndpoint: Int) {
        self.maximumPerEndpoint = maximumPerEndpoint
    }

    /// Connections that send through `sender` (a test double).
    init(sender: AsyncHTTPSending) {
        self.maximumPerEndpoint = 0
        loop.withLock { $0 = sender }
    }

    /// The client's sender, started now if this is the first call.
    func sender(for configuration: ClientConfiguration) -> AsyncHTTPSending {
        loop.withLock { loop in
            if let loop { return loop }
            let started = TransferLoop(configuration: configuration, maximumPerEndpoint: maximumPerEndpoint)
            loop = started
            return started
        }
    }
}
