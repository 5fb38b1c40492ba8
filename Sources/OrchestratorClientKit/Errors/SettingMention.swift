/// A setting named inside a text the library writes while requests run: a TLS hint ("give the client certificate and
/// key"), a proxy hint, the answer size limit. Such texts end up in an error's message, in the lines of a
/// no-leader report and in an ``EndpointStatus``'s problems, long after the request; the text keeps which setting
/// it names, not how, so that every reader words it its own way: ``OrchestratorError/message(naming:)``,
/// ``EndpointStatus/problems(naming:)``. Read without a naming, a text names the setting by its ``ConfigurationOverrides`` property.
package enum SettingMention {
    /// Marks around a setting's raw value in a text; private-use scalars, which ``OrchestratorError/shown(_:limit:)``
    /// escapes in every value from outside, so that a server's answer cannot forge a mention.
    package static let open: Unicode.Scalar = "\u{E000}"
    package static let close: Unicode.Scalar = "\u{E001}"

    /// `setting` as it stands in a text until the text is worded.
    package static func of(_ setting: Setting) -> String { "\(Character(open))\(setting.rawValue)\(Character(close))" }

    /// `text` with each mention replaced by `naming(setting)`.
    package static func word(_ text: String, naming: (Setting) -> String) -> String {
        guard text.unicodeScalars.contains(open) else { return text }
        var worded = ""
        var scalars = text.unicodeScalars[...]
        while let start = scalars.firstIndex(of: open) {
            worded.unicodeScalars.append(contentsOf: scalars[..<start])
            let rest = scalars[scalars.index(after: start)...]
            guard let end = rest.firstIndex(of: close), let setting = Setting(rawValue: String(String.UnicodeScalarView(rest[..<end]))) else {
                worded.unicodeScalars.append(open)
                scalars = rest
                continue
            }
            worded += naming(setting)
            scalars = rest[rest.index(after: end)...]
        }
        worded.unicodeScalars.append(contentsOf: scalars)
        return worded
    }

    /// The library's own naming: the ``ConfigurationOverrides`` property.
    package static func libraryName(_ setting: Setting) -> String { setting.libraryName }
}
