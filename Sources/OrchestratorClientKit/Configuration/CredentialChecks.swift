extension Credentials {
    /// Refuses credentials libcurl would cut short: it takes C strings, so a NUL (`%00` in a URL) ends the user
    /// name or password there and a different one would be sent. The password is never shown.
    package func checkSendable(source: ValueSource = "the basic-auth credentials") throws(OrchestratorError) {
        if user.unicodeScalars.contains("\u{0}") || password.unicodeScalars.contains("\u{0}") {
            throw .invalidValue(InvalidValue(source: source, value: description,
                                             problem: "the user name or password contains a NUL character (%00), which cannot be sent",
                                             fix: "remove it; a password holding %00 would be cut short there"))
        }
    }
}
