import Foundation
import Testing
import TestServer

/// What reached orchestrator decides a failed change's exit status, on every transport path: 3 only when the request
/// provably never reached it (the proxy refused or closed the tunnel, the connection failed), 5 once it may have
/// (whatever libcurl then reports), and a gateway's 502/503/504 to a change is 5 too. Each failure names the hop
/// that failed.
@Suite("What reached orchestrator decides the exit status")
struct DeliveryTests {
    static let relocate = ["-c", "relocate", "-i", "db1:3306", "-d", "db2:3306"]
    static let relocateTarget = "/api/relocate/db1/3306/db2/3306"

    @Test("an answer libcurl cannot read, after a change was sent, is outcome unknown (5), never cannot reach",
          arguments: ["HTTP/1.2 200 OK\r\nContent-Length: 2\r\n\r\n{}", "HTTP/1.1 2x0 OK\r\nContent-Length: 2\r\n\r\n{}",
                      "HTTP/1.1 200 OK\r\nTransfer-Encoding: foo\r\n\r\n{}",
                      // The head cut short: libcurl alone would take it for a whole answer without a body.
                      "HTTP/1.1 200 OK\r\n", "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n",
                      "HTTP/1.1 500 Internal Server Error\r\n",
                      // A body without a length, cut short by the close.
                      "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n\r\n{\"Code\":\"OK\",\"Mess"])
    func unreadableAnswerToChange(raw: String) throws {
        let (result, targets) = try Self.relocate(answeredWith: raw)
        #expect(result.status == 5, "\(result.stderr)")
        #expect(!result.stderr.contains("cannot reach"), "\(result.stderr)")
        #expect(result.stderr.contains("may or may not have been applied"), "\(result.stderr)")
        #expect(targets == [Self.relocateTarget], "sent once")
    }

