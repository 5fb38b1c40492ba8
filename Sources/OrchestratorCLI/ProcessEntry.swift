import OrchestratorClientKit
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

extension CommandLineTool {
    /// The executable's run: guards the standard descriptors, hides the passwords of `-b` and `-U` from `ps`, runs the command
    /// line with standard output streamed, and returns the exit status. A failed write to standard output is an
    /// error (exit 1 unless the run already failed), never a silent success.
    package static func main() -> Int32 {
        reserveClosedStandardDescriptors()
        let output = DescriptorSink(descriptor: 1)
        let result: ToolResult
        do {
            let arguments = try validatedArguments(argc: CommandLine.argc, argv: CommandLine.unsafeArgv)
            scrubSecrets(FlagParser.secretLocations(arguments))
            result = CommandLineTool(environment: .current()).run(arguments, output: output)
        } catch {
            result = failure(error, output: output)
        }
        output.flush()
        var status = result.exitStatus
        var standardError = result.standardError
        if let failure = output.failure {
            standardError += "\(programName): cannot write to standard output: \(String(cString: strerror(failure)))\n"
            if status == ExitStatus.success { status = ExitStatus.apiFailure }
        }
        ToolResult.writeAll(standardError, to: 2)
        return status
    }

    /// A standard descriptor started closed (`>&-`) is taken by /dev/null opened read-only: writes to it still
    /// fail (EBADF), and no file or socket the client opens can take its number and receive the output.
    static func reserveClosedStandardDescriptors() {
        for descriptor: Int32 in 0...2 where fcntl(descriptor, F_GETFD) == -1 && errno == EBADF {
            let opened = open("/dev/null", O_RDONLY)
            if opened >= 0 && opened != descriptor { close(opened) }
        }
    }

    /// Overwrites each password in the process's own argv (``FlagParser/secretLocations(_:)``: `-b user:password`,
    /// `-U http://user:password@host`) with `x`, as the mysql client does with `-p`: `/proc/PID/cmdline` (and so
    /// `ps`) shows it only for the moment before this runs.
    static func scrubSecrets(_ locations: [(index: Int, bytes: Range<Int>)]) {
        let argv = CommandLine.unsafeArgv
        for (index, bytes) in locations where index + 1 < Int(CommandLine.argc) {
            guard let argument = argv[index + 1] else { continue }
            let end = min(bytes.upperBound, strlen(argument))
            guard bytes.lowerBound < end else { continue }
            memset(argument + bytes.lowerBound, Int32(UInt8(ascii: "x")), end - bytes.lowerBound)
        }
    }
}
