import Foundation
import TestServer
#if canImport(Glibc)
import Glibc
#endif

// A stand-in orchestrator cluster on loopback for manual runs and the benchmark (bench/run.sh).
// Prints the ORCHESTRATOR_API value on one line, then serves until killed, until its standard input (a pipe
// or a terminal) closes, or until --seconds have passed, whichever comes first.

let usage = """
    usage: orchestrator-test-server [--scenario NAME] [--seconds N] [--log FILE] [--instances N]
                                    [--write-all-instances FILE] [--recordings DIR] [--connections FILE]
                                    [--background]
      --scenario NAME   three-nodes (default): 3 nodes, the raft leader listed last
                        hung-first: as three-nodes, but the first node accepts connections and never answers
                        single: one node
                        big: one node whose all-instances answer has --instances instances (default 10000)
                        recordings: 3 nodes, the raft leader listed last, answering every recorded path as the
                          recorded cluster did (raft-state, raft-health, status too): for trying the client out
      --seconds N       stop after N seconds (default 1800)
      --log FILE        append one line per request received: NODE METHOD TARGET (node 1 is listed first)
      --connections FILE
                        keep in FILE the number of connections accepted so far (rewritten as it changes)
      --write-all-instances FILE
                        write the all-instances answer body the nodes serve to FILE, then serve
      --recordings DIR  the recorded answers (default: $ORCHESTRATOR_API_RECORDINGS, else Tests/Recordings
                        of the repository found upwards from the current directory)
      --background      serve from a process of its own and return at once, after printing the
                        ORCHESTRATOR_API value (on stderr: its process id, to stop it with kill):
                        export ORCHESTRATOR_API="$(orchestrator-test-server --background)"
    The nodes of the other scenarios answer leader-check, routed-leader-check, discover/*, topology/*,
    instance/* and all-instances with the answers recorded from a real orchestrator (transcripts a041-discover,
    a004-topology, a009-instance, a019-all-instances).

    """

func fail(_ message: String, status: Int32 = 2) -> Never {
    FileHandle.standardError.write(Data("orchestrator-test-server: \(message)\n".utf8))
    exit(status)
}

var scenario = BenchmarkScenario.threeNodes
var seconds = 1800.0
var logPath: String?
var instanceCount = 10_000
var bodyPath: String?
var recordingsDirectory: String?
var connectionsPath: String?
var background = false

