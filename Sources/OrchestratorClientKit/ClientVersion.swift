/// The version of this client.
public enum ClientVersion {
    /// Semantic version of the library and the executable. The file `VERSION` at the repository root holds it for
    /// the Makefile and the packages; a test fails when the two differ.
    public static let current = "4.0.0"
}