    /// A relocate answered with `raw` bytes, then the connection's close: the result and the targets the server saw.
    static func relocate(answeredWith raw: String) throws -> (ProcessResult, [String]) {
        let server = try TestServer { _ in var reply = Reply.json(""); reply.raw = Array(raw.utf8); return reply }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.relocate, environment: ["ORCHESTRATOR_API": server.apiURL])
        return (result, server.targets)
    }

    @Test("a whole answer ended by the connection's close is read as usual; only a cut one is in doubt")
    func answerEndedByClose() throws {
        let body = Support.recordedAnswer("a102-relocate").body
        let (result, _) = try Self.relocate(answeredWith: "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n\(body)")
        #expect(result.status == 0, "\(result.stderr)")
        #expect(result.stdout == "127.0.0.1:10114<127.0.0.1:10111\n")
    }

    @Test("http to orchestrator's https port: Go's 400 that ends with the connection is a refusal (1) with the https hint, not in doubt")
    func plainHTTPToTLSPort() throws {
        let (result, _) = try Self.relocate(answeredWith: "HTTP/1.0 400 Bad Request\r\n\r\nClient sent an HTTP request to an HTTPS server.\n")
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("https://"), "\(result.stderr)")
    }

    @Test("a gateway's 502, 503 or 504 to a change is outcome unknown (5) naming the status; to a read it is a failure (1)",
          arguments: [502, 503, 504])
    func gatewayAnswer(status: Int) throws {
        let page = Reply(status: status, contentType: "text/html", body: Array("<html>\n<body>upstream failed</body></html>".utf8))
        let server = try TestServer { _ in page }
        defer { server.stop() }
        let change = try Support.runInProcess(Self.relocate, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(change.status == 5, "\(change.stderr)")
        #expect(change.stderr.contains("HTTP \(status) came back from a gateway or proxy"), "\(change.stderr)")
        #expect(change.stderr.contains("(<html> <body>upstream failed"), "the page's start, on one line: \(change.stderr)")
        #expect(change.stderr.contains("may or may not have been applied"), "\(change.stderr)")
        #expect(server.targets == [Self.relocateTarget], "sent once")
        let read = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(read.status == 1, "\(read.stderr)")
    }

    @Test("orchestrator's own error answer with a 5xx status is its refusal (1), not a gateway's")
    func orchestratorErrorWithGatewayStatus() throws {
        let server = try TestServer { _ in .json(#"{"Code":"ERROR","Message":"relocate failed","Details":null}"#, status: 503) }
        defer { server.stop() }
        let result = try Support.runInProcess(Self.relocate, environment: ["ORCHESTRATOR_API": server.apiURL])
        #expect(result.status == 1, "\(result.stderr)")
        #expect(result.stderr.contains("relocate failed"), "\(result.stderr)")
    }

    /// The proxy: the test server answers `CONNECT` itself; the endpoint behind it is never reached.
    static func throughProxy(_ reply: Reply, arguments: [String] = relocate) throws -> (ProcessResult, [ReceivedRequest], String) {
        let proxy = try TestServer { _ in reply }
        defer { proxy.stop() }
        let endpoint = "https://127.0.0.1:\(refusedPort())/api"
        let result = try Support.runInProcess(arguments, environment: ["ORCHESTRATOR_API": endpoint,
                                                                       "https_proxy": "http://127.0.0.1:\(proxy.port)"])
        return (result, proxy.requests, "http://127.0.0.1:\(proxy.port)")
    }

    @Test("a proxy refusing the tunnel, to a change or a read: not delivered (3), naming the proxy and its answer (a 407: its credentials)",
          arguments: [407, 403, 502])
    func proxyRefusesTunnel(status: Int) throws {
        for arguments in [Self.relocate, ["-c", "clusters"]] {
            let (result, received, proxy) = try Self.throughProxy(Reply(status: status, contentType: "text/html", body: []),
                                                                  arguments: arguments)
            #expect(result.status == 3, "\(arguments): \(result.stderr)")
            #expect(result.stderr.contains("the proxy \(proxy) (from https_proxy) refused the tunnel to the endpoint: HTTP \(status)"),
                    "\(arguments): \(result.stderr)")
            #expect(!result.stderr.contains("may or may not have been applied"), "\(arguments): \(result.stderr)")
            #expect(received.allSatisfy { $0.method == "CONNECT" })
            if status == 407 { #expect(result.stderr.contains("user:password@"), "\(arguments): \(result.stderr)") }
        }
    }

    @Test("a proxy closing before the tunnel is open: not delivered (3), the proxy named, no client-certificate hint")
    func proxyClosesBeforeTunnel() throws {
        var close = Reply(status: 200, body: [])
        close.closeWithoutAnswer = true
        let (result, _, proxy) = try Self.throughProxy(close)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("the proxy \(proxy) (from https_proxy) closed the connection before the tunnel"), "\(result.stderr)")
        #expect(!result.stderr.contains("client certificate"), "\(result.stderr)")
    }

    @Test("a captive portal answering in the tunnel: not delivered (3), never told to write http://")
    func captivePortal() throws {
        var portal = Reply(status: 200, body: [])
        portal.raw = Array("HTTP/1.1 200 Connection established\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 11\r\n\r\nlog in here".utf8)
        let (result, _, proxy) = try Self.throughProxy(portal)
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("TLS failed through the proxy \(proxy)"), "\(result.stderr)")
        #expect(!result.stderr.contains("write http://"), "\(result.stderr)")
    }

    @Test("a forwarding proxy's 407, or its 403 page, to an http endpoint: not delivered (3), naming the proxy, never our credentials",
          arguments: [407, 403])
    func forwardingProxyRefusal(status: Int) throws {
        let proxy = try TestServer { _ in Reply(status: status, contentType: "text/html", body: Array("<html>denied</html>".utf8)) }
        defer { proxy.stop() }
        let result = try Support.runInProcess(Self.relocate, environment: ["ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api",
                                                                           "http_proxy": "http://127.0.0.1:\(proxy.port)"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("the proxy http://127.0.0.1:\(proxy.port) (from http_proxy) answered HTTP \(status)"), "\(result.stderr)")
        #expect(!result.stderr.contains("credentials needed") && !result.stderr.contains("needs credentials"), "\(result.stderr)")
        // Two endpoints: the leader probes meet the proxy first, and judge its answer alike.
        proxy.reset()
        let probed = try Support.runInProcess(Self.relocate, environment: [
            "ORCHESTRATOR_API": "http://orchestrator1.invalid:3000/api http://orchestrator2.invalid:3000/api",
            "http_proxy": "http://127.0.0.1:\(proxy.port)"])
        #expect(probed.status == 3, "\(probed.stderr)")
        #expect(probed.stderr.contains("the proxy http://127.0.0.1:\(proxy.port) (from http_proxy) answered HTTP \(status)"), "\(probed.stderr)")
        #expect(!probed.stderr.contains("needs credentials") && !probed.stderr.contains("refused our credentials"), "\(probed.stderr)")
        #expect(proxy.requests.allSatisfy { !$0.target.contains("relocate") }, "no change was sent past the leader probes")
    }

    @Test("a forwarding proxy that closes after reading a change: outcome unknown (5), saying it went through the proxy")
    func forwardingProxyClosesAfterChange() throws {
        let proxy = try TestServer { _ in var reply = Reply.json(""); reply.closeWithoutAnswer = true; return reply }
        defer { proxy.stop() }
        let result = try Support.runInProcess(Self.relocate, environment: ["ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api",
                                                                           "http_proxy": "http://127.0.0.1:\(proxy.port)"])
        #expect(result.status == 5, "\(result.stderr)")
        #expect(result.stderr.contains("(through the proxy http://127.0.0.1:\(proxy.port) (from http_proxy))"), "\(result.stderr)")
        #expect(!result.stderr.contains("goes direct"), "no rerouting advice for a change that may have been applied: \(result.stderr)")
        #expect(proxy.requests.count == 1)
    }

    @Test("a dead proxy: the proxy is named as the hop that refused")
    func deadProxy() throws {
        let port = refusedPort()
        let result = try Support.runInProcess(["-c", "clusters"], environment: ["ORCHESTRATOR_API": "http://orchestrator.invalid:3000/api",
                                                                                "http_proxy": "http://127.0.0.1:\(port)"])
        #expect(result.status == 3, "\(result.stderr)")
        #expect(result.stderr.contains("the proxy http://127.0.0.1:\(port) (from http_proxy): connection refused "
                                       + "(--no-proxy or ORCHESTRATOR_NO_PROXY=1 goes direct)"), "\(result.stderr)")
    }
}
