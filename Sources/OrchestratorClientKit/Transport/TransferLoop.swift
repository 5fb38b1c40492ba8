import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// The library's connections: one I/O thread running libcurl's multi interface for one ``OrchestratorClient`` and
/// its copies, so that calls reuse connections (and TLS sessions, and DNS answers) and run concurrently without a
/// thread each.
///
/// The thread starts with the first call (which loads libcurl) and ends when the last copy of the client is gone:
/// `deinit` stops it, and waits for it, once no call is running (every call holds the loop). It owns a pooled
/// ``CurlTransport``; callers reach it only through a locked inbox and a wake-up descriptor.
///
/// At most ``maximumPerEndpoint`` requests are in flight to one endpoint (over HTTP/1.1, as many connections); the
/// others wait in order, their time bound running, and are cancelled like running ones.
package final class TransferLoop: AsyncHTTPSending {
    /// The I/O thread's name (`/proc/self/task/*/comm`).
    package static let threadName = "occ-transfers"

    /// Requests in flight to one endpoint at most.
    package let maximumPerEndpoint: Int
    private let inbox: LoopInbox
    private let thread: pthread_t

    /// Starts the I/O thread; nothing is loaded before the first request reaches it.
    package init(configuration: ClientConfiguration, maximumPerEndpoint: Int) {
        self.maximumPerEndpoint = max(1, maximumPerEndpoint)
        let inbox = LoopInbox()
        self.inbox = inbox
        let worker = LoopWorker(inbox: inbox, configuration: configuration, maximumPerEndpoint: self.maximumPerEndpoint)
        var thread = pthread_t()
        let context = Unmanaged.passRetained(worker).toOpaque()
        let started = pthread_create(&thread, nil, { context in
            let worker = Unmanaged<LoopWorker>.fromOpaque(context!).takeRetainedValue()
            // Named, so that `ps -L`, a debugger and the lifecycle benchmark can tell it from the runtime's threads.
            occ_name_this_thread(TransferLoop.threadName)
            worker.run()
            return nil
        }, context)
        if started != 0 {
            // No thread: every request fails at once, saying so (see LoopInbox.submit).
            Unmanaged<LoopWorker>.fromOpaque(context).release()
            inbox.markDead()
        }
        self.thread = started == 0 ? thread : pthread_t()
    }

    deinit {
        guard !inbox.isDead else { return }
        inbox.stop()
        // The last reference may be dropped on the I/O thread itself (a job's closure): it cannot wait for itself.
        if pthread_equal(thread, pthread_self()) != 0 {
            pthread_detach(thread)
        } else {
            pthread_join(thread, nil)
        }
    }

    /// Sends `requests` at once; see ``AsyncHTTPSending/send(_:preferringEarlier:isEnough:)``.
    package func send(_ requests: [HTTPRequest], preferringEarlier: Bool,
                      isEnough: @escaping @Sendable (HTTPOutcome) -> Bool) async -> [HTTPOutcome?] {
        guard !requests.isEmpty else { return [] }
        let ids = inbox.reserveIDs(requests.count)
        let gather = Gather(count: requests.count, preferringEarlier: preferringEarlier, isEnough: isEnough)
        let inbox = inbox
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<[HTTPOutcome?], Never>) in
                gather.install(continuation)
                let now = Clock.nowMilliseconds()
                let jobs = requests.indices.map { index in
                    // Once enough has come the caller goes on; the other requests still run to their end, unawaited,
                    // within their own time bound, so that their connections stay open for the next calls (a leader
                    // probe abandoned in flight would close its connection).
                    LoopJob(id: ids[index], request: requests[index], queuedAt: now) { outcome in
                        gather.deliver(index, outcome)
                    }
                }
                inbox.submit(jobs)
                // Cancelled before the jobs reached the inbox: the handler below found nothing to cancel.
                if Task.isCancelled { inbox.cancel(ids) }
            }
        } onCancel: {
            inbox.cancel(ids)
        }
    }
}

/// One request handed to the I/O thread.
struct LoopJob: Sendable {
    let id: Int
    let request: HTTPRequest
    /// When it was submitted: a request that waits for a free slot spends its own time bound.
    let queuedAt: UInt64
    /// Called once, on the I/O thread, with the outcome.
    let complete: @Sendable (HTTPOutcome) -> Void
}

/// Collects the outcomes of one ``TransferLoop/send(_:preferringEarlier:isEnough:)`` (as ``OutcomeCollector`` rules)
/// and resumes its caller once.
private final class Gather: Sendable {
    private struct State {
        var collector: OutcomeCollector
        var continuation: CheckedContinuation<[HTTPOutcome?], Never>?
        var finished = false
    }
    private let state: LockedValue<State>
    private let isEnough: @Sendable (HTTPOutcome) -> Bool

    init(count: Int, preferringEarlier: Bool, isEnough: @escaping @Sendable (HTTPOutcome) -> Bool) {
        state = LockedValue(State(collector: OutcomeCollector(count: count, preferringEarlier: preferringEarlier)))
        self.isEnough = isEnough
    }

