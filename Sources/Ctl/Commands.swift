import ArgumentParser
import Foundation
import Localization
import Messages
import ProjectVersion
import SharedFile
import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

struct SharedMemoryCtl: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sharedmemory-ctl",
        abstract: tr("Inspect and drive a Qt-compatible shared memory segment (System V or POSIX keys)."),
        discussion: tr("Exit status: 0 success, 1 runtime failure (one line on stderr), 2 usage error."),
        version: ProjectVersion.line(program: "sharedmemory-ctl"),   // notr: the program name
        subcommands: [Create.self, Load.self, Dump.self, Info.self, Remove.self, HoldLock.self,
                      Repair.self])

    func run() throws {
        throw ValidationError(tr("a subcommand is required: create, load, dump, info, remove, hold-lock or repair"))
    }
}

struct KeyOption: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp(tr("The QSharedMemory key.")))
    var key: String = SegmentKey.default
    @Option(name: .long, help: ArgumentHelp(tr("How --key becomes a native key: legacy (QSharedMemory(QString), Qt 5, the seed), posix or systemv (Qt 6's platformSafeKey).")))
    var keyType: KeyChoice = .legacy
    @Option(name: .long, help: ArgumentHelp(tr("A QNativeIpcKey::toString() string as a Qt 6 program prints it, e.g. posix:/name (replaces --key and --key-type).")))
    var nativeKey: String?

    /// The checked native key (a bad one is a usage error, before anything is created).
    var ipcKey: NativeIpcKey {
        // validate() has checked it; an empty --key is left to the library's own message.
        (try? NativeIpcKey.fromOptions(key: key, type: keyType, nativeKey: nativeKey)) ?? keyType.nativeKey(for: key)
    }

    func validate() throws {
        if nativeKey == nil && key.isEmpty { return }
        do {
            _ = try NativeIpcKey.fromOptions(key: key, type: keyType, nativeKey: nativeKey)
        } catch {
            throw ValidationError(error.message)
        }
    }
}

extension KeyChoice: ExpressibleByArgument {}

struct Create: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Create the segment, print its native key, stay until SIGINT/SIGTERM, then detach."))
    @OptionGroup var options: KeyOption
    // .unconditional: "--size -1" is a value to refuse, not a missing one.
    @Option(parsing: .unconditional, help: ArgumentHelp(tr("Segment size in bytes (at most 1 GiB)."))) var size: Int
    @Flag(help: ArgumentHelp(tr("Stamp the empty framed header, as the sharedmemory viewer does after creating.")))
    var stamp = false

    func validate() throws {
        // The viewer's limits with --stamp (a framed segment); without, any size up to the same 1 GiB.
        if stamp, let problem = SegmentLimits.problem(framedSize: size) {
            throw ValidationError(Messages.sizeProblem(problem))
        }
        guard size >= 1 else { throw ValidationError(tr("--size {size} is too small: a segment holds at least 1 byte").filling(["size": "\(size)"])) }
        guard size <= SegmentLimits.maximumSize else {
            throw ValidationError(Messages.sizeProblem(.tooLarge(size, maximum: SegmentLimits.maximumSize)))
        }
    }

    func run() throws {
        // Blocked before creating, so a signal never kills us between create and the wait.
        let signals = TerminationSignals.block()
        let memory = SharedMemory(nativeKey: options.ipcKey)
        try memory.create(size: size)
        if stamp {
            try memory.withLock(timeout: .seconds(5)) { SegmentContent.stampEmpty($0) }
        }
        print(memory.nativeKey)
        fflush(nil)
        _ = signals.wait(seconds: nil)
        memory.detach()
    }
}

struct Load: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Load FILE (or standard input: -) into the segment, as the loader window does."),
        // One line: xgettext reads C string literals, not Swift's multi-line ones.
        discussion: tr("Runs the loader's own code: FILE must be a regular file (a FIFO, folder or device is refused), it is read to its end but never beyond what the segment holds, a segment whose viewer died is left alone, and one deadline (--timeout) bounds every wait for the lock. Standard input is read until it ends or the segment is full; a longer input is reported as truncated."))
    @OptionGroup var options: KeyOption
    @Argument(help: ArgumentHelp(tr("The file to load, or - for standard input."))) var file: String
    // .unconditional: "--timeout -1" is a value to refuse, not a missing one.
    @Option(parsing: .unconditional, help: ArgumentHelp(tr("Seconds to wait for the lock, in all (attach, write and detach; default: 5)."), valueName: "seconds"),
            transform: { try Seconds.parse($0) })
    var timeout = Seconds(value: 5)
    @Flag(help: ArgumentHelp(tr("Write FILE, a PNG picture, the way Qt's shared memory example does (a QDataStream of the QImage: qint32 1, then the PNG), for the example's \"Display Image from Shared Memory\" (use --key QSharedMemoryExample; Qt 6.6+: --key-type posix). A segment is created when none exists, and then held until SIGINT/SIGTERM.")))
    var qtImage = false

    func validate() throws {
        if qtImage, file == "-" { throw ValidationError(tr("--qt-image needs a file, not standard input")) }
    }

    func run() throws {
        if qtImage { return try QtImageLoad(options: options, file: file, timeout: timeout).run() }
        // Only picked paths and standard input are loaded: the assets folder is never used here.
        let loader = FileLoader(key: options.key, assetsDirectory: URL(fileURLWithPath: "."),
                                lockTimeout: timeout.duration, nativeKey: options.ipcKey)
        if file == "-" {
            loader.loadStream(.standardInput, name: "stdin")
        } else {
            loader.loadFile(at: URL(fileURLWithPath: file))
        }
        guard let outcome = loader.outcome else { return }
        let text = Messages.status(outcome, for: .terminal)
        guard outcome.isLoaded else { throw RuntimeFailure(text) }
        try printLine(text)
    }
}

