import ArgumentParser
import Localization
import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// A runtime failure that is not the library's: printed as one line, exit status 1.
struct RuntimeFailure: Error {
    let message: String
    init(_ message: String) { self.message = message }
}

/// Parses, runs, and maps every outcome to the documented exit status. ArgumentParser's own
/// mapping would use 64 (EX_USAGE) for usage errors; we promise 2.
enum CtlMain {
    static func run() -> Never {
        Localization.setUp()  // before any message or help text is made
        do {
            var command = try SharedMemoryCtl.parseAsRoot()
            try command.run()
            exit(0)
        } catch let error as SharedMemoryError {
            fail(error.message)
        } catch let error as RuntimeFailure {
            fail(error.message)
        } catch {
            // Everything else comes from the parser: help, version or a usage error.
            if SharedMemoryCtl.exitCode(for: error) == .success {
                print(SharedMemoryCtl.fullMessage(for: error))
                exit(0)
            }
            printError(SharedMemoryCtl.fullMessage(for: error))
            exit(2)
        }
    }

    static func fail(_ message: String) -> Never {
        printError("sharedmemory-ctl: \(oneLine(message))")  // notr: the program name before a translated message
        exit(1)
    }

    /// The lines of a message as one line of sentences: a line that ends without a full stop gets
    /// one, so that two sentences never run together ("… first Please start …").
    static func oneLine(_ message: String) -> String {
        let lines = message.split(whereSeparator: \.isNewline).map(String.init)
        return lines.enumerated().map { index, line in
            index == lines.count - 1 || line.last.map { ".!?:".contains($0) } == true ? line : line + "."
        }.joined(separator: " ")
    }

    static func printError(_ text: String) {
        fflush(nil)
        try? writeAll(Array((text.hasSuffix("\n") ? text : text + "\n").utf8), to: 2)
    }
}
