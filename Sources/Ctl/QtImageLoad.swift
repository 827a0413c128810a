import Foundation
import Messages
import SharedFile
import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// `load --qt-image FILE`: the picture in Qt's image example's layout (`QtImageStore`). A segment
/// created here lives only while a process holds it (Qt removes a System V segment at the last
/// detach), so the command then stays, as the example's window does, until SIGINT/SIGTERM.
struct QtImageLoad {
    let options: KeyOption
    let file: String
    let timeout: Seconds

    func run() throws {
        // Blocked before creating, so a signal never kills us between create and the wait.
        let signals = TerminationSignals.block()
        let result: (memory: SharedMemory, stored: QtImageStored)
        do {
            let picture = try QtImageStore.readPicture(at: file)
            result = try QtImageStore.store(picture, key: options.ipcKey, lockTimeout: timeout.duration)
        } catch {
            throw RuntimeFailure(Messages.qtImageProblem(file, error))
        }
        print(Messages.qtImageStored(file, result.stored, nativeKey: result.memory.nativeKey))
        fflush(nil)
        if result.stored.created { _ = signals.wait(seconds: nil) }
        result.memory.detach()
    }
}