    /// Resumes the caller with what has come, if it has not been resumed (the grace for earlier requests ended).
    private func finish() {
        let (resume, outcomes) = state.withLock { state -> (CheckedContinuation<[HTTPOutcome?], Never>?, [HTTPOutcome?]) in
            guard !state.finished else { return (nil, []) }
            state.finished = true
            let continuation = state.continuation
            state.continuation = nil
            return (continuation, state.collector.outcomes)
        }
        resume?.resume(returning: outcomes)
    }

    func install(_ continuation: CheckedContinuation<[HTTPOutcome?], Never>) {
        state.withLock { $0.continuation = continuation }
    }

    /// Records the outcome of request `index`; resumes the caller once it has enough, or when the grace for the
    /// requests listed before the accepted one ends.
    func deliver(_ index: Int, _ outcome: HTTPOutcome) {
        let enough = isEnough(outcome)
        enum Next { case wait, finish, finishAt(UInt64) }
        let next = state.withLock { state -> Next in
            guard !state.finished else { return .wait }
            let graceStarted = state.collector.graceEnds != nil
            state.collector.record(outcome, at: index, enough: enough)
            if state.collector.isComplete() { return .finish }
            guard !graceStarted, let ends = state.collector.graceEnds else { return .wait }
            return .finishAt(ends)
        }
        switch next {
        case .wait: break
        case .finish: finish()
        case .finishAt(let ends):
            Task { [self] in
                let now = Clock.nowMilliseconds()
                if ends > now { try? await Task.sleep(for: .milliseconds(Int(ends - now))) }
                finish()
            }
        }
    }
}

/// What callers hand to the I/O thread: jobs, cancellations and the stop, under a lock, and a descriptor that wakes
/// the thread from `curl_multi_poll` (`curl_multi_wait` with a libcurl older than 7.66.0).
final class LoopInbox: Sendable {
    private struct Contents {
        var submitted: [LoopJob] = []
        var cancelled: [Int] = []
        var stopping = false
        var dead = false
        var nextID = 1
    }
    private let contents = LockedValue(Contents())
    /// An eventfd: written to wake the thread, drained by it.
    let wakeDescriptor: Int32

    init() {
        wakeDescriptor = occ_wake_descriptor()
    }

    deinit {
        if wakeDescriptor >= 0 { close(wakeDescriptor) }
    }

    func reserveIDs(_ count: Int) -> [Int] {
        contents.withLock { contents in
            let first = contents.nextID
            contents.nextID += count
            return Array(first..<first + count)
        }
    }

    func submit(_ jobs: [LoopJob]) {
        let refused = contents.withLock { contents -> Bool in
            if contents.dead || contents.stopping { return true }
            contents.submitted += jobs
            return false
        }
        if refused {
            let failure = TransportFailure(kind: .other, reason: "the client's I/O thread could not start", elapsedMilliseconds: 0,
                                           delivery: .notSent)
            for job in jobs { job.complete(.failure(failure)) }
            return
        }
        wake()
    }

    func cancel(_ ids: [Int]) {
        contents.withLock { $0.cancelled += ids }
        wake()
    }

    func stop() {
        contents.withLock { $0.stopping = true }
        wake()
    }

    func markDead() { contents.withLock { $0.dead = true } }

    var isDead: Bool { contents.withLock { $0.dead } }

    /// Everything handed in since the last call.
    func take() -> (submitted: [LoopJob], cancelled: [Int], stopping: Bool) {
        contents.withLock { contents in
            defer { contents.submitted = []; contents.cancelled = [] }
            return (contents.submitted, contents.cancelled, contents.stopping)
        }
    }

    private func wake() {
        var one: UInt64 = 1
        _ = write(wakeDescriptor, &one, 8)
    }

    /// Empties the descriptor, on the I/O thread after a wait.
    func drainWakeups() {
        var count: UInt64 = 0
        _ = read(wakeDescriptor, &count, 8)
    }
}

/// The I/O thread's state; touched by that thread only.
private final class LoopWorker {
    private let inbox: LoopInbox
    private let maximumPerEndpoint: Int
    private var transport: CurlTransport?
    private var running: [Int: LoopJob] = [:]
    /// Requests waiting for a free slot, per endpoint URL, oldest first.
    private var waiting: [String: [LoopJob]] = [:]
    private var inFlight: [String: Int] = [:]

    init(inbox: LoopInbox, configuration: ClientConfiguration, maximumPerEndpoint: Int) {
        self.inbox = inbox
        self.maximumPerEndpoint = maximumPerEndpoint
        self.transport = CurlTransport(configuration: configuration, pooled: true,
                                       keptConnections: maximumPerEndpoint * configuration.endpoints.count)
    }

