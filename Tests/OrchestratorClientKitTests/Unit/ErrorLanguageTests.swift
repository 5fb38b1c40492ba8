import Testing
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// The library says what went wrong in its own terms (inputs, settings); the command line says it with its flags.
@Suite("Error language: the library names inputs and settings, the command line its flags")
struct ErrorLanguageTests {
    /// True when `text` names a flag the way a shell user types it (`-i/--instance`, `--cert`, `-U`).
    static func namesAFlag(_ text: String) -> Bool {
        let flags = FlagTable.all.flatMap { spec in spec.names.map { "--" + $0 } + (spec.letter.map { ["-\($0)/", "-\($0) "] } ?? []) }
        return flags.contains { text.contains($0) }
    }

    func refusal(_ body: () throws(OrchestratorError) -> Void) -> OrchestratorError? {
        do { try body() } catch { return error }
        return nil
    }

    @Test("an empty input is an input problem naming the input; the command line names its flag")
    func emptyInput() throws {
        let spec = try #require(CommandTable.find("discover"))
        let error = try #require(refusal { () throws(OrchestratorError) in
            _ = try CommandRequest(spec, inputs: [.instance: ""], thisHost: { () throws(OrchestratorError) in "db1" })
        })
        #expect(error.inputProblem == .emptyInput(.instance))
        #expect(error.message == "the instance input is empty; give a value, or leave it out")
        #expect(ErrorWording.message(error) == "-i/--instance is empty; give a value, or leave it out")
    }

    @Test("a refused setting names the ConfigurationOverrides property or the variable; the command line its flag")
    func refusedSetting() throws {
        let given = try #require(refusal { () throws(OrchestratorError) in
            _ = try ClientConfiguration.resolve(ClientEnvironment(variables: [:]), overrides: ConfigurationOverrides(connectTimeout: "5x"))
        })
        #expect(given.refusedValue?.source == .override(.connectTimeout))
        #expect(given.message.hasPrefix("invalid ConfigurationOverrides.connectTimeout \"5x\": "), "\(given.message)")
        #expect(ErrorWording.message(given).hasPrefix("invalid --connect-timeout \"5x\": "))
        let variable = try #require(refusal { () throws(OrchestratorError) in
            _ = try ClientConfiguration.resolve(ClientEnvironment(variables: ["ORCHESTRATOR_TIMEOUT": "5x"]),
                                                overrides: ConfigurationOverrides())
        })
        #expect(variable.refusedValue?.source == .environment(.timeout))
        #expect(ErrorWording.message(variable).hasPrefix("invalid ORCHESTRATOR_TIMEOUT \"5x\": "))
    }

    @Test("refused credentials say what to check in library terms; the command line names -b/--auth and -e/--headers-auth")
    func credentialsRemedy() {
        let error = OrchestratorError.notAuthorized(endpoint: "http://orc:3000/api", status: 401)
        #expect(error.remedy == .checkCredentials)
        #expect(!Self.namesAFlag(error.message), "\(error.message)")
        #expect(ErrorWording.message(error) == "http://orc:3000/api refused our credentials (HTTP 401); check -b/--auth, "
                + "ORCHESTRATOR_AUTH_USER/ORCHESTRATOR_AUTH_PASSWORD or -e/--headers-auth")
    }

    @Test("no library wording of an input problem, remedy or source names a flag")
    func libraryWordingNamesNoFlag() {
        let problems: [InputProblem] = CommandInput.allCases.flatMap { input in
            [.emptyInput(input), .missingInput(command: "relocate", oneOf: [input], orInstanceSetting: true),
             .instanceNeeded(command: "discover", given: input), .notUserAndPassword(.input(input))]
        } + [.emptyInstanceSetting, .unknownCommand("x"), .userNeededForPasswordFile, .keyPasswordWithoutKey]
        for problem in problems { #expect(!Self.namesAFlag(problem.description), "\(problem.description)") }
        let remedies: [Remedy] = [.checkCredentials, .giveCredentials, .useHTTPS, .nameTheInstance, .nameTheInstanceAfterLookupTimeout]
            + Setting.allCases.map(Remedy.give)
        for remedy in remedies { #expect(!Self.namesAFlag(remedy.text), "\(remedy.text)") }
        for setting in Setting.allCases {
            for source in [ValueSource.override(setting), .environment(setting), .setting(setting)] {
                #expect(!Self.namesAFlag(source.description), "\(source)")
            }
            #expect(!Self.namesAFlag(SettingMention.word(SettingMention.of(setting), naming: SettingMention.libraryName)), "\(setting)")
        }
    }

    @Test("a value in a message has control characters and text-reordering marks escaped and is shortened; the command line shows values the same way")
    func valuesInMessages() {
        #expect(OrchestratorError.shown("a\u{1B}[31mb\u{202E}c\u{7}\n\u{85}d") == #"a\u{1B}[31mb\u{202E}c\u{07}\n\u{0085}d"#)
        #expect(OrchestratorError.shown("é漢字👍 ok") == "é漢字👍 ok")
        let long = String(repeating: "x", count: 205)
        #expect(OrchestratorError.shown(long) == String(repeating: "x", count: 200) + "…(5 more characters)")
        #expect(OrchestratorError.shown("abcdef", limit: 4) == "abcd…(2 more characters)")
        for value in ["a\u{1B}]0;title\u{7}", long, "line\nbreak"] {
            #expect(TerminalText.value(value) == OrchestratorError.shown(value))
            #expect(TerminalText.value(value, limit: 3) == OrchestratorError.shown(value, limit: 3))
        }
        #expect(TerminalText.message("one\u{1B}\ntwo") == #"one\u{1B}"# + "\ntwo")
    }

    @Test("the start of an answer's body in a message: one line, escaped as values are, cut after the limit")
    func bodyExcerpt() {
        #expect(SessionCore.excerpt(Array("<html>\r\n<head>\u{1B}[2J\u{202E}x\u{2028}y\n\n".utf8), limit: 40)
                == #"<html>  <head>\u{1B}[2J\u{202E}x y"#)
        #expect(SessionCore.excerpt(Array("abc\u{7}ef".utf8), limit: 4) == #"abc\u{07}…"#)
        #expect(SessionCore.excerpt(Array("abcd".utf8), limit: 4) == "abcd")
        #expect(SessionCore.excerpt([], limit: 4).isEmpty)
    }

    @Test("the flags that may hold a secret come from the flag table, in every spelling")
    func secretFlags() {
        for argument in ["-b", "-buser:pass", "--auth=u:p", "-auth", "-U", "--api", "-e", "--headers-auth", "--password-file"] {
            #expect(CommandLineTool.mayHoldSecret(argument), "\(argument)")
        }
        for argument in ["-i", "--instance", "-c", "--cert", "b", "--", "-d"] {
            #expect(!CommandLineTool.mayHoldSecret(argument), "\(argument)")
        }
        #expect(Set(FlagTable.all.filter(\.holdsSecret).map(\.flag)) == [.api, .auth, .headersAuth, .passwordFile])
    }

    @Test("a setting named in a hint is worded by whoever reads it; a value from outside cannot pose as one")
    func settingMentions() {
        let hint = "TLS failed: handshake; give " + SettingMention.of(.clientCertificate) + " and " + SettingMention.of(.clientKey)
        let error = OrchestratorError.unreachable(endpoint: "https://orc:3000/api", reason: hint)
        #expect(error.message == "cannot reach https://orc:3000/api: TLS failed: handshake; give "
                + "ConfigurationOverrides.clientCert and ConfigurationOverrides.clientKey")
        #expect(error.message(naming: { $0 == .clientCertificate ? "--cert" : "--key" })
                == "cannot reach https://orc:3000/api: TLS failed: handshake; give --cert and --key")
        // A server's text with the marks in it is shown escaped, never worded as a setting.
        let forged = OrchestratorError.shown("\u{E000}caFile\u{E001}")
        #expect(!forged.unicodeScalars.contains(SettingMention.open))
        #expect(SettingMention.word(forged, naming: { _ in "--ca-file" }) == forged)
    }

}
