import SystemSupport
import Localization
import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// An error of ``SharedMemory``, with the cases of Qt's `QSharedMemory::SharedMemoryError`.
///
/// `message` is written for users: it names the failing call, the native key, the system's
/// text for `errno` and, where there is one, what to do about it.
public struct SharedMemoryError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The kind of failure, as in Qt.
    public enum Code: Sendable {
        /// The caller may not create, attach to or lock the segment (file or IPC permissions).
        case permissionDenied
        /// The requested size is not allowed (zero, negative, or above the system limit).
        case invalidSize
        /// The key is empty or its key file cannot be made or used.
        case keyError
        /// A live segment already exists for the key (or this instance is already attached).
        case alreadyExists
        /// No segment exists for the key.
        case notFound
        /// The semaphore could not be taken or released (including a timeout).
        case lockError
        /// The system is out of IPC identifiers or memory.
        case outOfResources
        /// Anything else.
        case unknown
    }

    /// The kind of failure.
    public let code: Code
    /// A one-line, readable explanation.
    public let message: String

    /// Creates an error; used by the library and by front ends that wrap it.
    public init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The ``message``.
    public var description: String { message }
}

extension SharedMemoryError {
    /// The text for an errno value, e.g. "No such file or directory (ENOENT)" (`Errno.explanation`).
    static func errnoText(_ code: Int32) -> String { SystemPackage.Errno(rawValue: code).explanation }

    /// Maps the errno of a failed System V call to an error, Qt style:
    /// `call` is e.g. "shmget", `what` says what was being done, for whom.
    static func fromErrno(_ err: Int32, call: String, _ what: String, hint: String? = nil) -> SharedMemoryError {
        let code: Code
        switch err {
        case EACCES, EPERM: code = .permissionDenied
        case EEXIST: code = .alreadyExists
        case ENOENT: code = .notFound
        case ENOSPC, ENOMEM, EMFILE, ENFILE: code = .outOfResources
        default: code = .unknown
        }
        let message = hint == nil
            // TRANSLATORS: {what} says what was being done, {call} is a system call, {error} the system's text.
            ? tr("{what}: {call} failed: {error}")
            : tr("{what}: {call} failed: {error}. {hint}")
        return SharedMemoryError(code, message.filling(["what": what, "call": call, "error": errnoText(err), "hint": hint ?? ""]))
    }
}
