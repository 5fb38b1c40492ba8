/// The version of this client.
public enum ClientVersion {
    /// Semantic version of the library and the executable.
    public static let current = "0.1.0"
}
