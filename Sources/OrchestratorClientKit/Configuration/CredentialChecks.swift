extension Credentials {
    /// Refuses credentials that would not arrive as given, whatever set them (a URL, the environment, the profile
    /// file, ``ConfigurationOverrides``): basic auth joins user and password with a `:`, so a user name holding one
    /// would be read by the server as a shorter user and the rest as the password; libcurl takes C strings, so a NUL
    /// (`%00` in a URL) ends the user name or password there and a different one would be sent. The password is
    /// never shown, nor what follows a `:` in the user name (it may be a password, `user:password` given as the user).
    /// A user name that is empty (``ValueSource/isEmptyValue(_:)``: `-b ' :pw'`, `http://%20:pw@host`, `http://@host`)
    /// names no user: sending the password for none is a mistake, never a request the user meant.
    package func checkSendable(source: ValueSource) throws(OrchestratorError) {
        if ValueSource.isEmptyValue(user) {
            throw .invalidValue(InvalidValue(source: source, value: description,
                                             problem: "the user name is empty or blank, so it names no user",
                                             fix: "write the user name before the ':' (user:password)"))
        }
        if user.contains(":") {
            throw .invalidValue(InvalidValue(source: source, value: Credentials.maskedPair(user),
                                             problem: "the user name contains ':', which basic auth cannot carry (the server "
                                                 + "would read what follows it as part of the password)",
                                             fix: "give a user name without ':'"))
        }
        if user.unicodeScalars.contains("\u{0}") || password.unicodeScalars.contains("\u{0}") {
            throw .invalidValue(InvalidValue(source: source, value: description,
                                             problem: "the user name or password contains a NUL character (%00), which cannot be sent",
                                             fix: "remove it; a password holding %00 would be cut short there"))
        }
    }
}
