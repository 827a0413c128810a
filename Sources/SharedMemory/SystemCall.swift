public import SystemPackage
#if canImport(Glibc)
import Glibc
#endif

/// The project's one way to run a C call that reports failure as -1 and `errno`: every layer
/// (the library, the model, the apps) uses it instead of its own EINTR loop.
public enum SystemCall {
    /// Runs `call` again while it fails with `EINTR`; any other -1 becomes the `Errno` it set.
    @discardableResult
    public static func retrying<I: FixedWidthInteger>(_ call: () -> I) -> Result<I, SystemPackage.Errno> {
        while true {
            let value = call()
            guard value == -1 else { return .success(value) }
            let error = SystemPackage.Errno(rawValue: errno)
            if error != .interrupted { return .failure(error) }
        }
    }

    /// `retrying` for calls whose value is only "it worked": throws the `Errno`.
    public static func check<I: FixedWidthInteger>(_ call: () -> I) throws(SystemPackage.Errno) {
        if case .failure(let error) = retrying(call) { throw error }
    }
}

extension SystemPackage.Errno {
    /// The system's text and the symbolic name, e.g. "No such file or directory (ENOENT)":
    /// the form every message of the project uses, so that users can search for either.
    public var explanation: String {
        let text = String(cString: strerror(rawValue))
        if let name = errnoNames[rawValue] { return "\(text) (\(name))" }
        return "\(text) (errno \(rawValue))"  // notr: the system's own text and number
    }
}

/// Symbolic names of the errno values our calls can meet (outside the extension: inside it,
/// `EPERM` and friends name `Errno`'s deprecated aliases).
private let errnoNames: [CInt: String] = [
    EPERM: "EPERM", ENOENT: "ENOENT", EINTR: "EINTR", EIO: "EIO", EBADF: "EBADF", EACCES: "EACCES",
    EEXIST: "EEXIST", EINVAL: "EINVAL", ENOSPC: "ENOSPC", ENOMEM: "ENOMEM", EIDRM: "EIDRM",
    EAGAIN: "EAGAIN", ELOOP: "ELOOP", EMFILE: "EMFILE", ENFILE: "ENFILE", ENOTDIR: "ENOTDIR",
    EISDIR: "EISDIR", EROFS: "EROFS", ERANGE: "ERANGE", E2BIG: "E2BIG", EFBIG: "EFBIG", ESRCH: "ESRCH",
    ENAMETOOLONG: "ENAMETOOLONG", ETIMEDOUT: "ETIMEDOUT", ENXIO: "ENXIO", ENODEV: "ENODEV",
    EDQUOT: "EDQUOT", EBUSY: "EBUSY", ENOSYS: "ENOSYS",
]
