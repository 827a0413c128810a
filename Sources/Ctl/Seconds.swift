import ArgumentParser
import Localization
import SharedMemory

/// A number of seconds from the command line: finite, not negative and at most a year, so that
/// every later conversion (to a `Duration`, a `timespec`, milliseconds) holds it. `inf`, `nan`,
/// `1e300` and `-1` are usage errors here, before anything is attached or locked: a conversion
/// trap after the lock was taken would leave a POSIX lock held (it has no SEM_UNDO).
struct Seconds: Equatable, CustomStringConvertible {
    /// One year: longer than any wait a person means, far inside `Int` milliseconds.
    static let maximum: Double = 365 * 24 * 3600

    let value: Double

    /// The value, or a usage error that gives the accepted range (ArgumentParser names the option).
    static func parse(_ text: String) throws -> Seconds {
        guard let value = Double(text), value.isFinite, value >= 0, value <= maximum else {
            throw ValidationError(tr("give a number of seconds from 0 to {maximum}")
                .filling(["maximum": Int(maximum).localizedDigits]))
        }
        return Seconds(value: value)
    }

    var duration: Duration { .milliseconds(Int((value * 1000).rounded())) }

    var description: String { value.formatted() }
}

extension Double {
    /// `5`, `0.25`: no trailing `.0`.
    fileprivate func formatted() -> String {
        self == rounded() ? String(Int(self)) : String(self)
    }
}
