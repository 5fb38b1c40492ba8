// The library's benchmark and lifecycle probe, a program built on OrchestratorClientKit alone, run in a
// process of its own so that its thread, descriptor and memory counts are the library's and nothing else's.
//
//   library-bench calls --calls N (--sequential | --concurrent) [--limit N] [--instance HOST:PORT]
//       N `instance` calls through one client, one after another or all at once; prints one JSON line:
//       wall time, failures, peak threads (sampled every millisecond from /proc/self/status, this sampler
//       included), peak RSS. The endpoint and TLS settings come from the environment (ORCHESTRATOR_API,
//       ORCHESTRATOR_CA_FILE, …). Connections and TLS handshakes are counted by the servers (bench/run.sh).
//   library-bench lifecycle --clients N [--instance HOST:PORT]
//       whether creating a client loads libcurl or starts a thread, and the threads and descriptors left after
//       N clients each made a call and were dropped; prints one JSON line.
//
// Built with -DLIBRARY_BENCH_BASELINE against the library before it reused connections (5904c7b: no limit parameter),
// for BENCHMARKS.md's "before" figures.
import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#endif

func fail(_ message: String) -> Never {
    let text = "library-bench: \(message)\n"
    _ = text.withCString { write(2, $0, strlen($0)) }
    exit(2)
}

func taskCount() -> Int { entries("/proc/self/task") }

/// The client I/O threads alive (named `occ-transfers`); the runtime's own threads may come and go.
func transferThreadCount() -> Int {
    guard let directory = opendir("/proc/self/task") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        guard name.first?.isNumber == true, let file = fopen("/proc/self/task/\(name)/comm", "r") else { continue }
        var buffer = [CChar](repeating: 0, count: 64)
        if fgets(&buffer, 64, file) != nil,
           String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self).hasPrefix("occ-transfers") { count += 1 }
        fclose(file)
    }
    return count
}
func descriptorCount() -> Int { entries("/proc/self/fd") - 1 }   // less the one reading the directory

func entries(_ path: String) -> Int {
    guard let directory = opendir(path) else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
        if name != "." && name != ".." { count += 1 }
    }
    return count
}

func libcurlMapped() -> Bool {
    guard let file = fopen("/proc/self/maps", "r") else { return false }
    defer { fclose(file) }
    var line = [CChar](repeating: 0, count: 4096)
    while fgets(&line, Int32(line.count), file) != nil {
        if strstr(line, "libcurl") != nil { return true }
    }
    return false
}

func peakRSSKiB() -> Int {
    var usage = rusage()
    getrusage(RUSAGE_SELF.rawValue, &usage)
    return usage.ru_maxrss
}

/// Samples the thread count every millisecond on a thread of its own until stopped.
final class ThreadSampler: @unchecked Sendable {
    private var peak = 0
    private var running = true
    private let lock = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)
    private var thread = pthread_t()

    init() {
        pthread_mutex_init(lock, nil)
        let context = Unmanaged.passRetained(self).toOpaque()
        pthread_create(&thread, nil, { context in
            let sampler = Unmanaged<ThreadSampler>.fromOpaque(context!).takeRetainedValue()
            sampler.loop()
            return nil
        }, context)
    }

    private func loop() {
        while true {
            let count = taskCount()
            pthread_mutex_lock(lock)
            peak = max(peak, count)
            let go = running
            pthread_mutex_unlock(lock)
            if !go { return }
            usleep(1_000)
        }
    }

    func stop() -> Int {
        pthread_mutex_lock(lock)
        running = false
        pthread_mutex_unlock(lock)
        pthread_join(thread, nil)
        return peak
    }
}

func makeClient(limit: Int?) -> OrchestratorClient {
    do {
        #if LIBRARY_BENCH_BASELINE
        _ = limit
        return try OrchestratorClient(environment: .current())
        #else
        return try OrchestratorClient(environment: .current(), maximumConcurrentRequestsPerEndpoint: limit ?? 8)
        #endif
    } catch {
        fail("\(error)")
    }
}

