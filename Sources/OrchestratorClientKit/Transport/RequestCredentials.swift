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
}