    func run() {
        while true {
            let (submitted, cancelled, stopping) = inbox.take()
            for job in submitted { enqueue(job) }
            for id in cancelled { cancel(id) }
            if stopping { break }
            expireWaiting()
            guard let transport else { break }
            transport.perform()
            while let (tag, outcome) = transport.nextCompleted() { finish(tag, outcome) }
            // Wait for the network, a caller, or the next queued request's deadline (libcurl shortens the wait to
            // its own timers). Idle, the thread sleeps in poll until woken.
            let idle = transport.runningCount == 0
            let wait = idle && waiting.isEmpty ? 60_000 : min(nextWaitingDeadline(), 1_000)
            if transport.isLoaded {
                transport.wait(milliseconds: Int32(wait), wakeDescriptor: inbox.wakeDescriptor)
            } else {
                var descriptor = pollfd(fd: inbox.wakeDescriptor, events: Int16(POLLIN), revents: 0)
                _ = poll(&descriptor, 1, Int32(wait))
            }
            inbox.drainWakeups()
        }
        // Stopping: nobody awaits these any more (every call holds the loop), but answer them all the same.
        for id in Array(running.keys) { cancel(id) }
        for job in waiting.values.joined() {
            job.complete(.failure(TransportFailure(kind: .cancelledBeforeSending, reason: "cancelled", elapsedMilliseconds: 0)))
        }
        waiting = [:]
        // Closes the connections and releases libcurl's handles, on this thread, before it ends.
        transport = nil
    }

    private func enqueue(_ job: LoopJob) {
        let endpoint = job.request.endpoint.url
        if inFlight[endpoint, default: 0] < maximumPerEndpoint {
            start(job)
        } else {
            waiting[endpoint, default: []].append(job)
        }
    }

    private func start(_ job: LoopJob) {
        let waited = Int(Clock.nowMilliseconds() - job.queuedAt)
        let remaining = job.request.timeoutMilliseconds - waited
        guard remaining > 0 else {
            job.complete(.failure(Self.queueTimeout(waited: waited)))
            return
        }
        // The request as the caller made it (certificate, safety), with what is left of its time bound.
        var request = job.request
        request.timeoutMilliseconds = remaining
        if let failure = transport?.start(request, tag: job.id) {
            job.complete(.failure(failure))
            return
        }
        running[job.id] = job
        inFlight[job.request.endpoint.url, default: 0] += 1
    }

    private func finish(_ tag: Int, _ outcome: HTTPOutcome) {
        guard let job = running.removeValue(forKey: tag) else { return }
        release(job.request.endpoint.url)
        job.complete(outcome)
    }

    private func cancel(_ id: Int) {
        if let job = running.removeValue(forKey: id) {
            let failure = transport?.abandon(tag: id)
                ?? TransportFailure(kind: .cancelledBeforeSending, reason: "cancelled", elapsedMilliseconds: 0)
            release(job.request.endpoint.url)
            job.complete(.failure(failure))
            return
        }
        for (endpoint, jobs) in waiting {
            guard let index = jobs.firstIndex(where: { $0.id == id }) else { continue }
            let job = waiting[endpoint]!.remove(at: index)
            job.complete(.failure(TransportFailure(kind: .cancelledBeforeSending, reason: "cancelled", elapsedMilliseconds: 0)))
            return
        }
    }

    /// A slot of `endpoint` is free: the oldest waiting request takes it.
    private func release(_ endpoint: String) {
        inFlight[endpoint, default: 1] -= 1
        while inFlight[endpoint, default: 0] < maximumPerEndpoint, var queue = waiting[endpoint], !queue.isEmpty {
            let next = queue.removeFirst()
            waiting[endpoint] = queue.isEmpty ? nil : queue
            start(next)
        }
    }

    /// Fails the waiting requests whose time bound ran out before a slot was free.
    private func expireWaiting() {
        guard !waiting.isEmpty else { return }
        let now = Clock.nowMilliseconds()
        for (endpoint, jobs) in waiting {
            let (expired, kept) = jobs.reduce(into: ([LoopJob](), [LoopJob]())) { parts, job in
                if now - job.queuedAt >= UInt64(max(0, job.request.timeoutMilliseconds)) { parts.0.append(job) } else { parts.1.append(job) }
            }
            guard !expired.isEmpty else { continue }
            waiting[endpoint] = kept.isEmpty ? nil : kept
            for job in expired { job.complete(.failure(Self.queueTimeout(waited: Int(now - job.queuedAt)))) }
        }
    }

    /// Milliseconds until the first waiting request's time bound runs out.
    private func nextWaitingDeadline() -> Int {
        let now = Clock.nowMilliseconds()
        var soonest = Int.max
        for job in waiting.values.joined() {
            let deadline = job.queuedAt + UInt64(max(0, job.request.timeoutMilliseconds))
            soonest = min(soonest, deadline > now ? Int(deadline - now) : 0)
        }
        return max(1, soonest)
    }

    /// A request that never got a slot was never sent.
    private static func queueTimeout(waited: Int) -> TransportFailure {
        TransportFailure(kind: .connectTimeout, reason: "no free connection after \(waited) ms (the client's limit of requests in flight to this endpoint)",
                         elapsedMilliseconds: waited)
    }
}
