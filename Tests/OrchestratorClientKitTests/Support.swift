import Foundation
import TestServer

/// What a run of the built executable produced.
struct ProcessResult {
    let status: Int32
    let stdout: String
    let stderr: String
    let milliseconds: Int
}

enum Support {
    /// The repository root (this file is Tests/OrchestratorClientKitTests/Support.swift).
    static let repositoryRoot: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().path
    }()

    /// The recordings of the real orchestrator cluster.
    static let recordingsDirectory: String? = Recordings.directory(searchingUpFrom: repositoryRoot)

    static let transcripts: [Transcript] = {
        guard let directory = recordingsDirectory else { return [] }
        return (try? Recordings.transcripts(in: directory)) ?? []
    }()

    static func transcript(_ name: String) -> Transcript {
        guard let found = transcripts.first(where: { $0.name == name }) else {
            fatalError("transcript \(name) not found; is ../shared/orchestrator-api present?")
        }
        return found
    }

    /// The `orchestrator-client` executable built beside the test bundle.
    static let executable: String = {
        var directory = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<3 {
            let candidate = directory.appendingPathComponent("orchestrator-client").path
            if FileManager.default.isExecutableFile(atPath: candidate) { return candidate }
            directory.deleteLastPathComponent()
        }
        return repositoryRoot + "/.build/debug/orchestrator-client"
    }()

    /// Runs `program` (by default the client) with `arguments` and exactly `environment` (plus PATH), no profile file.
    static func run(_ arguments: [String], environment: [String: String] = [:], timeout: TimeInterval = 30,
                    program: String = executable) throws -> ProcessResult {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        var env = ["PATH": "/usr/bin:/bin", "ORCHESTRATOR_CLIENT_PROFILE": "", "USER": "tester"]
        for (key, value) in environment { env[key] = value }
        process.environment = env
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

enum SupportError: Error {
    case hung([String])
}
