import CCurl
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
/// Sends requests through one libcurl multi handle, so probes run in parallel and a read reuses the connection its
/// leader probe opened (a change takes one of its own: libcurl resends a request on a kept connection that closed).
///
/// libcurl is loaded (dlopen) by the first ``start(_:tag:)``, not before: commands that send nothing never
/// pay for it. This is the only file that calls libcurl (see Sources/CCurl/shim.h).
///
/// The command line drives it synchronously (``send(_:preferringEarlier:isEnough:)``, one invocation, no thread of its
/// own); the library's ``TransferLoop`` drives a `pooled` one from its I/O thread with the same primitives (``start(_:tag:)``,
/// ``perform()``, ``nextCompleted()``, ``abandon(tag:)``, ``wait(milliseconds:wakeDescriptor:)``), keeping the multi
/// handle, its connections and a share handle (DNS, TLS sessions) for the life of the client.
/// An instance is used from one thread at a time.
package final class CurlTransport: HTTPSending {
    private let configuration: ClientConfiguration
    private let userAgent: String
    /// The multi handle and the request headers, made once libcurl is loaded.
    private var handles: (multi: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?)?
    /// The library's transport keeps connections, DNS answers and TLS sessions for the life of its client.
    private let pooled: Bool
    /// Idle connections a pooled transport keeps, at least.
    private let keptConnections: Int
    /// DNS answers and TLS sessions, shared by every transfer of a pooled transport (used from one thread only, so
    /// it needs no lock functions). The multi handle itself keeps the connections.
    private var share: UnsafeMutableRawPointer?
    /// The transfers running, by tag (`CURLOPT_PRIVATE`).
    private var active: [Int: CurlTransfer] = [:]
    /// What the loaded libcurl offers beyond 7.61.1, read when it is loaded (``prepare()``).
    private var features = LibcurlFeatures(versionNumber: LibcurlFeatures.minimumVersionNumber)

    /// A transport for `configuration`'s credentials, TLS settings and connect timeout; `pooled` for the library's
    /// long-lived one (see the type's documentation), keeping at least `keptConnections` idle connections.
    package init(configuration: ClientConfiguration, userAgent: String = "orchestrator-client/\(ClientVersion.current)",
                 pooled: Bool = false, keptConnections: Int = 0) {
        self.configuration = configuration
        self.userAgent = userAgent
        self.pooled = pooled
        self.keptConnections = keptConnections
    }

    deinit { releaseAll() }

    /// Not inlined into other files: see "@inline(never)" in Sources/CCurl/shim.h.
    @inline(never)
    private func releaseAll() {
        abandonAll()
        if let handles {
            // Closes the cached connections (a TLS close_notify each), before the share handle they used goes.
            occ_multi_cleanup(handles.multi)
            occ_slist_free_all(handles.headers)
        }
        if let share { occ_share_cleanup(share) }
    }

    /// Loads libcurl if needed and makes the multi handle; the reason when libcurl cannot be used.
    private func prepare() -> Result<(multi: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?), TransportFailure> {
        if let handles { return .success(handles) }
        if let error = occ_curl_load() {
            // Not the endpoints' fault (a missing package, or too little memory to load it): a usage error, said once.
            return .failure(TransportFailure(kind: .configuration, reason: "cannot load libcurl (install libcurl4): \(String(cString: error))",
                                             elapsedMilliseconds: 0))
        }
        features = LibcurlFeatures(versionNumber: UInt32(occ_version_number()))
        guard let multi = occ_multi_init() else {
            return .failure(TransportFailure(kind: .configuration, reason: "libcurl could not start (out of memory?)", elapsedMilliseconds: 0))
        }
        if pooled {
            share = occ_share_init()
            if let share {
                _ = occ_share_lock(share, CURL_LOCK_DATA_DNS)
                _ = occ_share_lock(share, CURL_LOCK_DATA_SSL_SESSION)
            }
            // Idle connections kept: one for each request that may be in flight to each endpoint, whatever
            // libcurl's default (4 per transfer added, so few between calls) would keep.
            _ = occ_multi_setopt_long(multi, CURLMOPT_MAXCONNECTS, max(16, keptConnections))
        }
        var list: UnsafeMutablePointer<curl_slist>? = occ_slist_append(nil, "Accept: application/json")
        if let header = configuration.authHeader { list = occ_slist_append(list, header) }
        handles = (multi, list)
        return .success((multi, list))
    }

    // MARK: Primitives, for send(_:preferringEarlier:isEnough:) and TransferLoop's I/O thread

    /// Adds a transfer for `request`, identified by `tag` in ``nextCompleted()``; the failure when none can start.
    /// Every transfer, blocking or on the I/O thread, is set up here from the request alone.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func start(_ request: HTTPRequest, tag: Int) -> TransportFailure? {
        let handles: (multi: UnsafeMutableRawPointer, headers: UnsafeMutablePointer<curl_slist>?)
        switch prepare() {
        case .success(let prepared): handles = prepared
        case .failure(let failure): return failure
        }
        // A proxy libcurl cannot use is this host's mistake, said once (resolve refuses it first; not every configuration is).
        if let invalid = configuration.proxy.unusableProxy(for: request.url) {
            return TransportFailure(kind: .configuration, reason: invalid.description, elapsedMilliseconds: 0)
        }
        guard let handle = occ_easy_init() else {
            return TransportFailure(kind: .other, reason: "libcurl could not start a transfer", elapsedMilliseconds: 0, delivery: .notSent)
        }
        let transfer = CurlTransfer(handle: handle, started: Clock.nowMilliseconds(), isHTTPS: request.url.hasPrefix("https://"),
                                    limit: min(configuration.maximumAnswerBytes, request.maximumAnswerBytes ?? .max))
        transfer.proxy = configuration.proxy.describeProxy(for: request.url)
        transfer.freshConnection = request.needsOwnConnection
        configure(handle, for: request, transfer: transfer, index: tag, headers: handles.headers)
        occ_multi_add_handle(handles.multi, handle)
        active[tag] = transfer
        return nil
    }

    /// Lets libcurl do whatever work is ready, without waiting.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func perform() {
        guard let multi = handles?.multi else { return }
        var stillRunning: Int32 = 0
        occ_multi_perform(multi, &stillRunning)
    }

    /// The next finished transfer, its tag and outcome; its handle is released.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func nextCompleted() -> (tag: Int, outcome: HTTPOutcome)? {
        guard let multi = handles?.multi else { return nil }
        var queued: Int32 = 0
        while let message = occ_multi_info_read(multi, &queued) {
            guard message.pointee.msg == CURLMSG_DONE, let handle = message.pointee.easy_handle else { continue }
            var privatePointer: UnsafeMutableRawPointer?
            _ = occ_getinfo_pointer(handle, CURLINFO_PRIVATE, &privatePointer)
            let tag = Int(bitPattern: privatePointer)
            guard let transfer = active.removeValue(forKey: tag) else { continue }
            let outcome = finish(transfer, code: message.pointee.data.result)
            release(transfer, from: multi)
            return (tag, outcome)
        }
        return nil
    }

    /// Stops the transfer `tag` now and releases it: the failure says whether its request may have been sent
    /// (libcurl had begun the transfer proper: connected, TLS done), for a caller that gave up on it.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func abandon(tag: Int) -> TransportFailure {
        guard let transfer = active.removeValue(forKey: tag), let multi = handles?.multi else {
            return TransportFailure(kind: .cancelledBeforeSending, reason: "cancelled", elapsedMilliseconds: 0)
        }
        // When libcurl cannot say whether the request went out, it may have: a change's outcome is then unknown.
        let sent = requestStarted(transfer.handle) ?? true
        let elapsed = Int(Clock.nowMilliseconds() - transfer.started)
        release(transfer, from: multi)
        return TransportFailure(kind: sent ? .cancelledAfterSending : .cancelledBeforeSending,
                                reason: "cancelled", elapsedMilliseconds: elapsed)
    }

    /// Abandons every transfer still running: a hung or slow endpoint costs nothing more.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func abandonAll() {
        for tag in Array(active.keys) { _ = abandon(tag: tag) }
    }

    /// Waits up to `milliseconds` for a transfer to have work, or for `wakeDescriptor` (when not -1) to be readable.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package func wait(milliseconds: Int32, wakeDescriptor: Int32 = -1) {
        guard let multi = handles?.multi else { return }
        var ready: Int32 = 0
        if wakeDescriptor >= 0 {
            occ_multi_poll_fd(multi, wakeDescriptor, milliseconds, &ready)
        } else {
            occ_multi_poll(multi, milliseconds, &ready)
        }
    }

    /// The number of transfers running.
    package var runningCount: Int { active.count }

    /// True once libcurl is loaded and the multi handle made (by the first ``start(_:tag:)``).
    package var isLoaded: Bool { handles != nil }

    /// Sets up a transfer from `request` alone: every option, for both the blocking and the I/O thread's sending.
    private func configure(_ handle: UnsafeMutableRawPointer, for request: HTTPRequest, transfer: CurlTransfer, index: Int,
                           headers: UnsafeMutablePointer<curl_slist>?) {
        if let share { _ = occ_setopt_pointer(handle, CURLOPT_SHARE, share) }
        // A change never rides a kept connection, in the library or on the command line: when a reused connection
        // closes without an answer, libcurl silently sends the request again on a new one (a change applied twice).
        // The certificate is seen only by a transfer that makes the TLS handshake: a kept connection made none.
        if request.needsOwnConnection { _ = occ_setopt_long(handle, CURLOPT_FRESH_CONNECT, 1) }
        _ = occ_setopt_string(handle, CURLOPT_URL, request.url)
        _ = occ_setopt_pointer(handle, CURLOPT_PRIVATE, UnsafeMutableRawPointer(bitPattern: index))
        _ = occ_setopt_pointer(handle, CURLOPT_ERRORBUFFER, UnsafeMutableRawPointer(transfer.errorBuffer))
        _ = occ_setopt_long(handle, CURLOPT_NOSIGNAL, 1)
        // An abandoned transfer still resolving its host name must not be waited for at clean-up: libcurl would join
        // its resolver thread, which waits as long as the system resolver does (resolv.conf's timeout, 20 s or more),
        // past every bound. Only from 7.87.0; without it, see LibcurlFeatures.hasQuickExit.
        if features.hasQuickExit { _ = occ_setopt_long(handle, CURLOPT_QUICK_EXIT, 1) }
        _ = occ_setopt_long(handle, CURLOPT_FOLLOWLOCATION, 0)
        if !features.hasProtocolsString || occ_setopt_string(handle, CURLOPT_PROTOCOLS_STR, "http,https") != CURLE_OK {
            // libcurl older than 7.85.0 has no string form: the bitmask, CURLPROTO_HTTP | CURLPROTO_HTTPS, the same
            // limit. (By number: Swift hides the deprecated name.)
            _ = occ_setopt_long(handle, CURLoption(rawValue: 181) /* CURLOPT_PROTOCOLS */, 3)
        }
        // 7.64.0 and 7.65.x take an answer without a status line as HTTP/0.9 unless told; older ones always do, and
        // finish(_:code:) refuses it (LibcurlFeatures.refusesHTTP09).
        if features.needsHTTP09Refusal { _ = occ_setopt_long(handle, CURLOPT_HTTP09_ALLOWED, 0) }
        _ = occ_setopt_string(handle, CURLOPT_USERAGENT, userAgent)
        _ = occ_setopt_long(handle, CURLOPT_TIMEOUT_MS, max(1, request.timeoutMilliseconds))
        _ = occ_setopt_long(handle, CURLOPT_CONNECTTIMEOUT_MS,
                            max(1, min(configuration.timeouts.connectMilliseconds, request.timeoutMilliseconds)))
        _ = occ_setopt_slist(handle, CURLOPT_HTTPHEADER, headers)
        if let credentials = configuration.basicAuth(for: request.endpoint) {
            _ = occ_setopt_long(handle, CURLOPT_HTTPAUTH, 1 /* CURLAUTH_BASIC, a macro Swift cannot import */)
            _ = occ_setopt_string(handle, CURLOPT_USERNAME, credentials.user)
            _ = occ_setopt_string(handle, CURLOPT_PASSWORD, credentials.password)
        }
        transfer.throughTLSProxy = configuration.proxy.usesTLSProxy(for: request.url)
        for option in configuration.tls.curlOptions(tlsProxy: transfer.throughTLSProxy) {
            switch option {
            case .long(let name, let value): _ = occ_setopt_long(handle, name, value)
            case .string(let name, let value): _ = occ_setopt_string(handle, name, value)
            }
        }
        // The proxy is decided by ProxySettings (from the variables libcurl itself reads) and given explicitly, or
        // none: what errors name is what was used.
        if let proxy = configuration.proxy.proxy(for: request.url) {
            _ = occ_setopt_string(handle, CURLOPT_PROXY, ProxySettings.withScheme(proxy.url))
            _ = occ_setopt_string(handle, CURLOPT_NOPROXY, "")
        } else {
            _ = occ_setopt_string(handle, CURLOPT_PROXY, "")
        }
        if request.wantsCertificate { _ = occ_setopt_long(handle, CURLOPT_CERTINFO, 1) }
        _ = occ_setopt_pointer(handle, CURLOPT_WRITEDATA, Unmanaged.passUnretained(transfer).toOpaque())
        _ = occ_setopt_pointer(handle, CURLOPT_HEADERDATA, Unmanaged.passUnretained(transfer).toOpaque())
        _ = occ_setopt_header_function(handle) { data, size, count, context in
            guard let context, let data else { return 0 }
            Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue().receiveHeader(data, length: size * count)
            return size * count
        }
        _ = occ_setopt_write_function(handle) { data, size, count, context in
            guard let context, let data else { return 0 }
            let transfer = Unmanaged<CurlTransfer>.fromOpaque(context).takeUnretainedValue()
            // Content-Length sizes the buffer (-1 when not announced, or when libcurl cannot say: the info is 7.55.0).
            var announced: Int64 = -1
            if transfer.body.isEmpty { _ = occ_getinfo_off(transfer.handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &announced) }
            return transfer.receive(data, length: size * count, announced: announced)
        }
    }

    private func finish(_ transfer: CurlTransfer, code: CURLcode) -> HTTPOutcome {
        let elapsed = Int(Clock.nowMilliseconds() - transfer.started)
        if code == CURLE_OK {
            var status = 0
            _ = occ_getinfo_long(transfer.handle, CURLINFO_RESPONSE_CODE, &status)
            if status == 0 {
                // No status line, taken as HTTP/0.9 by a libcurl older than 7.64.0: the request was sent, what came
                // back is not HTTP (what a newer libcurl reports as CURLE_WEIRD_SERVER_REPLY).
                return .failure(TransportFailure(kind: .broken, reason: Self.notHTTPReason("no status line: http/0.9", isHTTPS: transfer.isHTTPS),
                                                 elapsedMilliseconds: elapsed, delivery: .maybeSent))
            }
            if !transfer.headEnded {
                // libcurl takes a connection closed in the middle of the head for an answer without a body.
                return .failure(TransportFailure(kind: .broken, reason: "the connection closed before the answer's headers ended",
                                                 elapsedMilliseconds: elapsed, delivery: .maybeSent))
            }
            var typePointer: UnsafeMutablePointer<CChar>?
            _ = occ_getinfo_string(transfer.handle, CURLINFO_CONTENT_TYPE, &typePointer)
            var answer = HTTPAnswer(status: status, contentType: typePointer.map { String(cString: $0) }, body: transfer.body)
            if (300..<400).contains(status) {
                var location: UnsafeMutablePointer<CChar>?
                _ = occ_getinfo_string(transfer.handle, CURLINFO_REDIRECT_URL, &location)
                answer.location = location.map { String(cString: $0) }
            }
            answer.elapsedMilliseconds = elapsed
            var length: Int64 = -1, version = 0
            _ = occ_getinfo_off(transfer.handle, CURLINFO_CONTENT_LENGTH_DOWNLOAD_T, &length)
            _ = occ_getinfo_long(transfer.handle, CURLINFO_HTTP_VERSION, &version)
            // HTTP/2 and 3 (CURL_HTTP_VERSION_2_0 is 3) mark every body's end.
            answer.endedByClose = length < 0 && !transfer.chunked && version < 3
            if transfer.isHTTPS {
                var chain = [UInt8](repeating: 0, count: 8_192)
                let found = chain.withUnsafeMutableBufferPointer { buffer in
                    buffer.withMemoryRebound(to: CChar.self) { occ_certificate_chain(transfer.handle, $0.baseAddress, $0.count) }
                }
                if found > 0 { answer.certificateExpiry = EarliestCertificate(chain: String(decoding: chain.prefix { $0 != 0 }, as: UTF8.self)) }
            }
            return .success(answer)
        }
        return .failure(failure(for: code, transfer: transfer, elapsed: elapsed))
    }

    /// What libcurl reports of the failed `transfer`, for the one rule that judges it (``TransferFacts``).
    private func failure(for code: CURLcode, transfer: CurlTransfer, elapsed: Int) -> TransportFailure {
        let handle = transfer.handle
        var facts = TransferFacts(code: code, detail: transfer.detail, elapsedMilliseconds: elapsed, isHTTPS: transfer.isHTTPS)
        facts.codeText = Self.describe(code)
        facts.requestStarted = requestStarted(handle)
        facts.connected = timing(handle, CURLINFO_CONNECT_TIME_T, CURLINFO_CONNECT_TIME).reached
        facts.tlsReady = transfer.isHTTPS ? timing(handle, CURLINFO_APPCONNECT_TIME_T, CURLINFO_APPCONNECT_TIME).reached : nil
        var number = 0
        if occ_getinfo_long(handle, CURLINFO_HTTP_CONNECTCODE, &number) == CURLE_OK { facts.proxyStatus = number }
        number = 0
        _ = occ_getinfo_long(handle, CURLINFO_OS_ERRNO, &number)
        facts.osErrno = Int32(truncatingIfNeeded: number)
        number = 0
        _ = occ_getinfo_long(handle, CURLINFO_HEADER_SIZE, &number)
        facts.headerBytes = number
        facts.proxy = transfer.proxy
        facts.freshConnection = transfer.freshConnection
        facts.clientCertificateGiven = configuration.tls.certificateFile != nil
        facts.tls = configuration.tls
        facts.throughTLSProxy = transfer.throughTLSProxy
        number = 0
        if occ_getinfo_long(handle, CURLINFO_PROXY_SSL_VERIFYRESULT, &number) == CURLE_OK { facts.proxyVerifyResult = number }
        number = 0
        if transfer.isHTTPS, occ_getinfo_long(handle, CURLINFO_SSL_VERIFYRESULT, &number) == CURLE_OK { facts.verifyResult = number }
        facts.tooLarge = transfer.tooLarge
        facts.outOfMemory = transfer.outOfMemory
        facts.limit = transfer.limit
        return facts.failure
    }

    /// Whether the connection to orchestrator was ready and the request about to be written (libcurl's pretransfer
    /// time, ``TransferFacts/requestStarted``); `nil` when libcurl cannot say. Before it, nothing was sent.
    private func requestStarted(_ handle: UnsafeMutableRawPointer) -> Bool? {
        timing(handle, CURLINFO_PRETRANSFER_TIME_T, CURLINFO_PRETRANSFER_TIME).reached
    }

    /// When the transfer `handle` reached a point: `timeT` (`CURLINFO_*_TIME_T`, 7.61.0), or `seconds` (the same as a
    /// double, in every libcurl) when this libcurl is older or refuses it; ``TransferTiming/unknown`` when neither answers.
    private func timing(_ handle: UnsafeMutableRawPointer, _ timeT: CURLINFO, _ seconds: CURLINFO) -> TransferTiming {
        var microseconds: Int64 = 0
        if features.hasTimeT, occ_getinfo_off(handle, timeT, &microseconds) == CURLE_OK { return .microseconds(microseconds) }
        var value = 0.0
        return occ_getinfo_double(handle, seconds, &value) == CURLE_OK ? TransferTiming(seconds: value) : .unknown
    }

    private func release(_ transfer: CurlTransfer, from multi: UnsafeMutableRawPointer) {
        occ_multi_remove_handle(multi, transfer.handle)
        occ_easy_cleanup(transfer.handle)
    }

    private static func describe(_ code: CURLcode) -> String {
        String(cString: occ_easy_strerror(code)).lowercased()
    }
}

