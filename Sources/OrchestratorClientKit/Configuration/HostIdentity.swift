/// Facts about the machine and user the client runs as.
package enum HostIdentity {
    /// This machine's fully qualified host name, as `hostname -f` prints it: the canonical name the
    /// resolver gives for `gethostname()`, or that name itself when the resolver knows no better.
    package static func fullyQualifiedName() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return nil }
        let short = String(decoding: buffer.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard !short.isEmpty else { return nil }
        var hints = addrinfo()
        hints.ai_flags = AI_CANONNAME
        hints.ai_family = AF_UNSPEC
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(short, nil, &hints, &result) == 0, let info = result else { return short }
        defer { freeaddrinfo(info) }
        if let canonical = info.pointee.ai_canonname {
            let name = String(cString: canonical)
            if !name.isEmpty { return name }
        }
        return short
    }

    /// The login name of the effective user, the default owner of downtimes and maintenance.
    package static func currentUser() -> String? {
        if let entry = getpwuid(geteuid()), let name = entry.pointee.pw_name {
            return String(cString: name)
        }
        return getenv("USER").map { String(cString: $0) }
    }
}
