import Foundation
import Testing
import TestServer

/// What a run of the built executable produced.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let milliseconds: Int
}

enum Support {
    /// The repository root (this file is Tests/OrchestratorClientKitTests/Support/Support.swift).
    static let repositoryRoot: String = {
        var url = URL(fileURLWithPath: #filePath)
        for _ in 0..<4 { url.deleteLastPathComponent() }
        return url.path
    }()

    /// The recordings of the real orchestrator cluster, kept in the repository (Tests/Recordings).
    static let recordingsDirectory: String? = Recordings.directory(searchingUpFrom: repositoryRoot)

    /// Every transcript, or the reason none could be read.
    static let loadedTranscripts: Result<[Transcript], FixtureError> = {
        guard let directory = recordingsDirectory else {
            return .failure(.missing("no recordings directory: expected \(repositoryRoot)/\(Recordings.repositoryPath)/transcripts, or set ORCHESTRATOR_API_RECORDINGS"))
        }
        do { return .success(try Recordings.transcripts(in: directory)) } catch {
            return .failure(.missing("recordings in \(directory) unreadable: \(error)"))
        }
    }()

    /// Every transcript; empty (and a test that needs them fails on its own check) when they cannot be read.
    static var transcripts: [Transcript] { (try? loadedTranscripts.get()) ?? [] }

    /// One transcript by name; throws a message naming the missing fixture, so only the test that needs it fails.
    static func transcript(_ name: String) throws -> Transcript {
        guard let found = try loadedTranscripts.get().first(where: { $0.name == name }) else {
            throw FixtureError.missing("transcript \(name) not found in \(recordingsDirectory ?? Recordings.repositoryPath)")
        }
        return found
    }

    /// A recorded answer for a static fixture: on a missing recording the current test records the problem and
    /// gets a `599` answer that no assertion accepts, instead of the whole test process crashing.
    static func recordedAnswer(_ name: String, _ index: Int = 0) -> RecordedExchange {
        do { return try transcript(name).answer(index) } catch {
            Issue.record(error)
            return RecordedExchange(method: "GET", path: "", status: 599, contentType: "text/plain", body: "fixture missing: \(name)")
        }
    }

    /// The `orchestrator-client` executable built beside the test bundle.
    static let executable = builtProduct("orchestrator-client")

    /// An executable product of this package (`orchestrator-client`, `generate-files`, …) built beside the test bundle.
    static func builtProduct(_ name: String) -> String {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent(name).path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repositoryRoot + "/.build/debug/" + name
    }

    /// The executable `name` found on PATH (then /usr/bin, /bin, /usr/local/bin), or `name` itself when it is an
    /// absolute path to an executable.
    static func find(_ name: String) -> String? {
        if name.hasPrefix("/") { return FileManager.default.isExecutableFile(atPath: name) ? name : nil }
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin"
        for directory in path.split(separator: ":") + ["/usr/bin", "/bin", "/usr/local/bin"] {
            let candidate = "\(directory)/\(name)"
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
        }
        return nil
    }

    /// The one process runner of the tests: runs `program` (by default the client) with `arguments`, standard
    /// input closed, and returns what it printed. The environment is exactly `environment` plus PATH and no
    /// profile file, or, with `inheritEnvironment`, this process's environment with `environment` on top.
    /// A run longer than `timeout` is killed and reported as hung.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 30,
                    program: String = executable, inheritEnvironment: Bool = false,
                    directory: String? = nil) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = inheritEnvironment ? ProcessInfo.processInfo.environment
            : ["PATH": "/usr/bin:/bin", "ORCHESTRATOR_CLIENT_PROFILE": "", "USER": "tester"]
        for (key, value) in environment { env[key] = value }
        process.environment = env
        if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
        let out = Pipe(), err = Pipe()
        process.standardOutput = out
        process.standardError = err
        process.standardInput = FileHandle.nullDevice
        let start = Date()
        try process.run()
        // Read both pipes fully before waiting, so a large output cannot block the child.
        let group = DispatchGroup()
        nonisolated(unsafe) var outData = Data(), errData = Data()
        group.enter()
        DispatchQueue.global().async { outData = out.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        group.enter()
        DispatchQueue.global().async { errData = err.fileHandleForReading.readDataToEndOfFile(); group.leave() }
        if group.wait(timeout: .now() + timeout) == .timedOut {
            process.terminate()
            throw SupportError.hung(arguments)
        }
        process.waitUntilExit()
        return ProcessResult(status: process.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
                             stderr: String(decoding: errData, as: UTF8.self),
                             milliseconds: Int(Date().timeIntervalSince(start) * 1000))
    }
}

/// A directory under the system's temporary directory, removed with the value.
final class TemporaryDirectory {
    let path: String

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("orchestrator-client-" + UUID().uuidString).path
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

enum SupportError: Error {
    case hung([String])
}

/// A recorded fixture the tests need is absent or unreadable.
enum FixtureError: Error, CustomStringConvertible {
    case missing(String)
    var description: String { switch self { case .missing(let message): message } }
}

extension Transcript {
    /// The `index`-th recorded request other than `HEAD`, or a clear error when the transcript has fewer.
    func answer(_ index: Int) throws -> RecordedExchange {
        guard index < gets.count else { throw FixtureError.missing("transcript \(name) has \(gets.count) requests, wanted #\(index)") }
        return gets[index]
    }
}