var arguments = Array(CommandLine.arguments.dropFirst())
guard let mode = arguments.first else { fail("usage: library-bench calls|lifecycle …") }
arguments.removeFirst()
var calls = 1_000, clients = 100, concurrent = false, limit: Int?
var instanceText = "127.0.0.1:10112"
while !arguments.isEmpty {
    let flag = arguments.removeFirst()
    func value() -> String {
        guard !arguments.isEmpty else { fail("\(flag) needs a value") }
        return arguments.removeFirst()
    }
    switch flag {
    case "--calls": calls = Int(value()) ?? 0
    case "--clients": clients = Int(value()) ?? 0
    case "--limit": limit = Int(value())
    case "--instance": instanceText = value()
    case "--concurrent": concurrent = true
    case "--sequential": concurrent = false
    default: fail("unknown argument \(flag)")
    }
}
let key: InstanceKey
do { key = try InstanceKey(parsing: instanceText) } catch { fail("\(error)") }

switch mode {
case "calls":
    let client = makeClient(limit: limit)
    let sampler = ThreadSampler()
    var started = timespec()
    clock_gettime(CLOCK_MONOTONIC, &started)
    var failures = 0
    var firstError = ""
    if concurrent {
        await withTaskGroup(of: String?.self) { group in
            for _ in 0..<calls {
                group.addTask {
                    do { _ = try await client.instance(key); return nil } catch { return "\(error)" }
                }
            }
            for await error in group where error != nil {
                failures += 1
                if firstError.isEmpty { firstError = error! }
            }
        }
    } else {
        for _ in 0..<calls {
            do { _ = try await client.instance(key) } catch {
                failures += 1
                if firstError.isEmpty { firstError = "\(error)" }
            }
        }
    }
    var ended = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ended)
    let wall = Double(ended.tv_sec - started.tv_sec) * 1000 + Double(ended.tv_nsec - started.tv_nsec) / 1e6
    let peakThreads = sampler.stop()
    let escaped = firstError.unicodeScalars.map { $0 == "\"" || $0 == "\\" ? "\\\($0)" : $0.value < 0x20 ? " " : String($0) }.joined()
    print("{\"mode\":\"\(concurrent ? "concurrent" : "sequential")\",\"calls\":\(calls),\"wall_ms\":\(wall),\"failures\":\(failures),"
          + "\"peak_threads\":\(peakThreads),\"peak_rss_kib\":\(peakRSSKiB()),\"first_error\":\"\(escaped)\"}")
case "lifecycle":
    let threadsAtStart = taskCount()
    var loadedAfterCreate = true
    var threadsAfterCreate = -1
    var loadedAfterCall = false
    var firstError = ""
    do {
        let client = makeClient(limit: limit)
        loadedAfterCreate = libcurlMapped()
        threadsAfterCreate = taskCount()
        do { _ = try await client.instance(key) } catch { firstError = "\(error)" }
        loadedAfterCall = libcurlMapped()
    }
    // Let the first call's leftovers settle (the concurrency runtime's own threads stay): the baseline.
    usleep(200_000)
    let threadsBaseline = taskCount(), descriptorsBaseline = descriptorCount()
    var threadsWhileAlive = 0, transferThreadsWhileAlive = 0
    for index in 0..<clients {
        let client = makeClient(limit: limit)
        do { _ = try await client.instance(key) } catch { if firstError.isEmpty { firstError = "\(error)" } }
        if index == 0 { threadsWhileAlive = taskCount(); transferThreadsWhileAlive = transferThreadCount() }
    }
    // Threads end asynchronously after join returns in the kernel's view; give /proc a moment.
    var threadsAfter = taskCount(), descriptorsAfter = descriptorCount(), transferThreadsAfter = transferThreadCount()
    for _ in 0..<100 where transferThreadsAfter != 0 || descriptorsAfter != descriptorsBaseline {
        usleep(20_000)
        threadsAfter = taskCount()
        descriptorsAfter = descriptorCount()
        transferThreadsAfter = transferThreadCount()
    }
    print("{\"threads_at_start\":\(threadsAtStart),\"threads_after_create\":\(threadsAfterCreate),"
          + "\"libcurl_loaded_after_create\":\(loadedAfterCreate),\"libcurl_loaded_after_first_call\":\(loadedAfterCall),"
          + "\"threads_baseline\":\(threadsBaseline),\"threads_while_a_client_lives\":\(threadsWhileAlive),"
          + "\"threads_after\":\(threadsAfter),\"descriptors_baseline\":\(descriptorsBaseline),"
          + "\"transfer_threads_while_a_client_lives\":\(transferThreadsWhileAlive),\"transfer_threads_after\":\(transferThreadsAfter),"
          + "\"descriptors_after\":\(descriptorsAfter),\"clients\":\(clients),\"error\":\"\(firstError.isEmpty ? "" : "yes")\"}")
default:
    fail("unknown mode \(mode): calls or lifecycle")
}
