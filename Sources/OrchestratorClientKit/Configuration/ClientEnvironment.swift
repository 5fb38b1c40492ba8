#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The settings the client reads from outside: the process environment overlaid, as the bash client's
/// `source` does, with the assignments of `/etc/profile.d/orchestrator-client.sh`.
///
/// `ORCHESTRATOR_CLIENT_PROFILE` names another profile file; set it empty (``ValueSource/isEmptyValue(_:)``: blank
/// counts as empty) to read none (tests do). What the file holds that the client cannot apply exactly as bash would
/// is noted: errors stop every command that reads the settings (``ClientConfiguration/resolve(_:overrides:)`` throws
/// the first), the others are ``warnings``.
public struct ClientEnvironment: Sendable {
    private let plain: [String: String]
    /// Profile values holding `$(hostname -f)`: looked up only when read.
    private let deferred: [String: ProfileValue]
    /// What the profile file (or the environment) holds that was not applied, in file order.
    package let notices: [ProfileNotice]

    /// Uses `variables` as they are.
    public init(variables: [String: String]) {
        self.plain = variables
        self.deferred = [:]
        self.notices = []
    }

    package init(plain: [String: String], deferred: [String: ProfileValue], notices: [ProfileNotice]) {
        self.plain = plain
        self.deferred = deferred
        self.notices = notices
    }

    /// The current process environment with the profile file applied. Reads the file (a regular file, at most
    /// 1 MiB) but looks nothing up: `$(hostname -f)` in it is resolved only when its variable is read.
    public static func current() -> ClientEnvironment {
        let (process, invalid) = processEnvironment()
        var notices = invalid.filter { $0.hasPrefix("ORCHESTRATOR_") }.sorted().map { name in
            ProfileNotice(location: "environment variable \(name)", problem: "its value is not valid UTF-8 text",
                          fix: "set it to UTF-8 text, or unset it", isError: true)
        }
        let path = process["ORCHESTRATOR_CLIENT_PROFILE"] ?? ProfileFile.defaultPath
        var plain = process
        var deferred: [String: ProfileValue] = [:]
        if !ValueSource.isEmptyValue(path) {
            let (values, fileNotices) = ProfileFile.load(path: path, environment: process)
            notices += fileNotices
            for (name, value) in values {
                if let text = value.plainText {
                    plain[name] = text
                } else {
                    plain[name] = nil
                    deferred[name] = value
                }
            }
        }
        return ClientEnvironment(plain: plain, deferred: deferred, notices: notices)
    }

    /// Every variable; a value holding `$(hostname -f)` is looked up (and left out when that fails).
    public var variables: [String: String] {
        var result = plain
        for name in deferred.keys { result[name] = try? value(name) }
        return result
    }

    /// The value of `name`, if set (and, for a value holding `$(hostname -f)`, if this host's name can be found).
    public subscript(name: String) -> String? { try? value(name) }

    /// The value of `name`; a `$(hostname -f)` in it is looked up within `milliseconds`, and a failure says why.
    package func value(_ name: String, hostNameWithin milliseconds: Int = Timeouts.default.connectMilliseconds) throws(OrchestratorError) -> String? {
        if let value = deferred[name] { return try value.resolved(within: milliseconds) }
        return plain[name]
    }

    /// The first error among ``notices``, as the error every command that reads the settings stops with.
    package func checkNotices() throws(OrchestratorError) {
        if let error = notices.first(where: \.isError) {
            throw .usage(error.description)
        }
    }

    /// What the profile file holds that the client did not apply, one sentence each (for standard error).
    public var warnings: [String] {
        notices.filter { !$0.isError }.map(\.description)
    }

    /// The process environment, and the names of variables whose name or value is not valid UTF-8 (left out).
    static func processEnvironment() -> (values: [String: String], invalid: [String]) {
        var result: [String: String] = [:]
        var invalid: [String] = []
        var pointer = environ
        while let entry = pointer.pointee {
            // Split at `=` on the C string and decode each half once: `Character`-based searching of every
            // variable cost the command line ~15 k instructions per variable at start (bench/profile-notes.md).
            if let equals = strchr(entry, 61 /* = */) {
                let nameLength = entry.distance(to: equals)
                let valueStart = equals + 1
                let nameBytes = UnsafeRawBufferPointer(start: entry, count: nameLength)
                let valueBytes = UnsafeRawBufferPointer(start: valueStart, count: strlen(valueStart))
                let name = String(decoding: nameBytes, as: UTF8.self)
                if let value = String(validating: valueBytes, as: UTF8.self), String(validating: nameBytes, as: UTF8.self) != nil {
                    result[name] = value
                } else {
                    invalid.append(name)
                }
            }
            pointer += 1
        }
        return (result, invalid)
    }
}
