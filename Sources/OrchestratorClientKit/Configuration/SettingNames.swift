/// How messages composed while requests run (a TLS failure's hint, the proxy in the way, an answer over the size
/// limit) name a setting to change. By default the library's names (``ConfigurationOverrides`` properties); a program
/// whose users set these another way (the command line: flags) gives its own names, so the hint says what they type.
/// Environment variables are named by the library in either case (``Setting/environmentVariable``).
public struct SettingNames: Sendable, Equatable {
    private let names: [Setting: String]

    /// `names` in place of the library's; a setting not in it keeps the library's name.
    public init(_ names: [Setting: String] = [:]) { self.names = names }

    /// The library's names.
    public static let library = SettingNames()

    /// The name of `setting` in messages.
    public subscript(setting: Setting) -> String {
        names[setting] ?? "ConfigurationOverrides." + (setting.overrideName ?? setting.rawValue)
    }
}
