#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Facts about the machine and user the client runs as.
package enum HostIdentity {
    /// What `hostname` prints: the kernel's host name, without any name lookup.
    package static func shortName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let name = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return ValueSource.isEmptyValue(name) ? nil : name
    }

    /// This host's name as the commands about this host send it: what `hostname -f` prints (the resolver's canonical
    /// name for `hostname`), looked up at most once per process and for at most `milliseconds` (a slow resolver
    /// must not hold the client past its bounds).
    ///
    /// Refused (a usage error) when the resolver does not know the name, or gives a loopback name such as `localhost`
    /// (a Debian-style `127.0.0.1 localhost db8` line in /etc/hosts): orchestrator would register `localhost`.
    /// A name without a domain is used as `hostname -f` prints it. A lookup that runs out of time is a timeout.
    package static func thisHost(within milliseconds: Int) throws(OrchestratorError) -> String {
        guard let short = shortName() else {
            throw .usage("cannot tell this host's name: gethostname() failed", remedy: .nameTheInstance)
        }
        if isLoopbackName(short) {
            throw .usage("cannot tell this host's name: hostname prints \"\(short)\", a loopback name", remedy: .nameTheInstance)
        }
        switch CanonicalNameLookup.shared.canonicalName(of: short, within: milliseconds) {
        case .found(let name):
            if isLoopbackName(name) {
                throw .usage("cannot tell this host's name: hostname -f gives \"\(name)\", a loopback name "
                             + "(/etc/hosts lists \(short) on the line of \(name))", remedy: .nameTheInstance)
            }
            return name
        case .notFound(let reason):
            throw .usage("cannot tell this host's name: the resolver does not know \"\(short)\" (\(reason)), so hostname -f "
                         + "fails too", remedy: .nameTheInstance)
        case .timedOut:
            throw .timedOut(endpoint: "this host's name", waitedFor: "the resolver to answer for \"\(short)\"",
                            milliseconds: milliseconds, remedy: .nameTheInstanceAfterLookupTimeout)
        }
    }

    /// This host's name as ``thisHost(within:)`` gives it with the default connect timeout, or `nil`.
    package static func fullyQualifiedName() -> String? {
        try? thisHost(within: Timeouts.default.connectMilliseconds)
    }

    /// `localhost` and the other names of the loopback interface, which never name a MySQL host to others.
    package static func isLoopbackName(_ name: String) -> Bool {
        let lower = name.lowercased()
        let names: Set<String> = ["localhost", "localhost.localdomain", "localhost4", "localhost4.localdomain4", "localhost6",
                                  "localhost6.localdomain6", "ip6-localhost", "ip6-loopback", "loopback"]
        if names.contains(lower) || lower.hasSuffix(".localhost") { return true }
        return lower.hasPrefix("127.") && lower.split(separator: ".").count == 4 || lower == "::1"
    }

    /// The login name of the effective user, the default owner of downtimes and maintenance.
    package static func currentUser() -> String? {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return getenv("USER").map { String(cString: $0) }
    }
}

/// `getaddrinfo(AI_CANONNAME)` on a thread of its own, so the caller waits at most its bound; the result is kept
/// for the rest of the process (the lookup is not started twice, even after a time-out).
final class CanonicalNameLookup: @unchecked Sendable {
    enum Outcome: Sendable, Equatable {
        case found(String)
        case notFound(String)
        case timedOut
    }

    static let shared = CanonicalNameLookup()

    // Allocated, so their addresses never move.
    private let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)
    // Guarded by `mutex`.
    private var started = false
    private var outcome: Outcome?

    private init() {
        pthread_mutex_init(mutex, nil)
        pthread_cond_init(condition, nil)
    }

    func canonicalName(of name: String, within milliseconds: Int) -> Outcome {
        let bound = max(1, milliseconds)
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        var deadline = timespec(tv_sec: now.tv_sec + bound / 1000, tv_nsec: now.tv_nsec + (bound % 1000) * 1_000_000)
        if deadline.tv_nsec >= 1_000_000_000 { deadline.tv_sec += 1; deadline.tv_nsec -= 1_000_000_000 }
        pthread_mutex_lock(mutex)
        let startHere = !started
        started = true
        pthread_mutex_unlock(mutex)
        if startHere && !startThread(name) { finish(Self.lookUp(name)) }
        pthread_mutex_lock(mutex)
        while outcome == nil {
            if pthread_cond_timedwait(condition, mutex, &deadline) == ETIMEDOUT { break }
        }
        let result = outcome ?? .timedOut
        pthread_mutex_unlock(mutex)
        return result
    }

    private func startThread(_ name: String) -> Bool {
        let context = Unmanaged.passRetained(Request(lookup: self, name: name)).toOpaque()
        var thread = pthread_t()
        let status = pthread_create(&thread, nil, canonicalNameThread, context)
        if status != 0 {
            Unmanaged<Request>.fromOpaque(context).release()
            return false
        }
        pthread_detach(thread)
        return true
    }

    fileprivate func run(_ request: Request) {
        finish(Self.lookUp(request.name))
    }

    fileprivate final class Request {
        let lookup: CanonicalNameLookup
        let name: String
        init(lookup: CanonicalNameLookup, name: String) { self.lookup = lookup; self.name = name }
    }

    fileprivate func finish(_ result: Outcome) {
        pthread_mutex_lock(mutex)
        outcome = result
        pthread_cond_broadcast(condition)
        pthread_mutex_unlock(mutex)
    }

    private static func lookUp(_ name: String) -> Outcome {
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &result)
        guard status == 0, let info = result else { return .notFound(String(cString: gai_strerror(status)).lowercased()) }
        defer { freeaddrinfo(info) }
        if let canonical = info.pointee.ai_canonname {
            let text = String(cString: canonical)
            if !ValueSource.isEmptyValue(text) { return .found(text) }
        }
        return .found(name)
    }
}

private func canonicalNameThread(_ context: UnsafeMutableRawPointer?) -> UnsafeMutableRawPointer? {
    guard let context else { return nil }
    let request = Unmanaged<CanonicalNameLookup.Request>.fromOpaque(context).takeRetainedValue()
    request.lookup.run(request)
    return nil
}
