#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// A file or directory of certificate authorities, with the setting or variable that named it: what libcurl is given
/// (`CURLOPT_CAINFO`, `CURLOPT_CAPATH`), and what a check or a failed verification names.
public struct AuthorityLocation: Sendable, Hashable {
    /// A PEM file of certificates, or directories of hashed certificates (`c_rehash`) separated by `:`.
    public var path: String
    /// What named it: ``Setting/caFile``, ``Setting/proxyCAFile``, or a variable curl reads (`CURL_CA_BUNDLE`).
    public var source: ValueSource

    /// The authorities at `path`, named by `source`.
    public init(path: String, source: ValueSource) {
        self.path = path
        self.source = source
    }
}

/// The certificate authorities named by the variables curl's tool reads, so that a host set up for the bash client's
/// curl keeps trusting orchestrator: `CURL_CA_BUNDLE` (a PEM file) alone when set; else `SSL_CERT_FILE` (a PEM file)
/// and `SSL_CERT_DIR` (directories, `:`-separated), either or both. An empty variable counts as unset.
///
/// As with curl, they count only when no CA file is given (``TLSOptions/caFile``, which
/// ``ClientConfiguration/resolve(_:overrides:)`` takes from ``ConfigurationOverrides/caFile`` or `ORCHESTRATOR_CA_FILE`)
/// and verification is on; `SSL_CERT_DIR` then verifies an https proxy too (curl's `--proxy-capath` defaults to its
/// `--capath`), besides ``TLSOptions/proxyCAFile``. Without any of them, the system's store verifies.
public struct InheritedAuthorities: Sendable, Equatable {
    /// `CURL_CA_BUNDLE`, or `SSL_CERT_FILE`.
    public var file: AuthorityLocation?
    /// `SSL_CERT_DIR`.
    public var directory: AuthorityLocation?

    /// The variables, in the order curl reads them.
    public static let variableNames = ["CURL_CA_BUNDLE", "SSL_CERT_FILE", "SSL_CERT_DIR"]

    /// Authorities at these locations; none by default.
    public init(file: AuthorityLocation? = nil, directory: AuthorityLocation? = nil) {
        self.file = file
        self.directory = directory
    }

    /// The authorities the variables name, each read by `value` (`nil` or empty: unset), with curl's precedence.
    public init(reading value: (String) throws(OrchestratorError) -> String?) throws(OrchestratorError) {
        func named(_ name: String) throws(OrchestratorError) -> AuthorityLocation? {
            guard let path = try value(name), !ValueSource.isEmptyValue(path) else { return nil }
            return AuthorityLocation(path: path, source: .named(name))
        }
        if let bundle = try named("CURL_CA_BUNDLE") {
            self.init(file: bundle)
        } else {
            self.init(file: try named("SSL_CERT_FILE"), directory: try named("SSL_CERT_DIR"))
        }
    }
}

extension InheritedAuthorities {
    /// What of these verifies a peer of `configuration`: the file for https endpoints, `SSL_CERT_DIR` for them and for
    /// an https proxy. A variable that nothing would read (a host whose endpoints are http) is neither used nor checked,
    /// as curl never opens it for an http URL.
    func used(by configuration: ClientConfiguration) -> InheritedAuthorities {
        let endpoints = configuration.endpoints.map(\.url)
        let httpsEndpoint = endpoints.contains { $0.hasPrefix("https://") }
        let tlsProxy = endpoints.contains { configuration.proxy.usesTLSProxy(for: $0) }
        return InheritedAuthorities(file: httpsEndpoint ? file : nil, directory: httpsEndpoint || tlsProxy ? directory : nil)
    }
}

/// What verifies one TLS peer (orchestrator, or the https proxy on the way): whether it is verified at all, and the
/// authorities given for it; none given means the system's store.
package struct PeerTrust: Sendable, Equatable {
    package var verifies: Bool
    package var file: AuthorityLocation?
    package var directory: AuthorityLocation?

    package init(verifies: Bool = true, file: AuthorityLocation? = nil, directory: AuthorityLocation? = nil) {
        self.verifies = verifies
        self.file = file
        self.directory = directory
    }

    /// The locations given, file first.
    package var locations: [AuthorityLocation] { [file, directory].compactMap { $0 } }
}

extension TLSOptions {
    /// What verifies orchestrator's certificate: ``caFile``, else the variables curl reads; nothing when ``insecure``.
    package var serverTrust: PeerTrust {
        if insecure { return PeerTrust(verifies: false) }
        if let caFile { return PeerTrust(file: AuthorityLocation(path: caFile, source: .setting(.caFile))) }
        return PeerTrust(file: inheritedAuthorities.file, directory: inheritedAuthorities.directory)
    }

    /// What verifies an https proxy's certificate: ``proxyCAFile``, with `SSL_CERT_DIR` when it is read for
    /// orchestrator (as curl does); nothing when ``proxyInsecure``. orchestrator's own settings never reach the proxy.
    package var proxyTrust: PeerTrust {
        if proxyInsecure { return PeerTrust(verifies: false) }
        let inherited = caFile == nil && !insecure ? inheritedAuthorities.directory : nil
        return PeerTrust(file: proxyCAFile.map { AuthorityLocation(path: $0, source: .setting(.proxyCAFile)) }, directory: inherited)
    }

    /// Refuses, as invalid values naming their setting or variable, certificate authorities that cannot be used:
    /// a file that is missing, unreadable, not a regular file, empty or without a PEM certificate; a directory that
    /// is missing or not one.
    func checkAuthorities() throws(OrchestratorError) {
        var checked: Set<AuthorityLocation> = []
        for (trust, signed) in [(serverTrust, "orchestrator's certificate"), (proxyTrust, "the proxy's certificate")] {
            // A location is a file or directories by the PeerTrust field that holds it, never by its name.
            if let file = trust.file, checked.insert(file).inserted {
                try Self.checkAuthorityFile(file, signed: signed)
            }
            if let directory = trust.directory, checked.insert(directory).inserted {
                try Self.checkDirectories(directory)
            }
        }
    }

    /// A PEM file of certificate authorities: readable, a regular file, not empty, holding a certificate.
    static func checkAuthorityFile(_ location: AuthorityLocation, signed: String) throws(OrchestratorError) {
        let text = try read(location.path, source: location.source, what: "certificate authorities")
        if !text.contains("-----BEGIN CERTIFICATE-----") && !text.contains("-----BEGIN TRUSTED CERTIFICATE-----") {
            throw invalid(location.source, location.path, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                          "give the PEM file of the certificate authority that signed \(signed)")
        }
    }

    /// Directories of certificate authorities (`SSL_CERT_DIR`): each must be one that can be read (OpenSSL would skip
    /// it silently).
    static func checkDirectories(_ location: AuthorityLocation) throws(OrchestratorError) {
        let entries = location.path.split(separator: ":")
        for entry in entries {
            let descriptor = open(String(entry), O_RDONLY | O_DIRECTORY | O_CLOEXEC)
            guard descriptor >= 0 else {
                let reason = String(cString: strerror(errno)).lowercased()
                let which = entries.count == 1 ? "it" : OrchestratorError.shown(String(entry))
                throw invalid(location.source, location.path, "\(which) is not a directory that can be read (\(reason))",
                              "give directories of certificate authorities (hashed with c_rehash), separated by ':', or unset it")
            }
            close(descriptor)
        }
    }
}
