/// Which credentials a request carries: the one rule for the transport, for judging a 401 or 403 ("refused" or
/// "needed"), for the endpoint report and for a program that shows what would be sent without sending it.
extension ClientConfiguration {
    /// The basic-auth credentials a request to `endpoint` carries: the configured ones, else those written in the
    /// endpoint's URL.
    public func basicAuth(for endpoint: Endpoint) -> Credentials? {
        credentials ?? endpoint.credentials
    }

    /// True when a request to `endpoint` carries credentials: basic auth, or the auth header.
    package func sendsCredentials(to endpoint: Endpoint) -> Bool {
        basicAuth(for: endpoint) != nil || authHeader != nil
    }

    /// The `http://` endpoints that get credentials in cleartext while another endpoint is `https://`: every
    /// endpoint is asked at once for the leader, so such a list sends the password in cleartext on every run,
    /// although whoever wrote it meant it to travel inside TLS. Empty when no endpoint is https (a choice made
    /// for the whole list, as the bash client's) or when no credentials are sent.
    package var endpointsGettingCredentialsInCleartext: [Endpoint] {
        guard endpoints.contains(where: { $0.url.hasPrefix("https://") }) else { return [] }
        return endpoints.filter { $0.url.hasPrefix("http://") && sendsCredentials(to: $0) }
    }

    /// What in this configuration deserves a warning, one sentence each: credentials sent in cleartext to an
    /// `http://` endpoint beside `https://` ones. The command line prints them once per run; a client logs them
    /// once, when it is made.
    public var warnings: [String] {
        let cleartext = endpointsGettingCredentialsInCleartext
        guard !cleartext.isEmpty else { return [] }
        return ["the credentials are sent in cleartext over http to " + cleartext.map(\.url).joined(separator: ", ")
                + " on every run (every endpoint is asked for the leader), while the other endpoints use https: "
                + "write https:// in " + (cleartext.count == 1 ? "that endpoint" : "those endpoints")]
    }
}
