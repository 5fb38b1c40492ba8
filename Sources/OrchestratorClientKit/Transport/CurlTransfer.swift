import CCurl
/// One transfer of ``CurlTransport``: collects its body; the C write callback reaches it through an unmanaged pointer.
final class CurlTransfer {
    let handle: UnsafeMutableRawPointer
    var body: [UInt8] = []
    var tooLarge = false
    /// The process could not get the memory the answer needs (`ulimit -v`).
    var outOfMemory = false
    /// The largest body accepted (``ClientConfiguration/maximumAnswerBytes``).
    let limit: Int
    let started: UInt64
    let isHTTPS: Bool
    /// The proxy it goes through, as messages name it; `nil` when direct.
    var proxy: String?
    /// It has a connection of its own (``HTTPRequest/needsOwnConnection``).
    var freshConnection = false
    /// Through a proxy spoken to over TLS (`https://`): a TLS failure may be the proxy's.
    var throughTLSProxy = false
    /// libcurl's own words for a failure (`CURLOPT_ERRORBUFFER`): names the TLS problem, which the code alone does not.
    let errorBuffer: UnsafeMutablePointer<CChar>

    init(handle: UnsafeMutableRawPointer, started: UInt64, isHTTPS: Bool, limit: Int) {
        self.handle = handle
        self.limit = limit
        self.started = started
        self.isHTTPS = isHTTPS
        self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
        self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
    }

    deinit { errorBuffer.deallocate() }

    /// Appends `length` bytes of the body; 0 (libcurl then fails the transfer) past the limit or the memory available.
    /// `announced`: the Content-Length, read before the first bytes (-1 when unknown).
    func receive(_ data: UnsafeMutablePointer<CChar>, length: Int, announced: Int64) -> Int {
        if body.count + length > limit {
            tooLarge = true
            return 0
        }
        if body.isEmpty {
            // Sized once: a large answer is not copied on every doubling.
            let size = Int(min(max(announced, 0), Int64(limit)))
            // Under a memory limit, fail in one line rather than let Swift stop the process.
            guard MemoryHeadroom.available(size * MemoryHeadroom.bytesPerAnswerByte) else {
                outOfMemory = true
                return 0
            }
            if announced > 0 { body.reserveCapacity(size) }
        }
        if body.count + length > body.capacity, !MemoryHeadroom.available((body.count + length) * MemoryHeadroom.bytesPerAnswerByte) {
            outOfMemory = true
            return 0
        }
        data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
        }
        return length
    }

    /// The answer's head ended (the empty line after its headers): libcurl takes a connection that closes in the
    /// middle of the head for the end of an answer with no body.
    var headEnded = false
    /// The body is sent in chunks, so its end is marked (`Transfer-Encoding: chunked`).
    var chunked = false

    /// One line of the answer's head (from libcurl's header callback); a new status line starts a new head (after
    /// a `100 Continue`).
    func receiveHeader(_ data: UnsafeMutablePointer<CChar>, length: Int) {
        data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
            let line = UnsafeBufferPointer(start: bytes, count: length)
            if line.starts(with: Array("HTTP/".utf8)) {
                headEnded = false
                chunked = false
            } else if line.elementsEqual([13, 10]) || line.elementsEqual([10]) {
                headEnded = true
            } else if length < 200 {
                let text = String(decoding: line, as: UTF8.self).lowercased()
                if text.hasPrefix("transfer-encoding:") && text.contains("chunked") { chunked = true }
            }
        }
    }

    /// The error buffer's text, lower-cased, without a trailing newline; empty when libcurl wrote none.
    var detail: String {
        var text = String(cString: errorBuffer).lowercased()
        while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
        return text
    }
}
