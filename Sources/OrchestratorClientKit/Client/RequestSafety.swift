/// Whether sending a request again could apply a change twice.
///
/// The one decision of "is this a change": a command's is in its table entry, a request carries it
/// (``HTTPRequest/safety``), and it rules both the retries (a change is sent again only when it provably never reached
/// a server; one that may have is "outcome unknown", never "cannot reach") and the connection (a change takes one of
/// its own).
package enum RequestSafety: Sendable {
    /// The request only reads: retried on any transport failure while time remains.
    case readOnly
    /// The request changes something: retried only when it provably never reached a server.
    case changes
}
