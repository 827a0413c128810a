#if canImport(Glibc)
import Glibc
#endif

extension BinaryInteger {
    /// The number with the locale's digit grouping (LC_NUMERIC): "1.048.576" in German,
    /// "1048576" in the C locale, so that messages read naturally and tests in C keep exact counts.
    public var localizedDigits: String {
        withVaList([Int64(clamping: self)]) { arguments in
            var buffer = [CChar](repeating: 0, count: 40)
            let count = vsnprintf(&buffer, buffer.count, "%'lld", arguments)  // notr
            return String(decoding: buffer.prefix(max(0, Int(count))).map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}