struct Dump: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Attach read-only, lock, copy, unlock; write exactly the payload bytes to stdout."))
    @OptionGroup var options: KeyOption
    @Option(parsing: .unconditional, help: ArgumentHelp(tr("Seconds to wait for the lock (default: 5)."), valueName: "seconds"),
            transform: { try Seconds.parse($0) })
    var timeout = Seconds(value: 5)
    @Flag(help: ArgumentHelp(tr("Write the whole segment, header included, instead of the payload."))) var raw = false

    func validate() throws {
    }

    func run() throws {
        let memory = SharedMemory(nativeKey: options.ipcKey)
        memory.setupLockTimeout = timeout.duration
        try memory.attach(access: .readOnly)
        let copy = try memory.withLock(timeout: timeout.duration) { Array(UnsafeRawBufferPointer($0)) }
        memory.detach()
        if raw { return try writeAll(copy) }
        let snapshot = copy.withUnsafeBytes { SegmentContent.read($0) }
        if let problem = snapshot.problem {
            throw RuntimeFailure(tr("the segment for key \"{key}\" holds a damaged header: {problem}").filling(["problem": Messages.headerProblem(problem), "key": options.key]))
        }
        try writeAll(snapshot.payload)
    }
}

struct Info: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Native key, SysV ids, size, attached count, creator pid and liveness, permissions."))
    @OptionGroup var options: KeyOption

    func run() throws {
        if options.ipcKey.type == .posixRealtime {
            return try printLine(PosixInfoText.lines(try SharedMemory.posixInfo(options.ipcKey)).joined(separator: "\n"))
        }
        try printLine(InfoText.lines(try SharedMemory.info(options.ipcKey)).joined(separator: "\n"))
    }
}

struct Remove: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: tr("Remove a stale segment, its semaphore and their key files."))
    @OptionGroup var options: KeyOption
    @Flag(help: ArgumentHelp(tr("Remove even while processes are attached (they keep their mapping until they detach).")))
    var force = false

    func run() throws {
        if options.ipcKey.type == .posixRealtime {
            let before = try SharedMemory.posixInfo(options.ipcKey)
            try SharedMemory.removePosix(options.ipcKey, force: force)
            return try printLine(tr("removed {items}").filling(["items": [before.segment?.path, before.semaphore?.path].compactMap { $0 }.joined(separator: ", ")]))
        }
        let before: SegmentInfo
        do {
            before = try SharedMemory.info(options.ipcKey)
        } catch {
            guard error.code == .notFound else { throw error }
            // Said for remove, not as the info command's error.
            throw RuntimeFailure(Messages.nothingToRemove(key: options.key,
                                                          nativeKey: SharedMemory(nativeKey: options.ipcKey).nativeKey))
        }
        try SharedMemory.remove(options.ipcKey, force: force)
        var removed: [String] = []
        if let segment = before.segment { removed.append(tr("segment shmid {id}").filling(["id": "\(segment.id)"])) }
        if let semaphore = before.semaphore { removed.append(tr("semaphore semid {id}").filling(["id": "\(semaphore.id)"])) }
        if before.keyFilePermissions != nil { removed.append(before.nativeKey) }
        if before.semaphoreKeyFilePermissions != nil { removed.append(before.semaphoreNativeKey) }
        try printLine(tr("removed {items}").filling(["items": removed.joined(separator: ", ")]))
    }
}

struct HoldLock: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "hold-lock",
        abstract: tr("Attach, take the lock and keep it for N seconds (or until SIGINT/SIGTERM)."),
        discussion: tr("Prints \"locked by pid PID\" once it holds the lock. For tests, and to reproduce a stuck writer."))
    @OptionGroup var options: KeyOption
    @Option(parsing: .unconditional, help: ArgumentHelp(tr("Seconds to hold the lock."), valueName: "seconds"),
            transform: { try Seconds.parse($0) })
    var seconds: Seconds
    @Option(parsing: .unconditional, help: ArgumentHelp(tr("Seconds to wait for the lock (default: forever)."), valueName: "seconds"),
            transform: { try Seconds.parse($0) })
    var timeout: Seconds?

    func run() throws {
        let signals = TerminationSignals.block()
        let memory = SharedMemory(nativeKey: options.ipcKey)
        memory.setupLockTimeout = timeout?.duration ?? .seconds(5)
        try memory.attach(access: .readWrite)
        defer { memory.detach() }
        if let timeout {
            guard try memory.lock(timeout: timeout.duration) else {
                throw RuntimeFailure(tr("timed out after {seconds} s waiting for the lock of key \"{key}\"").filling(["seconds": "\(timeout)", "key": options.key]))
            }
        } else {
            try memory.lock()
        }
        print("locked by pid \(getpid())")  // notr: tests and scripts wait for this exact line
        fflush(nil)
        _ = signals.wait(seconds: seconds.value)
        try memory.unlock()
    }
}
