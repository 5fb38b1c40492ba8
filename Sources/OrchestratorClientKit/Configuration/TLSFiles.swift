#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The checks of the TLS files that can be made before a connection: the TLS library would report these only
/// once per endpoint and probe, after connecting, and as if the server were at fault.
extension TLSOptions {
    /// Refuses, as invalid values, what ``checkFilesReadable()`` describes.
    public func checkFiles() throws(OrchestratorError) {
        try checkAuthorities()
        var keyText: String?
        var keySource = ValueSource.setting(.clientKey)
        var keyPath = keyFile
        if let certificateFile {
            let source = ValueSource.setting(.clientCertificate)
            let text = try Self.read(certificateFile, source: source, what: "the client certificate")
            guard text.contains("-----BEGIN CERTIFICATE-----") else {
                throw Self.invalid(source, certificateFile, "it holds no PEM certificate (-----BEGIN CERTIFICATE-----)",
                                   "give the client certificate in PEM form")
            }
            if keyFile == nil {
                guard Self.holdsPrivateKey(text) else {
                    throw Self.invalid(source, certificateFile, "it holds no private key, and no client key was given",
                                       "give the certificate's key as the client key", remedy: .give(.clientKey))
                }
                // One file with both: libcurl reads the key from it.
                keyText = text
                keySource = source
                keyPath = certificateFile
            }
        } else if let keyFile {
            throw Self.invalid(.setting(.clientKey), keyFile, "a key is given without its certificate",
                               "give the client certificate too", remedy: .give(.clientCertificate))
        }
        if keyText == nil, let keyFile {
            let text = try Self.read(keyFile, source: keySource, what: "the client key")
            guard Self.holdsPrivateKey(text) else {
                throw Self.invalid(keySource, keyFile, "it holds no PEM private key (-----BEGIN … PRIVATE KEY-----)",
                                   "give the client certificate's key in PEM form")
            }
            keyText = text
        }
        if let keyText, let keyPath {
            var info = stat()
            if stat(keyPath, &info) == 0, info.st_mode & 0o077 != 0 {
                throw Self.invalid(keySource, keyPath, "the private key can be read or written by others than its owner",
                                   "run chmod 600 \(keyPath)")
            }
            if keyPassword == nil, Self.isEncrypted(keyText) {
                throw Self.invalid(keySource, keyPath, "the key is encrypted and no pass phrase was given",
                                   "give a file holding its pass phrase as the key password file (mode 600), or use a key "
                                       + "without a pass phrase", remedy: .give(.keyPasswordFile))
            }
        } else if keyPassword != nil {
            throw .input(.keyPasswordWithoutKey)
        }
    }

    static func holdsPrivateKey(_ text: String) -> Bool {
        text.contains("-----BEGIN") && text.contains("PRIVATE KEY-----")
    }

    /// PKCS#8 (`ENCRYPTED PRIVATE KEY`) or the traditional form (`Proc-Type: 4,ENCRYPTED`).
    static func isEncrypted(_ text: String) -> Bool {
        text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----") || text.contains("Proc-Type: 4,ENCRYPTED")
    }

    static func read(_ path: String, source: ValueSource, what: String) throws(OrchestratorError) -> String {
        let descriptor = open(path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw invalid(source, path, "the file does not exist or cannot be read (\(String(cString: strerror(errno))))",
                          "give the path of a readable PEM file")
        }
        close(descriptor)
        var info = stat()
        guard stat(path, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            throw invalid(source, path, "it is not a regular file", "give the path of the PEM file of \(what)")
        }
        guard let text = ProfileFile.readTextFile(path, limit: 16 << 20) else {
            throw invalid(source, path, "the file cannot be read, or is larger than 16 MiB", "give the path of the PEM file of \(what)")
        }
        guard !ValueSource.isEmptyValue(text) else {
            throw invalid(source, path, "the file is empty", "give the path of the PEM file of \(what)")
        }
        return text
    }

    static func invalid(_ source: ValueSource, _ value: String, _ problem: String, _ fix: String,
                        remedy: Remedy? = nil) -> OrchestratorError {
        .invalidValue(InvalidValue(source: source, value: value, problem: problem, fix: fix, remedy: remedy))
    }
}
