import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// Another user (nobody) against our segment: through sharedmemory-ctl and through raw System V
/// calls. Needs root (to switch user with runuser); skipped otherwise.
@Suite(.enabled(if: geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/runuser"),
                "needs root and runuser"))
struct CrossUserTests {
    /// Runs `arguments` as nobody; status and stdout+stderr.
    static func asNobody(_ arguments: [String]) throws -> (status: Int32, output: String) {
        try run("/usr/sbin/runuser", ["-u", "nobody", "--"] + arguments)
    }

    /// shmget/shmat/IPC_STAT/IPC_RMID/semop as nobody, each printed as "call=errno name".
    static let probe = """
        import ctypes, errno, sys
        libc = ctypes.CDLL(None, use_errno=True)
        key, semkey = int(sys.argv[1]), int(sys.argv[2])
        def res(name, rc):
            e = ctypes.get_errno() if rc == -1 else 0
            print(f"{name}={errno.errorcode.get(e, 'OK')}")
        shmid = libc.shmget(key, 0, 0); res("shmget0", shmid)
        res("shmget_read", libc.shmget(key, 0, 0o400))
        libc.shmat.restype = ctypes.c_void_p
        addr = libc.shmat(shmid, None, 0o10000)  # SHM_RDONLY
        res("shmat_ro", -1 if addr in (None, ctypes.c_void_p(-1).value) else 0)
        buf = ctypes.create_string_buffer(512)
        res("shm_stat", libc.shmctl(shmid, 2, buf))    # IPC_STAT
        res("shm_rmid", libc.shmctl(shmid, 0, None))   # IPC_RMID
        semid = libc.semget(semkey, 0, 0)
        op = (ctypes.c_short * 3)(0, -1, 0o4000)        # IPC_NOWAIT
        res("semop", libc.semop(semid, op, 1))
        res("sem_rmid", libc.semctl(semid, 0, 0))       # IPC_RMID
        """

    @Test func anotherUserCannotAttachReadWriteOrRemove() throws {
        let key = uniqueKey("otheruser")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 256)
        defer { memory.detach() }
        let secret = Array("private to root".utf8)
        try memory.withLock { $0.copyBytes(from: secret) }
        let file = "/tmp/smtest-otheruser-\(getpid())-\(UUID().uuidString.prefix(6)).txt"
        try Data("from nobody".utf8).write(to: URL(fileURLWithPath: file))
        #expect(chmod(file, 0o644) == 0)
        defer { unlink(file) }

        // Through the tool: the key file (0640, root's) already stops it, with a readable reason.
        for command in [["dump", "--key", key], ["load", "--key", key, file], ["remove", "--key", key, "--force"],
                        ["hold-lock", "--key", key, "--seconds", "0"]] {
            let result = try Self.asNobody([ctlPath] + command)
            #expect(result.status == 1, "\(command[0]) as nobody: \(result.output)")
            #expect(result.output.contains("Permission denied"), "\(command[0]): \(result.output)")
        }
        // Readable key files: the library still refuses a key file owned by someone else.
        #expect(chmod(memory.nativeKey, 0o644) == 0 && chmod(memory.semaphoreNativeKey, 0o644) == 0)
        for command in [["dump", "--key", key], ["load", "--key", key, file]] {
            let result = try Self.asNobody([ctlPath] + command)
            #expect(result.status == 1 && result.output.contains("owned by uid 0"), "\(command[0]): \(result.output)")
        }
        // Raw calls, as an attacker would make them: the IPC permissions (0600) stop every one.
        let info = try SharedMemory.info(key: key)
        let keys = [try #require(info.segment?.sysvKey), try #require(info.semaphore?.sysvKey)]
        let raw = try Self.asNobody(["/usr/bin/python3", "-c", Self.probe] + keys.map { "\($0)" })
        for expected in ["shmget0=OK", "shmget_read=EACCES", "shmat_ro=EACCES", "shm_stat=EACCES",
                         "shm_rmid=EPERM", "semop=EACCES", "sem_rmid=EPERM"] {
            #expect(raw.output.contains(expected), "missing \(expected) in \(raw.output)")
        }
        // Nothing changed: same segment, same bytes, lock free.
        let after = try SharedMemory.info(key: key)
        #expect(after.segment?.id == info.segment?.id && after.semaphore?.id == info.semaphore?.id)
        #expect(try memory.withLock(timeout: .seconds(1)) { Array($0.prefix(secret.count)) } == secret)
    }

    /// Files planted at both key paths by another user, as symlinks or plain files: refused, never followed.
    @Test(arguments: ["symlink", "file"], [false, true])
    func keyPathsPlantedByAnotherUserAreRefused(kind: String, atSemaphorePath: Bool) throws {
        let key = uniqueKey("planted")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        let path = atSemaphorePath ? memory.semaphoreNativeKey : memory.nativeKey
        let victim = "/tmp/smtest-victim-\(getpid())-\(UUID().uuidString.prefix(6))"
        try Data("do not touch".utf8).write(to: URL(fileURLWithPath: victim))
        defer { unlink(victim) }
        let plant = kind == "symlink" ? ["/bin/ln", "-s", victim, path] : ["/usr/bin/touch", path]
        #expect(try Self.asNobody(plant).status == 0)
        defer { unlink(path) }
        let error = #expect(throws: SharedMemoryError.self) { try memory.create(size: 64) }
        #expect(error?.code == .permissionDenied)
        let words = kind == "symlink" ? "symbolic link" : "owned by uid 65534"
        #expect(error?.message.contains(words) == true, "\(error?.message ?? "")")
        #expect(!memory.isAttached)
        #expect(try String(contentsOfFile: victim, encoding: .utf8) == "do not touch")
        var st = stat()
        #expect(lstat(path, &st) == 0 && st.st_uid == 65534)   // left as it was
        #expect(!ipcsOutput("-m").contains(memory.nativeKey))
    }
}
