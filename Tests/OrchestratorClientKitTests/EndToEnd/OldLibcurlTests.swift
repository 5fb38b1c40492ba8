import Foundation
import Testing
import TestServer
import OrchestratorClientKit

/// The client on an older libcurl, down to 7.61.1 (RHEL 8). Checked with stand-ins for `libcurl.so.4`, built here in C,
/// that forward to this machine's libcurl: one refuses `CURLOPT_PROTOCOLS_STR` as a libcurl older than 7.85.0 does;
/// the other is libcurl 7.61.1 as far as the client can tell (its functions only, its options and information only,
/// its version number, and HTTP/0.9 accepted as 7.61.1 accepts it). Both log what they refuse or are given.
@Suite("An older libcurl, down to 7.61.1")
struct OldLibcurlTests {
    /// Every function the client binds (Sources/CCurl/shim.h) but `curl_easy_setopt`, forwarded to the real libcurl.
    static let common = #"""
    #include <dlfcn.h>
    #include <stdarg.h>
    #include <stdio.h>
    #include <stdlib.h>
    static void *real(const char *name) {
        static void *library;
        if (!library) library = dlopen(getenv("OCC_REAL_LIBCURL"), RTLD_NOW | RTLD_LOCAL);
        return dlsym(library, name);
    }
    static void note(const char *text, long value) {
        FILE *log = fopen(getenv("OCC_FAKE_LOG"), "a");
        if (log) { fprintf(log, "%s %ld\n", text, value); fclose(log); }
    }
    #define FORWARD(ret, name, params, args) ret name params { return ((ret (*) params)real(#name)) args; }
    #define FORWARD_VARIADIC(ret, name, type1, type2) \
        ret name(type1 a, type2 b, ...) { va_list list; va_start(list, b); void *c = va_arg(list, void *); va_end(list); \
            return ((ret (*)(type1, type2, void *))real(#name))(a, b, c); }
    #define ARGUMENT(last) va_list list; va_start(list, last); void *value = va_arg(list, void *); va_end(list);
    FORWARD(int, curl_global_init, (long flags), (flags))
    FORWARD(void, curl_easy_cleanup, (void *h), (h))
    FORWARD(const char *, curl_easy_strerror, (int code), (code))
    FORWARD(void *, curl_multi_init, (void), ())
    FORWARD(int, curl_multi_cleanup, (void *m), (m))
    FORWARD(int, curl_multi_add_handle, (void *m, void *h), (m, h))
    FORWARD(int, curl_multi_remove_handle, (void *m, void *h), (m, h))
    FORWARD(int, curl_multi_perform, (void *m, int *running), (m, running))
    FORWARD(int, curl_multi_timeout, (void *m, long *milliseconds), (m, milliseconds))
    FORWARD(void *, curl_multi_info_read, (void *m, int *queued), (m, queued))
    FORWARD(void *, curl_slist_append, (void *list, const char *text), (list, text))
    FORWARD(void, curl_slist_free_all, (void *list), (list))
    FORWARD(void *, curl_share_init, (void), ())
    FORWARD(int, curl_share_cleanup, (void *s), (s))

    """#

    /// libcurl 7.85.0 or later except for `CURLOPT_PROTOCOLS_STR`, which it refuses.
    static let withoutProtocolsString = common + #"""
    FORWARD(void *, curl_easy_init, (void), ())
    FORWARD_VARIADIC(int, curl_easy_getinfo, void *, int)
    FORWARD(int, curl_multi_poll, (void *m, void *extra, unsigned count, int timeout, int *ready), (m, extra, count, timeout, ready))
    FORWARD(int, curl_multi_wait, (void *m, void *extra, unsigned count, int timeout, int *ready), (m, extra, count, timeout, ready))
    FORWARD(void *, curl_version_info, (int age), (age))
    FORWARD_VARIADIC(int, curl_multi_setopt, void *, int)
    FORWARD_VARIADIC(int, curl_share_setopt, void *, int)
    int curl_easy_setopt(void *h, int option, ...) {
        ARGUMENT(option)
        if (option == 10318) { note("refused CURLOPT_PROTOCOLS_STR", 0); return 48; /* CURLE_UNKNOWN_OPTION */ }
        if (option == 181) note("CURLOPT_PROTOCOLS", (long)value);
        return ((int (*)(void *, int, void *))real("curl_easy_setopt"))(h, option, value);
    }
    """#

    /// libcurl 7.61.1: no `curl_multi_poll` (7.66.0), `curl_multi_wakeup` (7.68.0) or `curl_easy_option_*` (7.73.0)
    /// exported; every option numbered past 7.61.1's last (`CURLOPT_DISALLOW_USERNAME_IN_URL`, 278) refused with
    /// `CURLE_UNKNOWN_OPTION`, likewise information past `CURLINFO_APPCONNECT_TIME_T` (56), multi options past
    /// `CURLMOPT_PUSHDATA` (15) and share data past `CURL_LOCK_DATA_PSL` (6); HTTP/0.9 accepted, as before 7.64.0.
    /// `curl_multi_wait` calls are counted, with and without an extra descriptor, and logged at exit.
    static let version7611 = common + #"""
    void *occ_patched_version(void *real);
    static long waits[2];
    __attribute__((destructor)) static void report(void) {
        if (waits[0]) note("curl_multi_wait calls without an extra descriptor", waits[0]);
        if (waits[1]) note("curl_multi_wait calls with an extra descriptor", waits[1]);
    }
    int curl_multi_wait(void *m, void *extra, unsigned count, int timeout, int *ready) {
        waits[count > 0]++;
        return ((int (*)(void *, void *, unsigned, int, int *))real("curl_multi_wait"))(m, extra, count, timeout, ready);
    }
    void *curl_version_info(int age) { return occ_patched_version(((void *(*)(int))real("curl_version_info"))(age)); }
    static int forward_setopt(void *h, int option, void *value) {
        return ((int (*)(void *, int, void *))real("curl_easy_setopt"))(h, option, value);
    }
    void *curl_easy_init(void) {
        void *h = ((void *(*)(void))real("curl_easy_init"))();
        if (h) forward_setopt(h, 285 /* CURLOPT_HTTP09_ALLOWED */, (void *)1L);
        return h;
    }
    int curl_easy_setopt(void *h, int option, ...) {
        ARGUMENT(option)
        if (option % 10000 > 278) { note("refused CURLOPT", option); return 48; /* CURLE_UNKNOWN_OPTION */ }
        if (option == 181) note("CURLOPT_PROTOCOLS", (long)value);
        return forward_setopt(h, option, value);
    }
    int curl_easy_getinfo(void *h, int info, ...) {
        ARGUMENT(info)
        int type = info & 0xf00000;
        if (type < 0x100000 || type > 0x600000) { note("refused CURLINFO", info); return 43; /* BAD_FUNCTION_ARGUMENT */ }
        if ((info & 0xfffff) > 56) { note("refused CURLINFO", info); return 48; }
        return ((int (*)(void *, int, void *))real("curl_easy_getinfo"))(h, info, value);
    }
    int curl_multi_setopt(void *m, int option, ...) {
        ARGUMENT(option)
        if (option % 10000 > 15) { note("refused CURLMOPT", option); return 6; /* CURLM_UNKNOWN_OPTION */ }
        return ((int (*)(void *, int, void *))real("curl_multi_setopt"))(m, option, value);
    }
    int curl_share_setopt(void *s, int option, ...) {
        ARGUMENT(option)
        if (option > 5 || ((option == 1 || option == 2) && (long)value > 6)) { note("refused CURLSHOPT", option); return 1; }
        return ((int (*)(void *, int, void *))real("curl_share_setopt"))(s, option, value);
    }
    """#

    /// The version 7.61.1 reports: the real library's struct, copied, its age, version and number patched.
    static let version7611Info = #"""
    #include <curl/curl.h>
    __attribute__((visibility("hidden"))) curl_version_info_data *occ_patched_version(curl_version_info_data *real) {
        static curl_version_info_data copy;
        if (!real) return real;
        copy = *real;
        copy.age = CURLVERSION_FIFTH;
        copy.version = "7.61.1";
        copy.version_num = 0x073d01;
        return &copy;
    }
    """#

    /// The real libcurl.so.4 of this machine.
    static func realLibcurl() -> String? {
        let candidates = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
                          "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].map { $0 + "/libcurl.so.4" }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    /// A stand-in libcurl.so.4 built from `sources` in a directory of its own, and the environment that makes a
    /// process load it (and log to `log`).
    final class StandIn {
        let directory: TemporaryDirectory
        let environment: [String: String]
        var log: String { directory.path + "/log" }

        init(_ sources: [String]) throws {
            directory = try TemporaryDirectory()
            let compiler = try #require(Support.find("cc") ?? Support.find("gcc") ?? Support.find("clang"),
                                        "no C compiler (cc, gcc or clang) to build the stand-in libcurl")
            let real = try #require(OldLibcurlTests.realLibcurl(), "libcurl.so.4 not found")
            var files: [String] = []
            for (index, source) in sources.enumerated() {
                files.append(directory.path + "/part\(index).c")
                try source.write(toFile: files[index], atomically: true, encoding: .utf8)
            }
            let built = try Support.run(["-shared", "-fPIC", "-o", directory.path + "/libcurl.so.4"] + files + ["-ldl"],
                                        timeout: 60, program: compiler, inheritEnvironment: true)
            try #require(built.status == 0, "\(built.stderr)")
            environment = ["LD_LIBRARY_PATH": directory.path, "OCC_REAL_LIBCURL": real, "OCC_FAKE_LOG": directory.path + "/log"]
        }

        /// The log's lines so far.
        var lines: [String] {
            ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").map(String.init)
        }

        /// The count logged at exit for `text`, 0 when none.
        func count(_ text: String) -> Int {
            lines.first { $0.hasPrefix(text + " ") }.flatMap { Int($0.dropFirst(text.count + 1)) } ?? 0
        }
    }

    /// Three raft nodes, node 1 the leader, answering `clusters-info`, `discover` and `instance` as recorded.
    static func cluster() throws -> RaftCluster {
        let clusters = try Support.transcript("a002-clusters").gets.last!.reply
        let discover = Support.recordedAnswer("a041-discover").reply
        let instance = try Support.transcript("a009-instance").gets.last!.reply
        return try RaftCluster(count: 3, leader: 1) { _, request, _ in
            if request.target == "/api/clusters-info" { return clusters }
            if request.target.hasPrefix("/api/discover/") { return discover }
            if request.target.hasPrefix("/api/instance/") { return instance }
            return .notFound
        }
    }

    @Test("What each distribution's libcurl is given, by version number (README, libcurl versions)", arguments: [
        (0x07_3D_01, false, false, false, true), (0x07_44_00, false, false, true, true), (0x07_4A_00, false, false, true, true),
        (0x07_4C_01, false, false, true, true), (0x07_51_00, false, false, true, true), (0x07_58_01, true, true, true, true),
        (0x08_05_00, true, true, true, true), (0x08_0E_01, true, true, true, true), (0x07_40_00, false, false, true, true)])
    func featuresByVersion(_ row: (Int, Bool, Bool, Bool, Bool)) {
        let (version, quickExit, protocolsString, refusesHTTP09, timeT) = row
        let features = LibcurlFeatures(versionNumber: UInt32(version))
        #expect(features.hasQuickExit == quickExit)
        #expect(features.hasProtocolsString == protocolsString)
        #expect(features.refusesHTTP09 == refusesHTTP09)
        #expect(features.needsHTTP09Refusal == (version == 0x07_40_00))
        #expect(features.hasTimeT == timeT)
        #expect(!features.isBelowMinimum)
        #expect(LibcurlFeatures(versionNumber: 0x07_3C_00).isBelowMinimum && !LibcurlFeatures(versionNumber: 0x07_3C_00).hasTimeT)
    }

    @Test("CURLOPT_PROTOCOLS_STR refused: CURLOPT_PROTOCOLS http|https, and the request is made")
    func protocolsBitmaskFallback() throws {
        let standIn = try StandIn([Self.withoutProtocolsString])
        let server = try TestServer { _ in .json("[]") }
        defer { server.stop() }
        let result = try Support.run(["-c", "api", "--path", "clusters"],
                                     environment: standIn.environment.merging(["ORCHESTRATOR_API": server.apiURL]) { $1 })
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets == ["/api/clusters"])
        #expect(standIn.lines.contains("refused CURLOPT_PROTOCOLS_STR 0"), "the stand-in was not used: \(standIn.lines)")
        #expect(standIn.lines.contains("CURLOPT_PROTOCOLS 3"), "no CURLOPT_PROTOCOLS fallback: \(standIn.lines)")
    }

    @Test("libcurl 7.61.1: the leader among three nodes, a read and a change; curl_multi_wait; nothing newer asked for")
    func commandLineOn7611() throws {
        let standIn = try StandIn([Self.version7611, Self.version7611Info])
        let version = try Support.run(["--version"], environment: standIn.environment)
        #expect(version.stdout.contains("(libcurl 7.61.1, "), "the stand-in was not loaded: \(version.stdout)")

        let cluster = try Self.cluster()
        defer { cluster.stop() }
        let environment = standIn.environment.merging(["ORCHESTRATOR_API": cluster.api]) { $1 }
        let read = try Support.run(["-c", "clusters"], environment: environment)
        #expect(read.status == 0, "\(read.stderr)")
        #expect(read.stdout == "127.0.0.1:10111\n")
        let change = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"], environment: environment)
        #expect(change.status == 0, "\(change.stderr)")
        #expect(change.stdout == "127.0.0.1:10111\n")
        #expect(cluster.calls(1) == ["/api/clusters-info", "/api/discover/127.0.0.1/10111"])
        #expect(cluster.calls(0).isEmpty && cluster.calls(2).isEmpty, "a follower was asked: \(cluster.allCalls)")

        let lines = standIn.lines
        // Decided from the version: no option, information or share data newer than 7.61.1 was even asked for.
        #expect(!lines.contains { $0.hasPrefix("refused") }, "\(lines)")
        #expect(lines.filter { $0 == "CURLOPT_PROTOCOLS 3" }.count == 4 + 4, "a probe per node and one request, twice: \(lines)")
        // Three runs (--version loads libcurl too, and waits on nothing).
        let waits = standIn.count("curl_multi_wait calls without an extra descriptor")
        #expect(waits > 0, "curl_multi_wait was not used: \(lines)")
        #expect(waits < 500, "the wait loop spun: \(waits) calls for two loopback runs")
    }

    @Test("libcurl 7.61.1 takes an answer without a status line as HTTP/0.9: still not HTTP, a change's outcome unknown")
    func http09On7611() throws {
        let standIn = try StandIn([Self.version7611, Self.version7611Info])
        let server = try TestServer { _ in var reply = Reply.json(""); reply.raw = Array("garbage\r\n\r\n".utf8); return reply }
        defer { server.stop() }
        let result = try Support.run(["-c", "discover", "-i", "127.0.0.1:10111"],
                                     environment: standIn.environment.merging(["ORCHESTRATOR_API": server.apiURL]) { $1 })
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("did not answer in HTTP/1.x (no status line: http/0.9); it may speak https"), "\(result.stderr)")
        #expect(server.targets == ["/api/discover/127.0.0.1/10111"])
        #expect(!standIn.lines.contains { $0.hasPrefix("refused") }, "\(standIn.lines)")
    }

    @Test("libcurl 7.61.1: a wait with nothing to wait on sleeps as curl_multi_poll would, bounded, instead of spinning")
    func waitWithoutDescriptorsOn7611() throws {
        let standIn = try StandIn([Self.version7611, Self.version7611Info])
        let compiler = try #require(Support.find("cc") ?? Support.find("gcc") ?? Support.find("clang"))
        // The shim itself, driven as CurlTransport drives it: a multi handle with no transfer, so no socket.
        let program = #"""
        #include "shim.h"
        #include <stdio.h>
        int main(void) {
            if (occ_curl_load()) return 2;
            CURLM *m = occ_multi_init();
            int ready = 0;
            long started = occ_monotonic_milliseconds();
            for (int i = 0; i < 4; i++) occ_multi_poll(m, 50, &ready);
            long short_waits = occ_monotonic_milliseconds() - started;
            started = occ_monotonic_milliseconds();
            occ_multi_poll(m, 5000, &ready);
            printf("%d %ld %ld\n", occ_has_multi_poll(), short_waits, occ_monotonic_milliseconds() - started);
            return 0;
        }
        """#
        let source = standIn.directory.path + "/wait.c", binary = standIn.directory.path + "/wait"
        try program.write(toFile: source, atomically: true, encoding: .utf8)
        let built = try Support.run(["-I", Support.repositoryRoot + "/Sources/CCurl", "-o", binary, source, "-ldl", "-lpthread"],
                                    timeout: 60, program: compiler, inheritEnvironment: true)
        try #require(built.status == 0, "\(built.stderr)")
        let result = try Support.run([], environment: standIn.environment, program: binary)
        let figures = result.stdout.split(separator: " ").compactMap { Int($0.trimmingCharacters(in: .whitespacesAndNewlines)) }
        try #require(figures.count == 3, "\(result.stdout) \(result.stderr)")
        #expect(figures[0] == 0, "curl_multi_poll was found in the stand-in")
        // curl_multi_wait alone returns at once here: 4 × 50 ms waited means the shim slept.
        #expect(figures[1] >= 190, "4 waits of 50 ms took \(figures[1]) ms: the loop would spin")
        // A long wait is cut to 100 ms: a caller's loop goes round at that pace at least.
        #expect((90...1_000).contains(figures[2]), "a 5 s wait with nothing to wait on took \(figures[2]) ms")
        #expect(standIn.count("curl_multi_wait calls without an extra descriptor") == 5, "\(standIn.lines)")
    }

    @Test("libcurl 7.61.1, the library: concurrent calls through the I/O thread reach the leader, waiting with curl_multi_wait")
    func libraryOn7611() throws {
        let standIn = try StandIn([Self.version7611, Self.version7611Info])
        let cluster = try Self.cluster()
        defer { cluster.stop() }
        let result = try Support.run(["calls", "--calls", "40", "--concurrent", "--limit", "4", "--instance", "127.0.0.1:10112"],
                                     environment: standIn.environment.merging(["ORCHESTRATOR_API": cluster.api]) { $1 },
                                     timeout: 60, program: Support.builtProduct("library-bench"))
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout.contains("\"failures\":0,"), "\(result.stdout)")
        #expect(cluster.calls(1).filter { $0.hasPrefix("/api/instance/") }.count == 40, "\(cluster.allCalls)")
        #expect(cluster.calls(0).isEmpty && cluster.calls(2).isEmpty, "a follower was asked: \(cluster.allCalls)")
        #expect(standIn.count("curl_multi_wait calls with an extra descriptor") > 0, "\(standIn.lines)")
        #expect(!standIn.lines.contains { $0.hasPrefix("refused") }, "\(standIn.lines)")
    }
}
