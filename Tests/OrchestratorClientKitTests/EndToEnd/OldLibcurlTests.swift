import Foundation
import Testing
import TestServer

/// Issue 14: libcurl from 7.66.0 on. A libcurl older than 7.85.0 refuses `CURLOPT_PROTOCOLS_STR`; the client then
/// gives it `CURLOPT_PROTOCOLS` (http | https as a bitmask). Checked with a stand-in `libcurl.so.4` that forwards
/// to the real one, refuses the string option as such a libcurl does, and logs what it is given.
@Suite("An older libcurl (issue 14)")
struct OldLibcurlTests {
    /// Every function the client binds (Sources/CCurl/shim.h), forwarded to the real libcurl.
    static let source = #"""
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
    FORWARD(int, curl_global_init, (long flags), (flags))
    FORWARD(void *, curl_easy_init, (void), ())
    FORWARD(void, curl_easy_cleanup, (void *h), (h))
    FORWARD_VARIADIC(int, curl_easy_getinfo, void *, int)
    FORWARD(const char *, curl_easy_strerror, (int code), (code))
    FORWARD(void *, curl_multi_init, (void), ())
    FORWARD(int, curl_multi_cleanup, (void *m), (m))
    FORWARD(int, curl_multi_add_handle, (void *m, void *h), (m, h))
    FORWARD(int, curl_multi_remove_handle, (void *m, void *h), (m, h))
    FORWARD(int, curl_multi_perform, (void *m, int *running), (m, running))
    FORWARD(int, curl_multi_poll, (void *m, void *extra, unsigned count, int timeout, int *ready), (m, extra, count, timeout, ready))
    FORWARD(void *, curl_multi_info_read, (void *m, int *queued), (m, queued))
    FORWARD(void *, curl_slist_append, (void *list, const char *text), (list, text))
    FORWARD(void, curl_slist_free_all, (void *list), (list))
    FORWARD(void *, curl_version_info, (int age), (age))
    FORWARD_VARIADIC(int, curl_multi_setopt, void *, int)
    FORWARD(void *, curl_share_init, (void), ())
    FORWARD_VARIADIC(int, curl_share_setopt, void *, int)
    FORWARD(int, curl_share_cleanup, (void *s), (s))
    int curl_easy_setopt(void *h, int option, ...) {
        va_list list; va_start(list, option); void *value = va_arg(list, void *); va_end(list);
        if (option == 10318) { note("refused CURLOPT_PROTOCOLS_STR", 0); return 48; /* CURLE_UNKNOWN_OPTION */ }
        if (option == 181) note("CURLOPT_PROTOCOLS", (long)value);
        return ((int (*)(void *, int, void *))real("curl_easy_setopt"))(h, option, value);
    }
    """#

    /// The real libcurl.so.4 of this machine.
    static func realLibcurl() -> String? {
        let candidates = ["/usr/lib/x86_64-linux-gnu", "/usr/lib/aarch64-linux-gnu", "/lib/x86_64-linux-gnu",
                          "/lib/aarch64-linux-gnu", "/usr/lib64", "/usr/lib"].map { $0 + "/libcurl.so.4" }
        return candidates.first { FileManager.default.fileExists(atPath: $0) }
    }

    @Test("CURLOPT_PROTOCOLS_STR refused: CURLOPT_PROTOCOLS http|https, and the request is made")
    func protocolsBitmaskFallback() throws {
        guard let compiler = Support.find("cc") ?? Support.find("gcc") ?? Support.find("clang") else {
            Issue.record("no C compiler (cc, gcc or clang) to build the stand-in libcurl")
            return
        }
        let real = try #require(Self.realLibcurl(), "libcurl.so.4 not found")
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("occ-old-libcurl-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: directory) }
        try Self.source.write(toFile: directory + "/fake.c", atomically: true, encoding: .utf8)
        let built = try Support.run(["-shared", "-fPIC", "-o", directory + "/libcurl.so.4", directory + "/fake.c", "-ldl"],
                                    timeout: 60, program: compiler, inheritEnvironment: true)
        try #require(built.status == 0, "\(built.stderr)")

        let server = try TestServer { _ in .json("[]") }
        defer { server.stop() }
        let log = directory + "/log"
        let result = try Support.run(["-c", "api", "--path", "clusters"],
                                     environment: ["ORCHESTRATOR_API": server.apiURL, "LD_LIBRARY_PATH": directory,
                                                   "OCC_REAL_LIBCURL": real, "OCC_FAKE_LOG": log])
        #expect(result.status == 0, "\(result.stderr)")
        #expect(server.targets == ["/api/clusters"])
        let lines = ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n")
        #expect(lines.contains("refused CURLOPT_PROTOCOLS_STR 0"), "the stand-in was not used: \(lines)")
        #expect(lines.contains("CURLOPT_PROTOCOLS 3"), "no CURLOPT_PROTOCOLS fallback: \(lines)")
    }
}