// MARK: - Which libcurl requests would use

extension CurlTransport {
    /// The libcurl requests would use, for a version report: `libcurl 7.88.1, OpenSSL/3.0.17`; `libcurl not found` when
    /// it cannot be loaded; or what is wrong with the one found (`libcurl lacks curl_multi_wait`: older than 7.28.0).
    ///
    /// Loads libcurl if no request has yet (a few milliseconds). Here, not in another file, because the shim's
    /// table of libcurl functions exists once per Swift file that calls it (see Sources/CCurl/shim.h).
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package static func libraryDescription() -> String {
        if let error = occ_curl_load() {
            let reason = String(cString: error)
            return reason.hasPrefix("libcurl lacks") || reason.hasPrefix("curl_global_init") ? reason : "libcurl not found"
        }
        let tls = occ_ssl_version().map { String(cString: $0) } ?? "no TLS"
        return "libcurl \(String(cString: occ_version())), \(tls)"
    }

    /// Whether the libcurl requests would use can speak HTTP/2 (built with it, `CURL_VERSION_HTTP2`): over https it then
    /// takes HTTP/2 when the server offers it. `false` when libcurl cannot be loaded. Loads it as
    /// ``libraryDescription()`` does, and here for the same reason.
    @inline(never)   // calls libcurl through this file's table (Sources/CCurl/shim.h)
    package static func librarySpeaksHTTP2() -> Bool {
        occ_curl_load() == nil && occ_has_http2() != 0
    }
}