var arguments = Array(CommandLine.arguments.dropFirst())
while !arguments.isEmpty {
    var flag = arguments.removeFirst()
    var inlineValue: String?
    if flag.hasPrefix("--"), let equals = flag.firstIndex(of: "=") {
        inlineValue = String(flag[flag.index(after: equals)...])
        flag = String(flag[..<equals])
    }
    func value() -> String {
        if let inlineValue { return inlineValue }
        guard !arguments.isEmpty else { fail("\(flag) needs a value\n\(usage)") }
        return arguments.removeFirst()
    }
    switch flag {
    case "--scenario":
        let name = value()
        guard let chosen = BenchmarkScenario(rawValue: name) else {
            fail("unknown scenario \(name); one of: \(BenchmarkScenario.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        scenario = chosen
    case "--seconds":
        let text = value()
        guard let number = Double(text), number > 0, number <= 86_400 else { fail("--seconds \(text): want 0 < N <= 86400") }
        seconds = number
    case "--log": logPath = value()
    case "--instances":
        let text = value()
        guard let number = Int(text), number >= 1, number <= 1_000_000 else { fail("--instances \(text): want 1...1000000") }
        instanceCount = number
    case "--write-all-instances": bodyPath = value()
    case "--recordings": recordingsDirectory = value()
    case "--connections": connectionsPath = value()
    case "--background": background = true
    case "-h", "--help":
        print(usage, terminator: "")
        exit(0)
    default:
        fail("unknown argument \(flag)\n\(usage)")
    }
}

guard let directory = recordingsDirectory ?? Recordings.directory(searchingUpFrom: FileManager.default.currentDirectoryPath) else {
    fail("recordings not found: run from the repository (it holds Tests/Recordings), pass --recordings DIR or set ORCHESTRATOR_API_RECORDINGS")
}

/// Request log: one line per request, appended (O_APPEND, so a reader may truncate the file between runs).
final class RequestLog: Sendable {
    private let file: Locked<UnsafeMutablePointer<FILE>>
    init?(path: String) {
        guard let file = fopen(path, "a") else { return nil }
        self.file = Locked(file)
    }
    func write(_ line: String) {
        file.with { file in
            fputs(line + "\n", file)
            fflush(file)
        }
    }
}

// --background: fork now, while this process has no thread but the main one. The parent prints the value the
// child sends once its servers listen, and exits; the child, in a session of its own with standard input and output
// on /dev/null (so that `$(…)` returns), serves for --seconds.
var apiOutput: Int32 = 1
if background {
    var channel: [Int32] = [0, 0]
    guard pipe(&channel) == 0 else { fail("cannot make a pipe", status: 1) }
    let child = fork()
    guard child >= 0 else { fail("cannot fork", status: 1) }
    if child > 0 {
        close(channel[1])
        var received: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = read(channel[0], &buffer, buffer.count)
            if count > 0 { received += buffer[0..<count]; continue }
            if count < 0 && errno == EINTR { continue }
            break
        }
        guard !received.isEmpty else { fail("the background server did not start (run without --background to see why)", status: 1) }
        FileHandle.standardOutput.write(Data(received))
        FileHandle.standardError.write(Data(("orchestrator-test-server: serving in the background as process \(child) for "
            + "\(Int(seconds)) s; stop it with: kill \(child)\n").utf8))
        exit(0)
    }
    // Hold nothing of the caller's: a descriptor inherited and kept open (a pipe a shell reads to its end, the socket
    // with which Foundation's Process learns that its child has exited) would make the caller wait for this server.
    let keep = channel[1]
    for descriptor in 3..<Int32(max(3, min(Int(sysconf(Int32(_SC_OPEN_MAX))), 65_536))) where descriptor != keep {
        close(descriptor)
    }
    setsid()
    let null = open("/dev/null", O_RDWR)
    if null >= 0 { for descriptor: Int32 in 0...2 { dup2(null, descriptor) }; if null > 2 { close(null) } }
    apiOutput = keep
}

var requestLog: RequestLog?
if let logPath {
    guard let opened = RequestLog(path: logPath) else { fail("cannot open log file \(logPath)") }
    requestLog = opened
}
let logger = requestLog
let logLine: (@Sendable (String) -> Void)?
if let logger {
    logLine = { line in logger.write(line) }
} else {
    logLine = nil
}

let setup: BenchmarkSetup
do {
    setup = try BenchmarkSetup(scenario, recordings: directory, instanceCount: instanceCount, log: logLine)
} catch {
    fail("cannot start scenario \(scenario.rawValue): \(error)", status: 1)
}

if let bodyPath {
    guard FileManager.default.createFile(atPath: bodyPath, contents: Data(setup.allInstancesBody)) else {
        fail("cannot write \(bodyPath)", status: 1)
    }
}

if let connectionsPath {
    // Written before the API line, so a reader never finds it missing; then every 20 ms when it changed.
    let write: @Sendable (Int) -> Void = { count in
        let temporary = connectionsPath + ".tmp"
        if FileManager.default.createFile(atPath: temporary, contents: Data("\(count)\n".utf8)) {
            rename(temporary, connectionsPath)
        }
    }
    write(0)
    let counting = setup
    Thread {
        var written = 0
        while true {
            let count = counting.acceptedConnections
            if count != written { write(count); written = count }
            usleep(20_000)
        }
    }.start()
}

FileHandle(fileDescriptor: apiOutput, closeOnDealloc: false).write(Data((setup.api + "\n").utf8))
if apiOutput != 1 { close(apiOutput) }

// Stop when standard input closes, if it is something that can close (a pipe, a socket or a terminal);
// /dev/null or a file as standard input (a background job) is not watched.
var status = stat()
if fstat(0, &status) == 0 {
    let type = status.st_mode & S_IFMT
    if type == S_IFIFO || type == S_IFSOCK || isatty(0) != 0 {
        let watcher = Thread {
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(0, &buffer, buffer.count)
                if count > 0 { continue }
                if count < 0 && errno == EINTR { continue }
                exit(0)
            }
        }
        watcher.start()
    }
}

// Whatever happens, stop after `seconds`.
Thread.sleep(forTimeInterval: seconds)
setup.stop()
exit(0)
