import Foundation
import Testing
import TestServer

/// The client runs beside mysqld; its memory stays within twice the answer plus 20 MiB, whatever
/// the answer holds (a tree of small values used to cost 10 to 20 times the answer).
@Suite("Bounded memory")
struct BoundedMemoryTests {
    /// Peak RSS in KiB of the client run with `arguments`, and its exit status, with stdout read and dropped.
    static func peakKiB(_ arguments: [String], api: String) throws -> (kib: Int, status: Int32, stdoutBytes: Int) {
        let directory = try TemporaryDirectory()
        let report = directory.path + "/rss"
        let result = try Support.run(["-f", "%M", "-o", report, Support.executable] + arguments, environment: ["ORCHESTRATOR_API": api],
                                     timeout: 120, program: "/usr/bin/time")
        let text = try String(contentsOfFile: report, encoding: .utf8)
        let kib = Int(text.split(separator: "\n").last.map(String.init) ?? "") ?? -1
        return (kib, result.status, result.stdout.utf8.count)
    }

    static let megabytes = 16

    /// `count` small values: the worst case for a tree.
    static func smallValues() -> [UInt8] {
        var body: [UInt8] = [UInt8(ascii: "[")]
        body.reserveCapacity(megabytes << 20)
        while body.count < megabytes << 20 { body += [UInt8(ascii: "1"), UInt8(ascii: ",")] }
        body[body.count - 1] = UInt8(ascii: "]")
        return body
    }

    /// Small instances, as a list command reads them.
    static func smallInstances() -> (body: [UInt8], count: Int) {
        var body = Array("[".utf8)
        var count = 0
        while body.count < megabytes << 20 {
            if count > 0 { body.append(UInt8(ascii: ",")) }
            body += Array(#"{"Key":{"Hostname":"h\#(count)","Port":1}}"#.utf8)
            count += 1
        }
        body.append(UInt8(ascii: "]"))
        return (body, count)
    }

    @Test("peak RSS stays under 2 × the answer + 20 MiB: -c api, --json and a list command", .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs /usr/bin/time (Debian package time)"))
    func peakMemory() throws {
        let values = Reply(status: 200, body: Self.smallValues())
        let (instancesBody, count) = Self.smallInstances()
        let instances = Reply(status: 200, body: instancesBody)
        let server = try TestServer { request in request.target.hasPrefix("/api/all-instances") ? instances : values }
        defer { server.stop() }
        let bound = 2 * Self.megabytes * 1024 + 20 * 1024
        let api = try Self.peakKiB(["-c", "api", "--path", "x"], api: server.apiURL)
        #expect(api.status == 0)
        #expect(api.stdoutBytes > Self.megabytes << 20, "the answer was printed whole")
        #expect(api.kib > 0 && api.kib < bound, "-c api: \(api.kib) KiB for a \(Self.megabytes) MiB answer (bound \(bound) KiB)")
        let list = try Self.peakKiB(["-c", "all-instances"], api: server.apiURL)
        #expect(list.status == 0)
        #expect(list.stdoutBytes > count * 4)
        #expect(list.kib > 0 && list.kib < bound, "all-instances: \(list.kib) KiB (bound \(bound) KiB)")
        let json = try Self.peakKiB(["-c", "all-instances", "--json"], api: server.apiURL)
        #expect(json.status == 0)
        #expect(json.kib > 0 && json.kib < bound, "--json: \(json.kib) KiB (bound \(bound) KiB)")
    }

    /// An error answer of about 14 MB: orchestrator's `Code: ERROR` with Details of small values.
    static func errorAnswer() -> [UInt8] {
        var body = Array(#"{"Code":"ERROR","Message":"boom","Details":["#.utf8)
        body.reserveCapacity(14 << 20)
        while body.count < 14 << 20 { body += [UInt8(ascii: "1"), UInt8(ascii: ",")] }
        body[body.count - 1] = UInt8(ascii: "]")
        body.append(UInt8(ascii: "}"))
        return body
    }

    @Test("an error answer is bounded too: its Details are printed from the answer in place, never from a tree",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs /usr/bin/time (Debian package time)"))
    func errorAnswerMemory() throws {
        let body = Self.errorAnswer()
        let server = try TestServer { _ in Reply(status: 500, body: body) }
        defer { server.stop() }
        let bound = 2 * (body.count >> 10) + 20 * 1024
        for arguments in [["-c", "discover", "-i", "db1"], ["-c", "api", "--path", "x"]] {
            let run = try Self.peakKiB(arguments, api: server.apiURL)
            #expect(run.status == 1, "\(arguments)")
            // The Details (or, for -c api, the whole answer) printed, as the bash client printed them.
            #expect(run.stdoutBytes > body.count, "\(arguments): \(run.stdoutBytes) bytes printed")
            #expect(run.kib > 0 && run.kib < bound, "\(arguments): \(run.kib) KiB for a \(body.count >> 10) KiB answer (bound \(bound) KiB)")
        }
    }

    /// `prefix`, one string of ``megabytes`` MiB (with escapes, as a server's text may hold), and `suffix`.
    static func longString(between prefix: String, and suffix: String) -> [UInt8] {
        let half = Array(repeating: UInt8(ascii: "x"), count: (megabytes << 20) / 2)
        return Array(prefix.utf8) + half + Array(#"\n\u00e9\"é"#.utf8) + half + Array(suffix.utf8)
    }

    @Test("one long string is printed and shown piece by piece, never copied whole: in an error answer and in a success answer",
          .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/time"), "needs /usr/bin/time (Debian package time)"))
    func longStringMemory() throws {
        let error = Self.longString(between: #"{"Code":"ERROR","Message":""#, and: #"","Details":null}"#)
        let success = Self.longString(between: #"{"Code":"OK","Message":""#,
                                      and: #"","Details":{"Key":{"Hostname":"a","Port":1},"MasterKey":{"Hostname":"b","Port":1}}}"#)
        let clusters = Self.longString(between: #"[{"ClusterName":""#, and: #"","ClusterAlias":"a"}]"#)
        let server = try TestServer { request in
            if request.target.hasPrefix("/api/fail") || request.target.hasPrefix("/api/relocate") { return Reply(status: 500, body: error) }
            return Reply(status: 200, body: request.target.hasPrefix("/api/clusters") ? clusters : success)
        }
        defer { server.stop() }
        let bound = 2 * (Self.megabytes << 10) + 20 * 1024
        let runs: [(arguments: [String], status: Int32, printed: Int)] = [
            // The message shortened on stderr; nothing on stdout.
            (["-c", "relocate", "-i", "a:1", "-d", "b:1"], 1, 0),
            // The whole error answer printed, as the bash client printed it.
            (["-c", "api", "--path", "fail"], 1, Self.megabytes << 20),
            (["-c", "api", "--path", "x"], 0, Self.megabytes << 20),
            (["-c", "clusters"], 0, Self.megabytes << 20),
            (["-c", "clusters-alias"], 0, Self.megabytes << 20),
        ]
        for run in runs {
            let result = try Self.peakKiB(run.arguments, api: server.apiURL)
            #expect(result.status == run.status, "\(run.arguments)")
            #expect(result.stdoutBytes >= run.printed, "\(run.arguments): \(result.stdoutBytes) bytes printed")
            #expect(result.kib > 0 && result.kib < bound, "\(run.arguments): \(result.kib) KiB for a \(Self.megabytes) MiB string (bound \(bound) KiB)")
        }
    }
}
