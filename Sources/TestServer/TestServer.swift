import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A request the test server received.
public struct ReceivedRequest: Sendable, Equatable {
    /// `GET`, `HEAD`, …
    public let method: String
    /// The request target exactly as sent, e.g. `/api/discover/db1/3306`.
    public let target: String
    /// Header lines, names lower-cased.
    public let headers: [String: String]
}

/// What the server does with one request.
public struct Reply: Sendable {
    /// HTTP status.
    public var status: Int
    /// Content type header.
    public var contentType: String
    /// Body bytes.
    public var body: [UInt8]
    /// Wait this long before answering.
    public var delayMilliseconds: Int = 0
    /// Never answer (the connection stays open until the server stops).
    public var hang = false
    /// Announce the whole body but close after this many bytes of it.
    public var closeAfterBodyBytes: Int?
    /// After sending this reply, stop the whole server (as a node that dies): later connections are refused.
    public var stopServerAfterReply = false
    /// More header lines, e.g. `("Location", "http://elsewhere/api")`.
    public var headers: [(name: String, value: String)] = []
    /// After sending this reply whole, close the connection, as a server closing an idle keep-alive connection does.
    public var closeConnectionAfterReply = false
    /// Read the request, then close the connection without a byte of answer (a crash or reset after reading): the
    /// request may have been acted on.
    public var closeWithoutAnswer = false
    /// Send these bytes instead of an HTTP answer (a server that does not speak HTTP), then close.
    public var raw: [UInt8]?

    public init(status: Int, contentType: String = "application/json; charset=UTF-8", body: [UInt8]) {
        self.status = status
        self.contentType = contentType
        self.body = body
    }

    /// A JSON reply from text.
    public static func json(_ text: String, status: Int = 200) -> Reply {
        Reply(status: status, body: Array(text.utf8))
    }

    /// orchestrator's (Go's) answer to an unknown path.
    public static let notFound = Reply(status: 404, contentType: "text/plain; charset=utf-8", body: Array("404 page not found\n".utf8))

    /// A reply that never comes.
    public static var hangForever: Reply {
        var reply = Reply(status: 200, body: [])
        reply.hang = true
        return reply
    }
}

/// A loopback HTTP/1.1 server for tests and benchmarks: keep-alive, one thread per connection, records
/// every request it receives. `handler` decides each reply.
public final class TestServer: @unchecked Sendable {
    /// The port it listens on, on 127.0.0.1.
    public let port: Int
    private let listener: Int32
    private let handler: @Sendable (ReceivedRequest) -> Reply
    private struct State {
        var received: [ReceivedRequest] = []
        var connections: Set<Int32> = []
        var stopped = false
        /// False once a reply that stops the server is being written.
        var accepting = true
        var accepted = 0
        var peakOpen = 0
    }
    private let state = Locked(State())

    /// `http://127.0.0.1:PORT/api`.
    public var apiURL: String { "http://127.0.0.1:\(port)/api" }

    /// Starts listening on `host` (default 127.0.0.1) at `port` (default: an ephemeral port).
    public init(host: String = "127.0.0.1", port: Int = 0, handler: @escaping @Sendable (ReceivedRequest) -> Reply) throws {
        self.handler = handler
        let socketDescriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard socketDescriptor >= 0 else { throw TestServerError.socket("socket") }
        var yes: Int32 = 1
        setsockopt(socketDescriptor, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = UInt16(port).bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(socketDescriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(socketDescriptor, 128) == 0 else {
            close(socketDescriptor)
            throw TestServerError.socket("bind/listen")
        }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        _ = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(socketDescriptor, $0, &length) }
        }
        self.port = Int(UInt16(bigEndian: address.sin_port))
        self.listener = socketDescriptor
        let thread = Thread { [self] in acceptLoop() }
        thread.start()
    }

    deinit { stop() }

    /// Every request received so far, in arrival order.
    public var requests: [ReceivedRequest] {
        state.withLock { $0.received }
    }

    /// The targets of the received requests, in order.
    public var targets: [String] { requests.map(\.target) }

    /// Connections accepted so far (a client that reuses its connections opens one).
    public var acceptedConnections: Int { state.withLock { $0.accepted } }

    /// The most connections open at once so far.
    public var peakOpenConnections: Int { state.withLock { $0.peakOpen } }

    /// Forgets the received requests.
    public func reset() {
        state.withLock { $0.received.removeAll() }
    }

    /// Stops listening and closes every connection, hung ones included.
    ///
    /// Descriptors are only shut down here, never closed: the thread that uses one closes it. Closing the listener
    /// here would let its number be reused by another server's socket while this server's accept loop still calls
    /// `accept` on it, stealing that server's connections (seen as "server returned nothing" in parallel tests).
    public func stop() {
        state.withLock { state in
            if state.stopped { return }
            state.stopped = true
            shutdown(listener, Int32(SHUT_RDWR))
            // Under the lock: a connection's thread removes and closes its descriptor under it too, so the number
            // shut down here is still that connection's.
            for descriptor in state.connections { shutdown(descriptor, Int32(SHUT_RDWR)) }
        }
    }

