#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Reads a secret (a password) from a file only its owner can read, so it stays off the command line.
///
/// The file holds the password on one line (a final line break, `\n` or `\r\n`, is allowed). Refused, each with
/// its own message: a missing file, a directory, anything but a regular file (a device such as `/dev/stdin`, a
/// pipe), a file of the kernel's `/proc` or `/sys` (`/proc/self/environ` is mode 0400 but holds the environment),
/// a file others may read or write, an empty file, and a file of more than one line (which of them is the
/// password?). The hint for a wrong mode suggests `chmod 600` only for a file of the user's own outside the
/// system's directories: never `/etc/shadow`.
package enum SecretFile {
    /// The password in the file at `path`; `source` names the setting in messages, `what` the secret.
    package static func read(path: String, source: ValueSource, what: String = "the password") throws(OrchestratorError) -> String {
        func refuse(_ problem: String, _ fix: String) -> OrchestratorError {
            .invalidValue(InvalidValue(source: source, value: path, problem: problem, fix: fix))
        }
        let own = "give a file of your own that holds only \(what), readable by its owner only (mode 600)"
        var info = stat()
        guard stat(path, &info) == 0 else {
            throw refuse("the file does not exist or cannot be read", own)
        }
        switch info.st_mode & S_IFMT {
        case S_IFREG: break
        case S_IFDIR: throw refuse("it is a directory, not a file", own)
        default: throw refuse("it is not a regular file (a device, pipe or socket)", own)
        }
        if ["/proc/", "/sys/"].contains(where: { resolvedPath(path).hasPrefix($0) }) {
            throw refuse("it is a file of the kernel (/proc or /sys), not a password file", own)
        }
        guard info.st_mode & 0o077 == 0 else {
            throw refuse("the file can be read or written by others than its owner", modeFix(path, info))
        }
        guard ProfileFile.readTextFile(path) != nil else {
            throw refuse("the file cannot be read", own)
        }
        // Bytes that are not UTF-8 would reach the server replaced by U+FFFD: another secret than the one written.
        guard let text = ProfileFile.readUTF8File(path) else {
            throw refuse("it is not UTF-8 text", "write \(what) in UTF-8")
        }
        // One line; a file written on Windows ends it in "\r\n", which `split` keeps together as one Character,
        // so split on scalars.
        let scalars = text.unicodeScalars
        let end = scalars.firstIndex(where: { $0 == "\n" || $0 == "\r" }) ?? scalars.endIndex
        let password = String(scalars[..<end])
        if password.isEmpty {
            throw refuse(text.isEmpty ? "the file is empty" : "its first line is empty",
                         "write \(what) on the file's first and only line")
        }
        if scalars[end...].contains(where: { $0 != "\n" && $0 != "\r" }) {
            throw refuse("it holds more than one line, and only one can be \(what)",
                         "write \(what) alone on one line")
        }
        return password
    }

    /// `path` with symbolic links and `..` resolved.
    static func resolvedPath(_ path: String) -> String {
        realpath(path, nil).map { pointer -> String in
            defer { free(pointer) }
            return String(cString: pointer)
        } ?? path
    }

    /// How to fix a file that others may read: `chmod 600` for a file of the user's own, never for a system file.
    static func modeFix(_ path: String, _ info: stat) -> String {
        let resolved = resolvedPath(path)
        let systemDirectories = ["/etc/", "/usr/", "/bin/", "/sbin/", "/lib", "/boot/", "/dev/", "/proc/", "/sys/", "/run/", "/var/lib/"]
        if info.st_uid != geteuid() {
            return "it belongs to another user: give a file of your own, readable by its owner only (mode 600)"
        }
        if systemDirectories.contains(where: { resolved.hasPrefix($0) }) {
            return "if it is a password file of its own, make it readable by its owner only (mode 600); "
                + "if it is a system file, it is not a password file: give another"
        }
        return "run chmod 600 \(OrchestratorError.shown(path))"
    }
}
