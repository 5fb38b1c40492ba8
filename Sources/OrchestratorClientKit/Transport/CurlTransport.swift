import CCurl
/// Sends requests through one libcurl multi handle, so probes run in parallel and the command request reuses
/// the connection its leader probe opened.
///
/// libcurl is loaded (dlopen) by the first ``send(_:isEnough:)``, not before: commands that send nothing never
/// pay for it. This is the only file that calls libcurl (see Sources/CCurl/shim.h).
package final class CurlTransport: HTTPSending {
    /// The largest answer accepted; orchestrator's biggest answers (all instances of a large fleet) are far below.
    package static let maximumBodyBytes = 512 << 20

    private let configuration: ClientConfiguration
    private let userAgent: String
    /// The multi handle and the request headers, made once libcurl is loaded.
    private var handles: (multi: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?)?

    /// A transport for `configuration`'s credentials, TLS settings and connect timeout.
    package init(configuration: ClientConfiguration, userAgent: String = "orchestrator-client/\(ClientVersion.current)") {
        self.configuration = configuration
        self.userAgent = userAgent
    }

    deinit {
        if let handles {
            occ_multi_cleanup(handles.multi)
            occ_slist_free_all(handles.headers)
        }
    }

    /// Loads libcurl if needed and makes the multi handle; the reason when libcurl cannot be used.
    private func prepare() -> Result<(multi: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?), TransportFailure> {
        if let handles { return .success(handles) }
        if let error = occ_curl_load() {
            return .failure(TransportFailure(kind: .other, reason: "cannot load libcurl (install libcurl4): \(String(cString: error))",
                                             elapsedMilliseconds: 0))
        }
        guard let multi = occ_multi_init() else {
            return .failure(TransportFailure(kind: .other, reason: "libcurl could not start", elapsedMilliseconds: 0))
        }
        var list: UnsafeMutablePointer<curl_slist>? = occ_slist_append(nil, "Accept: application/json")
        if let header = configuration.authHeader {
            list = occ_slist_append(list, header)
        }
        handles = (multi, list)
        return .success((multi, list))
    }

    /// Collects one transfer's body; the C write callback reaches it through an unmanaged pointer.
    private final class Transfer {
        let handle: UnsafeMutableRawPointer
        var body: [UInt8] = []
        var tooLarge = false
        let started: UInt64
        let isHTTPS: Bool
        /// libcurl's own words for a failure (`CURLOPT_ERRORBUFFER`): names the TLS problem, which the code alone does not.
        let errorBuffer: UnsafeMutablePointer<CChar>
        init(handle: UnsafeMutableRawPointer, started: UInt64, isHTTPS: Bool) {
            self.handle = handle
            self.started = started
            self.isHTTPS = isHTTPS
            self.errorBuffer = .allocate(capacity: Int(CURL_ERROR_SIZE) + 1)
            self.errorBuffer.initialize(repeating: 0, count: Int(CURL_ERROR_SIZE) + 1)
        }
        deinit { errorBuffer.deallocate() }

        /// The error buffer's text, lower-cased, without a trailing newline; empty when libcurl wrote none.
        var detail: String {
            var text = String(cString: errorBuffer).lowercased()
            while text.hasSuffix("\n") || text.hasSuffix(" ") { text.removeLast() }
            return text
        }
    }

    /// Sends `requests` at once; see ``HTTPSending/send(_:isEnough:)``.
    package func send(_ requests: [HTTPRequest], isEnough: (HTTPOutcome) -> Bool) -> [HTTPOutcome?] {
        let multi: UnsafeMutableRawPointer
        let headers: UnsafeMutablePointer<curl_slist>?
        switch prepare() {
        case .success(let handles): (multi, headers) = handles
        case .failure(let failure): return requests.map { _ in .failure(failure) }
        }
        var outcomes = [HTTPOutcome?](repeating: nil, count: requests.count)
        var transfers: [Transfer?] = []
        var running = 0
        for (index, request) in requests.enumerated() {
            guard let handle = occ_easy_init() else {
                outcomes[index] = .failure(TransportFailure(kind: .other, reason: "libcurl could not start a transfer", elapsedMilliseconds: 0))
                transfers.append(nil)
                continue
            }
            let transfer = Transfer(handle: handle, started: Clock.nowMilliseconds(), isHTTPS: request.url.hasPrefix("https://"))
            configure(handle, for: request, transfer: transfer, index: index, headers: headers)
            occ_multi_add_handle(multi, handle)
            transfers.append(transfer)
            running += 1
        }
        var stillRunning: Int32 = 0
        var done = running == 0
        while !done {
            occ_multi_perform(multi, &stillRunning)
            var queued: Int32 = 0
            while let message = occ_multi_info_read(multi, &queued) {
                guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
                var privatePointer: UnsafeMutableRawPointer?
                _ = occ_getinfo_pointer(handle, CURLINFO_PRIVATE, &privatePointer)
                let index = Int(bitPattern: privatePointer)
                guard index >= 0, index < transfers.count, let transfer = transfers[index] else { continue }
                let outcome = finish(transfer, code: message.pointee.data.result)
                outcomes[index] = outcome
                release(transfer, from: multi)
                transfers[index] = nil
                running -= 1
                if isEnough(outcome) { done = true; break }
            }
            if running == 0 { done = true }
            if !done {
                var ready: Int32 = 0
                occ_multi_poll(multi, 100, &ready)
            }
        }
        // Abandon whatever is still running: a hung or slow endpoint costs nothing more.
        for case let transfer? in transfers { release(transfer, from: multi) }
        return outcomes
    }

    private func configure(_ handle: UnsafeMutableRawPointer, for request: HTTPRequest, transfer: Transfer, index: Int,
                           headers: UnsafeMutablePointer<curl_slist>?) {
        _ = occ_setopt_string(handle, CURLOPT_URL, request.url)
        _ = occ_setopt_pointer(handle, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: index))
        _ = occ_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorBuffer))
        _ = occ_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        _ = occ_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        _ = occ_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https")
        _ = occ_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = occ_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
        _ = occ_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS,
                            max(1, min(configuration.timeouts.connectMilliseconds, request.timeoutMilliseconds)))
        _ = occ_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        if let credentials = configuration.credentials ?? request.endpoint.credentials {
            _ = occ_setopt_long(handle, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC, a macro Swift cannot import */)
            _ = occ_setopt_string(handle, CURLOPT_USERNAME, credentials.user)
            _ = occ_setopt_string(handle, CURLOPT_PASSWORD, credentials.password)
        }
        let tls = configuration.tls
        if let caFile = tls.caFile { _ = occ_setopt_string(handle, CURLOPT_CAINFO, caFile) }
        if let certificate = tls.certificateFile { _ = occ_setopt_string(handle, CURLOPT_SSLCERT, certificate) }
        if let key = tls.keyFile { _ = occ_setopt_string(handle, CURLOPT_SSLKEY, key) }
        if tls.insecure {
            _ = occ_setopt_long(handle, CURLOPT_SSL_VERIFYPEER, 0)
            _ = occ_setopt_long(handle, CURLOPT_SSL_VERIFYHOST, 0)
        }
        if request.wantsCertificate { _ = occ_setopt_long(handle, CURLOPT_CERTINFO, 1) }
        _ = occ_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(transfer).toOpaque())
        _ = occ_setopt_write_function(handle) { data, size, count, context in
            guard let context, let data else { return 0 }
            let transfer = Unmanaged<Transfer>.fromOpaque(context).takeUnretainedValue()
            let length = size * count
            if transfer.body.count + length > CurlTransport.maximumBodyBytes {
                transfer.tooLarge = true
                return 0
            }
            if transfer.body.isEmpty {
                // Size the buffer once from Content-Length: a large answer is not copied on every doubling.
                var announced: Int64 = -1
                _ = occ_getinfo_off(transfer.handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced)
                if announced > 0 { transfer.body.reserveCapacity(Int(min(announced, Int64(CurlTransport.maximumBodyBytes)))) }
            }
            data.withMemoryRebound(to: UInt8.self, capacity: length) { bytes in
                transfer.body.append(contentsOf: UnsafeBufferPointer(start: bytes, count: length))
            }
            return length
        }
    }

    private func finish(_ transfer: Transfer, code: CURLcode) -> HTTPOutcome {
        let elapsed = Int(Clock.nowMilliseconds() - transfer.started)
        if code == CURLE_OK {
            var status = 0
            _ = occ_getinfo_long(transfer.handle, CURLINFO_RESPONSE_CODE, &status)
            var typePointer: UnsafeMutablePointer<CChar>?
            _ = occ_getinfo_string(transfer.handle, CURLINFO_CONTENT_TYPE, &typePointer)
            var answer = HTTPAnswer(status: status, contentType: typePointer.map { String(cString: $0) }, body: transfer.body)
            answer.elapsedMilliseconds = elapsed
            if transfer.isHTTPS {
                var expiry = [UInt8](repeating: 0, count: 128)
                let found = expiry.withUnsafeMutableBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { occ_certificate_expiry(transfer.handle, $0.baseAddress, $0.count) }
                }
                if found == 1 { answer.certificateExpiry = String(decoding: expiry.prefix { $0 != 0 }, as: UTF8.self) }
            }
            return .success(answer)
        }
        return .failure(failure(for: code, transfer: transfer, elapsed: elapsed))
    }

    private func failure(for code: CURLcode, transfer: Transfer, elapsed: Int) -> TransportFailure {
        if code == CURLE_RECV_ERROR || code == CURLE_SEND_ERROR, Self.isTLSAlert(transfer.detail) {
            // With TLS 1.3 a server that refuses the handshake (no or unknown client certificate) says so with an
            // alert the client reads only after sending the request, which the server never read: not a broken
            // answer, and nothing a retry can fix.
            return TransportFailure(kind: .tls, reason: "TLS failed: \(transfer.detail)" + Self.tlsHint(transfer.detail),
                                    elapsedMilliseconds: elapsed)
        }
        switch code {
        case CURLE_COULDNT_CONNECT:
            return TransportFailure(kind: .refused, reason: "connection refused", elapsedMilliseconds: elapsed)
        case CURLE_COULDNT_RESOLVE_HOST:
            return TransportFailure(kind: .unresolved, reason: "host name not resolved", elapsedMilliseconds: elapsed)
        case CURLE_OPERATION_TIMEDOUT:
            var connectMicroseconds: Int = 0
            _ = occ_getinfo_long(transfer.handle, CURLINFO_CONNECT_TIME_T, &connectMicroseconds)
            if connectMicroseconds == 0 {
                return TransportFailure(kind: .connectTimeout, reason: "no connection after \(elapsed) ms", elapsedMilliseconds: elapsed)
            }
            return TransportFailure(kind: .timeout, reason: "no complete answer after \(elapsed) ms", elapsedMilliseconds: elapsed)
        case CURLE_WRITE_ERROR where transfer.tooLarge:
            return TransportFailure(kind: .tooLarge, reason: "answer larger than \(Self.maximumBodyBytes >> 20) MiB", elapsedMilliseconds: elapsed)
        case CURLE_GOT_NOTHING, CURLE_RECV_ERROR, CURLE_PARTIAL_FILE, CURLE_SEND_ERROR:
            var reason = "connection closed before the answer was complete (\(Self.describe(code)))"
            var headerBytes = 0
            _ = occ_getinfo_long(transfer.handle, CURLINFO_HEADER_SIZE, &headerBytes)
            if transfer.isHTTPS, headerBytes == 0, code != CURLE_PARTIAL_FILE {
                // A TLS 1.3 server refusing the client certificate often resets the connection before its alert is read.
                reason += configuration.tls.certificateFile == nil
                    ? "; an https server that requires a client certificate closes like this: give --cert and --key"
                    : "; an https server that refuses our client certificate closes like this"
            }
            return TransportFailure(kind: .broken, reason: reason, elapsedMilliseconds: elapsed)
        case CURLE_SSL_CONNECT_ERROR, CURLE_PEER_FAILED_VERIFICATION, CURLE_SSL_CERTPROBLEM, CURLE_SSL_CIPHER,
             CURLE_SSL_CACERT_BADFILE, CURLE_SSL_ENGINE_NOTFOUND:
            let detail = transfer.detail.isEmpty ? Self.describe(code) : transfer.detail
            let hint = code == CURLE_PEER_FAILED_VERIFICATION
                ? "; trust its certificate authority with --ca-file or ORCHESTRATOR_CA_FILE" : Self.tlsHint(detail)
            return TransportFailure(kind: .tls, reason: "TLS failed: \(detail)\(hint)", elapsedMilliseconds: elapsed)
        default:
            let detail = transfer.detail
            let reason = detail.isEmpty || detail == Self.describe(code) ? Self.describe(code) : "\(Self.describe(code)): \(detail)"
            return TransportFailure(kind: .other, reason: reason, elapsedMilliseconds: elapsed)
        }
    }

    /// True when libcurl's message reports a TLS alert from the peer (e.g. `tlsv13 alert certificate required`).
    static func isTLSAlert(_ detail: String) -> Bool {
        detail.contains("alert") && (detail.contains("ssl") || detail.contains("tls"))
    }

    static func tlsHint(_ detail: String) -> String {
        if detail.contains("certificate required") {
            return "; the server requires a client certificate: give --cert and --key"
        }
        if detail.contains("alert unknown ca") || detail.contains("alert bad certificate") || detail.contains("alert certificate unknown") {
            return "; the server refused our client certificate"
        }
        if detail.contains("alert handshake failure") {
            return "; the server may require a client certificate: give --cert and --key"
        }
        return ""
    }

    private func release(_ transfer: Transfer, from multi: UnsafeMutableRawPointer) {
        occ_multi_remove_handle(multi, transfer.handle)
        occ_easy_cleanup(transfer.handle)
    }

    private static func describe(_ code: CURLcode) -> String {
        String(cString: occ_easy_strerror(code)).lowercased()
    }
}

// MARK: - The libcurl --version names (issue 11)

extension CurlTransport {
    /// The libcurl requests would use, for `--version`: `libcurl 7.88.1, OpenSSL/3.0.17`; `libcurl not found` when
    /// it cannot be loaded; or what is wrong with the one found (`libcurl lacks curl_multi_poll`: older than 7.66.0).
    ///
    /// Loads libcurl if no request has yet (a few milliseconds). Here, not in another file, because the shim's
    /// table of libcurl functions exists once per Swift file that calls it (see Sources/CCurl/shim.h).
    package static func libraryDescription() -> String {
        if let error = occ_curl_load() {
            let reason = String(cString: error)
            return reason.hasPrefix("libcurl lacks") || reason.hasPrefix("curl_global_init") ? reason : "libcurl not found"
        }
        let tls = occ_ssl_version().map { String(cString: $0) } ?? "no TLS"
        return "libcurl \(String(cString: occ_version())), \(tls)"
    }
}
