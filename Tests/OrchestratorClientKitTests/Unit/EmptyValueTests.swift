import Testing
@testable import OrchestratorClientKit
@testable import OrchestratorCLI

/// One rule says whether a value is empty; the flag parser, a command's inputs, `ORCHESTRATOR_INSTANCE`, the other
/// settings and the instance keys in answers all follow it, so none of them can judge differently.
@Suite("Empty values: one rule for flags, inputs, settings and answers")
struct EmptyValueTests {
    /// The empty values (no characters, or white space only), then values beside them that the rule does not count
    /// as empty.
    static let values = ["", " ", "\t", " \n ", "\u{A0}", "\u{200B}", "0", " a "]
    static let emptyCount = 5

    @Test("a value is empty when it has nothing but white space: spaces, tabs and line breaks name nothing; a zero-width space is not white space")
    func rule() {
        for value in Self.values.prefix(Self.emptyCount) { #expect(ValueSource.isEmptyValue(value), "\(value.debugDescription)") }
        for value in Self.values.dropFirst(Self.emptyCount) { #expect(!ValueSource.isEmptyValue(value), "\(value.debugDescription)") }
    }

    @Test("the flag parser, inputs, settings and answers refuse or ignore exactly the empty values", arguments: values)
    func everyReaderFollowsTheRule(_ value: String) throws {
        let empty = ValueSource.isEmptyValue(value)
        let thisHost = { () throws(OrchestratorError) -> String in "db1" }

        // The command line refuses an empty flag value.
        var flagError: OrchestratorError?
        do { _ = try FlagParser.parse(["-o", value]) } catch { flagError = error }
        #expect((flagError?.message.contains("was given an empty value") ?? false) == empty)

        // A command refuses an empty input.
        let downtime = try #require(CommandTable.find("begin-downtime"))
        var inputError: OrchestratorError?
        do { _ = try CommandRequest(downtime, inputs: [.owner: value], thisHost: thisHost) } catch { inputError = error }
        #expect((inputError?.inputProblem == .emptyInput(.owner)) == empty)

        // An empty ORCHESTRATOR_INSTANCE never means this host.
        let whichMaster = try #require(CommandTable.find("which-master"))
        var settingError: OrchestratorError?
        do {
            _ = try CommandRequest(whichMaster, inputs: [:], instanceFromEnvironment: value, thisHost: thisHost)
        } catch { settingError = error }
        #expect((settingError?.inputProblem == .emptyInstanceSetting) == empty)

        // An empty ORCHESTRATOR_API never means the default endpoint on localhost.
        var endpointsError: OrchestratorError?
        do {
            _ = try ClientConfiguration.resolve(ClientEnvironment(variables: ["ORCHESTRATOR_API": value]), overrides: ConfigurationOverrides())
        } catch { endpointsError = error }
        #expect((endpointsError?.refusedValue?.problem.contains("set but empty") ?? false) == empty)

        // A user name, from whatever source, is refused when empty: basic auth would send a password for no user.
        var userError: OrchestratorError?
        do { try Credentials(user: value, password: "pw").checkSendable(source: .override(.credentials)) } catch { userError = error }
        #expect((userError?.refusedValue?.problem.contains("names no user") ?? false) == empty)

        // Another empty setting counts as unset.
        let configuration = try ClientConfiguration.resolve(ClientEnvironment(variables: ["ORCHESTRATOR_CA_FILE": value]),
                                                            overrides: ConfigurationOverrides())
        #expect((configuration.tls.caFile == nil) == empty)

        // A part of an input is judged by the same rule: an instance key's host name, an API path after its `/api/`.
        var keyError: OrchestratorError?
        do { _ = try InstanceKey(parsing: value + ":3306") } catch { keyError = error }
        #expect((keyError?.refusedValue?.problem == "the host name is empty") == empty)
        var pathError: OrchestratorError?
        do { _ = try APIPath(validating: "/api/" + value) } catch { pathError = error }
        #expect((pathError?.refusedValue?.problem == "it is empty") == empty)

        // An instance key with an empty host name in an answer names no instance.
        let key = JSONValue.object([("Hostname", .string(value)), ("Port", .number("3306"))])
        let instance = try #require(Instance(json: .object([("Key", .object([("Hostname", .string("db1")), ("Port", .number("3306"))])),
                                                            ("MasterKey", key)])))
        #expect((instance.masterKey == nil) == empty)
        let document = try JSONDocument(Array(JSONPrinter.render(key, style: .inline).utf8))
        #expect((AnswerShape.problem(.key(.response), document.root) != nil) == empty)
    }
}
