import Foundation

/// A `python3` script of this target's resources (tls_server.py, tls_proxy.py) started on 127.0.0.1: it writes its
/// port to a file once listening, and its log lines to another, in a temporary directory of its own.
enum PythonTLSProcess {
    /// The python3 interpreter itself, not a wrapper such as a pyenv shim, so that stopping it stops the server.
    static let python: String? = {
        guard ExternalTool.find("python3") != nil,
              let path = try? ExternalTool.run("python3", ["-c", "import sys; print(sys.executable)"], in: "/")
        else { return nil }
        let trimmed = path.trimmingCharacters(in: .whitespacesAndNewlines)
        return FileManager.default.isExecutableFile(atPath: trimmed) ? trimmed : ExternalTool.find("python3")
    }()

    /// Starts `script` with the arguments `arguments(portFile, logPath)` gives; `version` and `ciphers` limit its TLS
    /// (read by the scripts from OCC_TLS_VERSION and OCC_TLS_CIPHERS).
    static func start(script: String, prefix: String, version: String? = nil, ciphers: String? = nil,
                      arguments: (String, String) -> [String]) throws -> (process: Process, directory: String, logPath: String, port: Int) {
        guard let python else { throw TLSTestError.missingTool("python3") }
        guard let path = Bundle.module.path(forResource: script, ofType: "py") else {
            throw TLSTestError.missingTool("\(script).py (a resource of the test target)")
        }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let portFile = directory + "/port"
        let logPath = directory + "/log"
        _ = FileManager.default.createFile(atPath: logPath, contents: nil)
        let process = Process()
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
        while Date() < deadline, process.isRunning {
            if let text = try? String(contentsOfFile: portFile, encoding: .utf8), let port = Int(text) {
                return (process, directory, logPath, port)
            }
            usleep(20_000)
        }
        if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        process.waitUntilExit()
        try? FileManager.default.removeItem(atPath: directory)
        throw TLSTestError.serverDidNotStart(String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self))
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

/// An https proxy in `python3` (tls_proxy.py) on 127.0.0.1, for at most `lifetime` seconds: TLS with its client, then
/// CONNECT tunnels to the target asked for. Logs `HANDSHAKE`, `HANDSHAKE-FAILED reason` and `CONNECT host:port`.
final class TLSProxy: @unchecked Sendable {
    let port: Int
    private let process: Process
    private let logPath: String
    private let directory: String

    /// The proxy's URL, for `https_proxy`.
    var url: String { "https://127.0.0.1:\(port)" }

    init(certificate: String, key: String, lifetime: Int = 30, version: String? = nil, ciphers: String? = nil) throws {
        let started = try PythonTLSProcess.start(script: "tls_proxy", prefix: "occ-proxy", version: version, ciphers: ciphers) { portFile, logPath in
            [certificate, key, portFile, logPath, String(lifetime)]
        }
        process = started.process
        directory = started.directory
        logPath = started.logPath
        port = started.port
    }

    deinit { stop() }

    func stop() {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
        try? FileManager.default.removeItem(atPath: directory)
    }

    /// The log lines so far, after a moment for the proxy's threads to write them.
    func log() -> [String] {
        usleep(200_000)
        return ((try? String(contentsOfFile: logPath, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
    }
}
