import Foundation

/// A test server written in python3 (`Support/*.py`, resources of the test target), started for one test: it
/// listens on an ephemeral port of 127.0.0.1, writes the port to a file (read here) and logs a line per event to
/// another, for at most `lifetime` seconds.
final class ScriptServer: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let logPath: String
    private let directory: String

    /// Runs `script.py` with `leading` arguments, then the port file, the log file and the lifetime, then `trailing`;
    /// `environment` is added to this process's (tls_support.py reads OCC_TLS_VERSION and OCC_TLS_CIPHERS).
    init(script: String, leading: [String] = [], trailing: [String] = [], lifetime: Int = 30,
         environment: [String: String] = [:]) throws {
        guard let python = TLSServer.python else { throw TLSTestError.missingTool("python3") }
        guard let path = Bundle.module.path(forResource: script, ofType: "py") else {
            throw TLSTestError.missingTool("\(script).py (a resource of the test target)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("occ-\(script)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let portFile = directory + "/port"
        logPath = directory + "/log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path] + leading + [portFile, logPath, String(lifetime)] + trailing
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 } }
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let value = Int(text) {
                found = value
                break
            }
            usleep(20_000)
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            throw TLSTestError.serverDidNotStart(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
        }
        port = found
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            // SIGKILL: the test runner's threads may hold SIGTERM blocked, and children inherit the mask.
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The log's lines so far, after a moment for lines still being written by the server's threads.
    func log(settle: TimeInterval = 0.2) -> [String] {
        usleep(UInt32(settle * 1_000_000))
        return lines()
    }

    /// The log's lines so far, at once.
    func lines() -> [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}

/// An HTTPS server speaking HTTP/2 only (ALPN `h2`), as a TLS terminator in front of orchestrator does, answering each
/// request with the next of `behaviours` (see Support/h2_server.py: `ok`, `rst`, `headers-rst`, `goaway`, `refused`,
/// `alert`, `garbage`; the last repeats).
final class H2Server: @unchecked Sendable {
    private let server: ScriptServer
    var apiURL: String { "https://127.0.0.1:\(server.port)/api" }

    init(pki: TestPKI, behaviours: [String], body: String? = nil) throws {
        server = try ScriptServer(script: "h2_server", leading: [pki.serverCertificate, pki.serverKey],
                                  trailing: [behaviours.joined(separator: ",")] + (body.map { [$0] } ?? []))
    }

    /// The behaviours with which requests were answered, in order: what reached the server.
    func answered() -> [String] {
        server.log().filter { $0.hasPrefix("REQUEST ") }.map { String($0.split(separator: " ").last ?? "") }
    }
}
