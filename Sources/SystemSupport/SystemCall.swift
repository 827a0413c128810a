public import SystemPackage
import CSysV
#if canImport(Glibc)
import Glibc
#endif

/// The project's one way to run a C call that reports failure as -1 and `errno`: every layer
/// (the library, the model, the apps) uses it instead of its own EINTR loop.
public enum SystemCall {
    /// Runs `call` again while it fails with `EINTR`; any other -1 becomes the `Errno` it set.
    @inlinable @discardableResult
    public static func retrying<I: FixedWidthInteger>(_ call: () -> I) -> Result<I, SystemPackage.Errno> {
        while true {
            let value = call()
            guard value == -1 else { return .success(value) }
            let error = SystemPackage.Errno(rawValue: errno)
            if error != .interrupted { return .failure(error) }
        }
    }

    /// `retrying` for calls whose value is only "it worked": throws the `Errno`.
    @inlinable
    public static func check<I: FixedWidthInteger>(_ call: () -> I) throws(SystemPackage.Errno) {
        if case .failure(let error) = retrying(call) { throw error }
    }
}

extension SystemPackage.Errno {
    /// The system's text and the symbolic name, e.g. "No such file or directory (ENOENT)":
    /// the form every message of the project uses, so that users can search for either.
    public var explanation: String {
        let text = String(cString: strerror(rawValue))
        // glibc's own table of names (2.32+); nil for a value it does not know.
        if let name = csysv_errno_name(rawValue) { return "\(text) (\(String(cString: name)))" }  // notr: the system's text and name
        return "\(text) (errno \(rawValue))"  // notr: the system's own text and number
    }
}