    /// Stops taking connections, those open going on.
    private func stopAccepting() {
        state.withLock { state in
            state.accepting = false
            shutdown(listener, Int32(SHUT_RDWR))
        }
    }

    private func acceptLoop() {
        defer { close(listener) }
        while true {
            let descriptor = accept(listener, nil, nil)
            if descriptor < 0 {
                if errno == EINTR { continue }
                return
            }
            let accepted = state.withLock { state in
                if state.stopped || !state.accepting { return false }
                state.connections.insert(descriptor)
                state.accepted += 1
                state.peakOpen = max(state.peakOpen, state.connections.count)
                return true
            }
            guard accepted else {
                close(descriptor)
                return
            }
            let thread = Thread { [self] in serve(descriptor) }
            thread.start()
        }
    }

    private func serve(_ descriptor: Int32) {
        defer {
            state.withLock { state in
                state.connections.remove(descriptor)
                close(descriptor)
            }
        }
        var buffer: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            // Read one request head (GET requests carry no body).
            var headEnd: Int?
            while headEnd == nil {
                headEnd = Self.findHeadEnd(buffer)
                if headEnd != nil { break }
                let count = read(descriptor, &chunk, chunk.count)
                if count <= 0 { return }
                buffer.append(contentsOf: chunk[0..<count])
            }
            let head = String(decoding: buffer[0..<headEnd!], as: UTF8.self)
            buffer.removeFirst(headEnd! + 4)
            guard let request = Self.parse(head) else { return }
            state.withLock { $0.received.append(request) }
            let reply = handler(request)
            if reply.hang {
                // Hold the connection open and silent until the server stops.
                while read(descriptor, &chunk, chunk.count) > 0 {}
                return
            }
            if reply.delayMilliseconds > 0 { usleep(UInt32(reply.delayMilliseconds) * 1000) }
            if reply.closeWithoutAnswer { return }
            if let raw = reply.raw {
                _ = Self.writeAll(descriptor, raw)
                return
            }
            var response = "HTTP/1.1 \(reply.status) \(Self.reason(reply.status))\r\n"
            response += "Content-Type: \(reply.contentType)\r\n"
            for (name, value) in reply.headers { response += "\(name): \(value)\r\n" }
            response += "Content-Length: \(reply.body.count)\r\n"
            response += "Connection: keep-alive\r\n\r\n"
            var bytes = Array(response.utf8)
            if request.method != "HEAD" {
                bytes += reply.closeAfterBodyBytes.map { Array(reply.body.prefix($0)) } ?? reply.body
            }
            // A node that dies with its answer takes no connection after it: none may be accepted while it is written.
            if reply.stopServerAfterReply { stopAccepting() }
            guard Self.writeAll(descriptor, bytes) else { return }
            if reply.stopServerAfterReply { stop(); return }
            if reply.closeAfterBodyBytes != nil || reply.closeConnectionAfterReply { return }
        }
    }

    static func findHeadEnd(_ buffer: [UInt8]) -> Int? {
        guard buffer.count >= 4 else { return nil }
        for index in 0...(buffer.count - 4)
        where buffer[index] == 13 && buffer[index + 1] == 10 && buffer[index + 2] == 13 && buffer[index + 3] == 10 {
            return index
        }
        return nil
    }

    static func parse(_ head: String) -> ReceivedRequest? {
        let lines = head.components(separatedBy: "\r\n")
        let requestLine = lines[0].split(separator: " ")
        guard requestLine.count >= 2 else { return nil }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
        }
        return ReceivedRequest(method: String(requestLine[0]), target: String(requestLine[1]), headers: headers)
    }

    static func writeAll(_ descriptor: Int32, _ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if written <= 0 { return false }
            offset += written
        }
        return true
    }

    static func reason(_ status: Int) -> String {
        switch status {
        case 200: return "OK"
        case 401: return "Unauthorized"
        case 403: return "Forbidden"
        case 404: return "Not Found"
        case 500: return "Internal Server Error"
        case 502: return "Bad Gateway"
        default: return "Status"
        }
    }
}

/// The server could not start.
public enum TestServerError: Error {
    case socket(String)
}

/// A loopback port on which nothing listens: connections to it are refused.
public func refusedPort() -> Int {
    // Bind an ephemeral port, then release it; nothing else on this machine takes it during a test.
    guard let server = try? TestServer(handler: { _ in .notFound }) else { return 1 }
    let port = server.port
    server.stop()
    return port
}
