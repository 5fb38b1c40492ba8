#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads `/etc/profile.d/orchestrator-client.sh` as bash would source it, without executing anything.
///
/// The rules (README "Environment", man page FILES):
/// - Only a regular file of at most 1 MiB is read, and only when neither group nor others can write it and it
///   belongs to root or to the user running the client (as sudo and sshd refuse such files): a file anyone can
///   write could point the client, and its credentials, at any server. Such a file is refused: an error that stops
///   every command reading the settings.
/// - Applied: comments, blank lines, and simple assignments (`NAME=value`, `export NAME=value`, several on one
///   line, `;`-separated), whose values are read exactly as bash reads them: quoting (`'…'`, `"…"` with bash's
///   backslash rules, `\x`), `$NAME`/`${NAME}` (earlier assignments, then the environment, then empty),
///   `$(hostname)`/`` `hostname` `` (what `hostname` prints, with no name lookup) and `$(hostname -f)` (this
///   host's fully qualified name, looked up only when the value is used). Lines may end in CRLF.
/// - Not applied: anything else: commands, compound commands (`if … fi`, `case`, loops, functions, `{ }`, `( )`)
///   and every line inside them, `&&`/`||` lists, pipelines, and values using any other expansion. Each is
///   reported with its file and line: an error when it names an `ORCHESTRATOR_` variable, because
///   skipping it could send requests to the wrong server or without the password; a warning otherwise.
package enum ProfileFile {
    /// The file the bash client sources.
    package static let defaultPath = "/etc/profile.d/orchestrator-client.sh"
    /// Larger files are not read at all (and said so).
    package static let maximumBytes = 1 << 20

    /// The assignments of the file at `path` applied over `environment`, and what was not applied. A file that
    /// does not exist gives nothing and no notice.
    package static func load(path: String, environment: [String: String]) -> (values: [String: ProfileValue], notices: [ProfileNotice]) {
        switch readTrustedFile(path) {
        case .missing: return ([:], [])
        case .refused(let notice): return ([:], [notice])
        case .read(let bytes): return parse(bytes, path: path, environment: environment)
        }
    }

    /// The assignments of `text` as plain strings (`$(hostname -f)` resolved), for tests and examples.
    package static func parse(_ text: String) -> [String: String] {
        var result: [String: String] = [:]
        for (name, value) in parse(Array(text.utf8), path: "-", environment: [:]).values {
            result[name] = try? value.resolved(within: Timeouts.default.connectMilliseconds)
        }
        return result
    }

    enum FileRead {
        case missing
        case refused(ProfileNotice)
        case read([UInt8])
    }

    /// Opens without blocking (a FIFO must not hang the client), then checks type, owner, mode and size.
    static func readTrustedFile(_ path: String) -> FileRead {
        func refuse(_ problem: String, _ fix: String, error: Bool = true) -> FileRead {
            .refused(ProfileNotice(location: path, problem: problem, fix: fix, isError: error))
        }
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else {
            let code = errno
            if code == ENOENT || code == ENOTDIR { return .missing }
            // bash would say so and go on without it: a warning, and settings from the environment and flags.
            return refuse("cannot be read (\(String(cString: strerror(code))))", "its settings are not applied", error: false)
        }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0 else {
            return refuse("cannot be read (\(String(cString: strerror(errno))))", "its settings are not applied", error: false)
        }
        guard info.st_mode & S_IFMT == S_IFREG else {
            return refuse("is not a regular file, so it was not read", "make it a plain file, or set ORCHESTRATOR_CLIENT_PROFILE to another file or to empty")
        }
        if let problem = untrustedOwnership(info) {
            return refuse(problem.0, problem.1)
        }
        if let directoryProblem = untrustedDirectory(of: path) {
            return refuse(directoryProblem.0, directoryProblem.1)
        }
        guard Int(info.st_size) <= maximumBytes else {
            return refuse("is larger than 1 MiB, so it was not read", "keep only the orchestrator-client settings in it")
        }
        guard let bytes = readAll(descriptor, limit: maximumBytes) else {
            return refuse("is larger than 1 MiB, or could not be read whole, so it was not read",
                          "keep only the orchestrator-client settings in it")
        }
        return .read(bytes)
    }

    /// Why a file with `info` cannot be trusted with settings, and the fix; `nil` when it can.
    static func untrustedOwnership(_ info: stat) -> (String, String)? {
        let owner = info.st_uid
        if owner != 0 && owner != geteuid() {
            return ("belongs to user \(owner), neither root nor the user running the client, so it was not read",
                    "run chown root on it (and chmod 644)")
        }
        if info.st_mode & 0o022 != 0 {
            return ("can be written by \(info.st_mode & 0o002 != 0 ? "anyone" : "its group"), so it was not read "
                        + "(it could send requests and credentials to any server)",
                    "run chmod go-w on it")
        }
        return nil
    }

    /// A directory others can write (without the sticky bit, as /tmp has) lets them replace the file.
    static func untrustedDirectory(of path: String) -> (String, String)? {
        var directory = String(path[..<(path.lastIndex(of: "/") ?? path.startIndex)])
        if directory.isEmpty { directory = path.hasPrefix("/") ? "/" : "." }
        var info = stat()
        guard stat(directory, &info) == 0 else { return nil }
        if info.st_uid != 0 && info.st_uid != geteuid() || (info.st_mode & 0o022 != 0 && info.st_mode & S_ISVTX == 0) {
            return ("is in \(directory), which others can write to, so it was not read",
                    "keep it in a directory only root can write to, such as /etc/profile.d")
        }
        return nil
    }

    /// The text of a small regular file (a password file): opened without blocking, so a FIFO cannot hang the
    /// client; `nil` when it is not a regular file, cannot be read, or is larger than `limit`.
    /// The file's text when it is valid UTF-8; `nil` when it cannot be read or is not UTF-8.
    static func readUTF8File(_ path: String, limit: Int = 1 << 20) -> String? {
        readRegularFile(path, limit: limit).flatMap { String(validating: $0, as: UTF8.self) }
    }

    static func readTextFile(_ path: String, limit: Int = 1 << 20) -> String? {
        readRegularFile(path, limit: limit).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The bytes of a regular file of at most `limit` bytes, opened without blocking (a FIFO is never waited on).
    private static func readRegularFile(_ path: String, limit: Int) -> [UInt8]? {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var info = stat()
        guard fstat(descriptor, &info) == 0, info.st_mode & S_IFMT == S_IFREG, Int(info.st_size) <= limit else { return nil }
        return readAll(descriptor, limit: limit)
    }

    /// The rest of `descriptor`'s bytes; `nil` on a read error or past `limit` bytes.
    static func readAll(_ descriptor: Int32, limit: Int) -> [UInt8]? {
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while bytes.count <= limit {
            let count = read(descriptor, &buffer, buffer.count)
            if count < 0 && errno == EINTR { continue }
            if count < 0 { return nil }
            if count == 0 { break }
            bytes.append(contentsOf: buffer[0..<count])
        }
        return bytes.count <= limit ? bytes : nil
    }

    /// Applies the commands of `bytes` (the file at `path`) over `environment`.
    static func parse(_ bytes: [UInt8], path: String, environment: [String: String]) -> (values: [String: ProfileValue], notices: [ProfileNotice]) {
        var scanner = ShellScanner(bytes: bytes)
        var interpreter = ProfileInterpreter(path: path, environment: environment)
        interpreter.run(scanner.commands())
        return (interpreter.assigned, interpreter.notices)
    }
}

/// Something in the profile file, or in the environment, that the client did not apply.
package struct ProfileNotice: Sendable, Equatable, CustomStringConvertible {
    /// `file:line`, the file alone, or the environment variable concerned.
    package let location: String
    /// What is wrong.
    package let problem: String
    /// What to do.
    package let fix: String
    /// An error stops every command that reads the settings; a warning is reported and the rest applies.
    package let isError: Bool

    package init(location: String, problem: String, fix: String, isError: Bool) {
        self.location = location
        self.problem = problem
        self.fix = fix
        self.isError = isError
    }

    package var description: String { "\(location): \(problem); \(fix)" }
}

/// A value assigned in the profile file: text, and `$(hostname -f)` kept until the value is used, so that
/// reading the file never waits for a name lookup (a command that sends nothing reads it too).
package struct ProfileValue: Sendable, Equatable {
    package enum Part: Sendable, Equatable {
        case text(String)
        case fullyQualifiedName
    }

    package var parts: [Part]

    package init(_ parts: [Part]) { self.parts = parts }

    /// Plain text, with nothing to look up.
    package var plainText: String? {
        var result = ""
        for part in parts {
            guard case .text(let text) = part else { return nil }
            result += text
        }
        return result
    }

    /// The text, looking up this host's name (bounded by `milliseconds`) if the value holds `$(hostname -f)`.
    package func resolved(within milliseconds: Int) throws(OrchestratorError) -> String {
        var result = ""
        for part in parts {
            switch part {
            case .text(let text): result += text
            case .fullyQualifiedName: result += try HostIdentity.thisHost(within: milliseconds)
            }
        }
        return result
    }
}
