/// What the loaded libcurl offers beyond libcurl 7.61.1 (RHEL 8), the oldest the client supports, and what the client
/// does without each: decided from its version number (`curl_version_info()->version_num`), read once when libcurl is
/// loaded. Pure values: ``CurlTransport`` reads the number and asks these (only it calls libcurl, see
/// Sources/CCurl/shim.h).
///
/// Introduction versions are curl's (docs/libcurl/symbols-in-versions). Everything else the transport sets or reads
/// is 7.55.0 or older and used unconditionally: `CURLINFO_CONTENT_LENGTH_DOWNLOAD_T` 7.55.0, `CURLOPT_PROXY_CAINFO`,
/// `PROXY_CAPATH`, `PROXY_SSL_VERIFYPEER`, `PROXY_SSL_VERIFYHOST`, `PROXY_SSLVERSION` and
/// `CURLINFO_PROXY_SSL_VERIFYRESULT` 7.52.0, `CURL_SSLVERSION_TLSv1_2` 7.34.0 (a minimum, not TLS 1.2 alone, from
/// 7.54.0), `CURLOPT_PROTOCOLS` 7.19.4, `CURLOPT_NOPROXY` 7.19.4,
/// `CURLOPT_CERTINFO` and `CURLINFO_CERTINFO` 7.19.1, `CURLOPT_USERNAME`/`PASSWORD` 7.19.1, `CURLINFO_REDIRECT_URL`
/// 7.18.2, `CURLOPT_KEYPASSWD` 7.17.0, `CURLMOPT_MAXCONNECTS` 7.16.3, `CURLOPT_TIMEOUT_MS`/`CONNECTTIMEOUT_MS` 7.16.2,
/// `CURLINFO_OS_ERRNO` 7.12.2, `CURLINFO_HTTP_CONNECTCODE` 7.10.7, `CURLSHOPT_SHARE` with
/// `CURL_LOCK_DATA_DNS`/`SSL_SESSION` 7.10.3, `CURLOPT_CAPATH` 7.9.8. `curl_multi_poll` (7.66.0) is not decided here
/// but by its symbol (the shim binds it when present, else waits with `curl_multi_wait`).
package struct LibcurlFeatures: Sendable, Equatable {
    /// 7.61.1, the oldest libcurl supported (the package's minimum).
    package static let minimumVersionNumber: UInt32 = 0x07_3D_01

    /// The loaded libcurl's `version_num`, `0xXXYYZZ`.
    package let versionNumber: UInt32

    package init(versionNumber: UInt32) {
        self.versionNumber = versionNumber
    }

    /// `CURLOPT_QUICK_EXIT`, 7.87.0: an abandoned or timed-out transfer still resolving its host name is not waited
    /// for at clean-up. Without it libcurl's threaded resolver waits for its lookup thread when the transfer ends (a
    /// known libcurl limitation, curl issues 2975 and 4852), as long as the system resolver takes (resolv.conf's
    /// timeout times its attempts): with a DNS server that does not answer, the client ends only then, past
    /// the operation's bound (`totalMilliseconds`). Endpoints given by address, and names in /etc/hosts, never wait.
    /// Nothing else depends on it.
    package var hasQuickExit: Bool { versionNumber >= 0x07_57_00 }

    /// `CURLOPT_PROTOCOLS_STR`, 7.85.0: libcurl speaks http and https only. Without it the same limit is given as
    /// `CURLOPT_PROTOCOLS` (the bitmask, 7.19.4): nothing is lost. A libcurl of 7.85.0 or later that refuses the string
    /// all the same gets the bitmask too.
    package var hasProtocolsString: Bool { versionNumber >= 0x07_55_00 }

    /// Whether libcurl itself refuses an answer with no HTTP status line (HTTP/0.9): by default from 7.66.0, when
    /// told with `CURLOPT_HTTP09_ALLOWED` = 0 from 7.64.0 (``needsHTTP09Refusal``). Before 7.64.0 libcurl takes such
    /// an answer as a body with status 0 and success; the transport then treats status 0 as "not HTTP" itself, so
    /// the outcome is the same (a change fails with ``OrchestratorError/Code/outcomeUnknown``), only libcurl's own
    /// words are missing.
    package var refusesHTTP09: Bool { versionNumber >= 0x07_40_00 }

    /// 7.64.0 and 7.65.x accept HTTP/0.9 unless `CURLOPT_HTTP09_ALLOWED` says 0.
    package var needsHTTP09Refusal: Bool { refusesHTTP09 && versionNumber < 0x07_42_00 }

    /// `CURLINFO_CONNECT_TIME_T` and `CURLINFO_PRETRANSFER_TIME_T`, 7.61.0 (microseconds, as integers). Without them
    /// (older than the minimum) the same times are read as seconds in a double (`CURLINFO_CONNECT_TIME`,
    /// `CURLINFO_PRETRANSFER_TIME`, in every libcurl). When neither answers, the transport says so rather than read a
    /// 0: see ``CurlTransport``'s use of ``TransferTiming``.
    package var hasTimeT: Bool { versionNumber >= 0x07_3D_00 }

    /// Older than the supported minimum (still used: every function bound is there from 7.28.0).
    package var isBelowMinimum: Bool { versionNumber < Self.minimumVersionNumber }
}

/// When a transfer reached a point (connected; about to send the request), as libcurl reports it, or that libcurl
/// could not say: an unanswered getinfo is never read as "not yet" (which would claim a change was never sent).
package enum TransferTiming: Equatable, Sendable {
    /// Microseconds after the transfer started; 0 when it has not got there.
    case microseconds(Int64)
    /// libcurl refused the question (`CURLE_UNKNOWN_OPTION` or `CURLE_BAD_FUNCTION_ARGUMENT`).
    case unknown

    /// Known to have got there; `nil` when unknown.
    package var reached: Bool? {
        switch self {
        case .microseconds(let value): return value > 0
        case .unknown: return nil
        }
    }

    /// A double in seconds (`CURLINFO_*_TIME`), as microseconds.
    package init(seconds: Double) {
        self = .microseconds(seconds.isFinite && seconds > 0 ? Int64((seconds * 1_000_000).rounded(.up)) : 0)
    }
}
