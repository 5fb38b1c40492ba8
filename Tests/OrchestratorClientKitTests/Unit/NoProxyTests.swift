import Testing
@testable import OrchestratorClientKit

/// `no_proxy` decides whether a request, credentials included, goes through the proxy: the client decides it
/// itself (to name the proxy in errors), so it must decide exactly as curl would.
@Suite("no_proxy matches as curl matches")
struct NoProxyTests {
    /// curl's own table (tests/unit/unit1614.c): host, no_proxy list, whether the host is reached directly.
    static let curlCases: [(host: String, list: String, direct: Bool)] = [
        ("www.example.com", "localhost,.example.com,.example.de", true),
        ("www.example.com.", "localhost,.example.com,.example.de", true),
        ("example.com", "localhost,.example.com,.example.de", true),
        ("example.com.", "localhost,.example.com,.example.de", true),
        ("www.example.com", "localhost,.example.com.,.example.de", true),
        ("www.example.com", "localhost,www.example.com.,.example.de", true),
        ("example.com", "localhost,example.com,.example.de", true),
        ("example.com.", "localhost,example.com,.example.de", true),
        ("nexample.com", "localhost,example.com,.example.de", false),
        ("www.example.com", "localhost,example.com,.example.de", true),
        ("127.0.0.1", "127.0.0.1,localhost", true),
        ("127.0.0.1", "127.0.0.1,localhost,", true),
        ("127.0.0.1", "127.0.0.1/8,localhost,", true),
        ("127.0.0.1", "127.0.0.1/28,localhost,", true),
        ("127.0.0.1", "127.0.0.1/31,localhost,", true),
        ("127.0.0.1", "localhost,127.0.0.1", true),
        ("localhost", "localhost,127.0.0.1", true),
        ("localhost", "127.0.0.1,localhost", true),
        ("foobar", "barfoo", false),
        ("foobar", "foobar", true),
        ("192.168.0.1", "foobar", false),
        ("192.168.0.1", "192.168.0.0/16", true),
        ("192.168.0.1", "192.168.0.0/16a", false),
        ("192.168.0.1", "192.168.0.0/16 ", true),
        ("192.168.0.1", "192.168.0.0/a16", false),
        ("192.168.0.1", "192.168.0.0/24", true),
        ("192.168.0.1", "192.168.0.0/32", false),
        ("192.168.0.1", "192.168.0.1/32", true),
        ("192.168.0.1", "192.168.0.1/33", false),
        ("192.168.0.1", "192.168.0.0", false),
        ("192.168.1.1", "192.168.0.0/24", false),
        ("192.168.1.1", "foo, bar, 192.168.0.0/24", false),
        ("192.168.1.1", "foo, bar, 192.168.0.0/16", true),
        ("::1", "foo, bar, 192.168.0.0/16", false),
        ("::1", "foo, bar, ::1/64", true),
        ("::1", "::1/129", false),
        ("::1", "::1/128", true),
        ("::1", "::1/127 ", true),
        ("::1", "0:0::1", true),
        ("2001:db8:8000::1", "2001:db8::/65", false),
        ("2001:db8::1", "2001:db8::/65", true),
        ("bar", "foo, bar, ::1/64", true),
        ("bar", "foo,,,,,              bar, ::1/64", true),
        ("www.example.com", "foo, .example.com", true),
        ("www.example.com", "www2.example.com, .example.net", false),
        ("example.com", ".example.com, .example.net", true),
        ("nonexample.com", ".example.com, .example.net", false),
        // An address is matched as an address, never as the tail of a name.
        ("10.0.0.1", "0.1", false),
        ("10.0.0.1", "10.0.0.0/0", false),
        // One dot is dropped at each end of an entry, not every dot.
        ("www.example.com", "..example.com", false),
        // Blanks alone separate entries, as curl up to 8.8 took them (later ones stop at the first blank).
        ("www.example.com", "localhost .example.com", true),
        // `*` alone is every host; beside other entries it is nothing.
        ("orc", "*", true),
        ("orc", "foo,*", false),
    ]

    @Test("curl's table of hosts and no_proxy lists", arguments: curlCases.indices)
    func curlTable(_ index: Int) {
        let (host, list, direct) = Self.curlCases[index]
        #expect(ProxySettings.matches(host: host, list) == direct, "\(host) in \(list)")
    }

    @Test("an endpoint host with one trailing dot goes direct when no_proxy names its domain")
    func trailingDot() {
        let settings = ProxySettings(environment: ["http_proxy": "http://proxy:3128", "no_proxy": "example.test"])
        #expect(settings.proxy(for: "http://orc.example.test.:3000/api") == nil)
        #expect(settings.proxy(for: "http://orc.example.test:3000/api") == nil)
        #expect(settings.proxy(for: "http://orc.example.other.:3000/api")?.variable == "http_proxy")
    }
}
