import Foundation

/// A `python3` script of this target's resources (tls_server.py, tls_proxy.py) running on 127.0.0.1: it writes its
/// port to a file once listening, and its log lines to another, in a temporary directory of its own; stopped (SIGKILL)
/// when released.
final class PythonTLSProcess: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let directory: String
    private let logPath: String

    /// The python3 interpreter itself, not a wrapper such as a pyenv shim, so that stopping it stops the server.
    static let python: String? = {
        guard ExternalTool.find("python3") != nil,
              let path = try? ExternalTool.run("python3", ["-c", "import sys; print(sys.executable)"], in: "/")
        else { return nil }
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: trimmed) ? trimmed : ExternalTool.find("python3")
    }()

    /// Starts `script` with the arguments `arguments(portFile, logPath)` gives; `version` and `ciphers` limit its TLS
    /// (read by the scripts from OCC_TLS_VERSION and OCC_TLS_CIPHERS, see tls_support.py).
    init(script: String, prefix: String, version: String? = nil, ciphers: String? = nil,
         arguments: (String, String) -> [String]) throws {
        guard let python = Self.python else { throw TLSTestError.missingTool("python3") }
        guard let path = Bundle.module.path(forResource: script, ofType: "py") else {
            throw TLSTestError.missingTool("\(script).py (a resource of the test target)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let portFile = directory + "/port"
        logPath = directory + "/log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        process = Process()
        process.executableURL = URL(fileURLWithPath: python)
        process.arguments = [path] + arguments(portFile, logPath)
        var environment = ProcessInfo.processInfo.environment
        environment["OCC_TLS_VERSION"] = version
        environment["OCC_TLS_CIPHERS"] = ciphers
        process.environment = environment
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = FileHandle.nullDevice
        let errors = Pipe()
        process.standardError = errors
        try process.run()
        let deadline = Date().addingTimeInterval(10)
        var found: Int?
        while found == nil, Date() < deadline, process.isRunning {
            found = (try? String(contentsOfFile: portFile, encoding: .utf8)).flatMap { Int($0) }
            if found == nil { usleep(20_000) }
        }
        guard let found else {
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
            process.waitUntilExit()
            try? FileManager.default.removeItem(atPath: directory)
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

    /// The log lines so far.
    func lines() -> [String] {
        ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }

    /// The log lines, after waiting up to `settle` for a first one (the script logs on its own threads) and a moment
    /// more for lines that race with it.
    func log(settle: TimeInterval = 2) -> [String] {
        let deadline = Date().addingTimeInterval(settle)
        while lines().isEmpty, Date() < deadline { usleep(20_000) }
        usleep(150_000)
        return lines()
    }

    /// Whether python3's TLS on this host can still serve and speak `version` with `ciphers` (with the RSA test
    /// certificate) at all: distributions may build OpenSSL without TLS 1.0 and 1.1. `nil` when it can; else why not.
    static func cannotSpeak(version: String, ciphers: String, certificate: String, key: String) -> String? {
        guard let python else { return "python3 is not installed" }
        let check = """
        import socket, ssl, sys, threading, warnings
        warnings.simplefilter("ignore")
        version = getattr(ssl.TLSVersion, sys.argv[1])
        server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        server.load_cert_chain(sys.argv[3], sys.argv[4])
        client = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
        client.check_hostname = False
        client.verify_mode = ssl.CERT_NONE
        for context in (server, client):
            context.minimum_version = context.maximum_version = version
            context.set_ciphers(sys.argv[2])
        a, b = socket.socketpair()
        thread = threading.Thread(target=lambda: server.wrap_socket(a, server_side=True), daemon=True)
        thread.start()
        print(client.wrap_socket(b).version())
        """
        guard let result = try? Support.run(["-c", check, version, ciphers, certificate, key], timeout: 20, program: python,
                                            inheritEnvironment: true) else { return "python3 could not be run" }
        return result.status == 0 ? nil : "this host's python3/OpenSSL cannot speak \(version) with \(ciphers): \(result.stderr.suffix(200))"
    }
}
