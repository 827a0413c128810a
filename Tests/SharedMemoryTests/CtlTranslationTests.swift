import Foundation
import Testing
import TestSupport
@testable import SharedMemory
#if canImport(Glibc)
import Glibc
#endif

/// The real `sharedmemory-ctl` speaks the user's language: its errors (made by the library), its
/// `--help` and its sizes, in German under a German locale and in English under C. The catalog is
/// the checkout's po/de.po, compiled here, so the test checks the translation that ships.
@Suite("sharedmemory-ctl in German and in English", .serialized)
struct CtlTranslationTests {
    /// po/de.po compiled into a fresh folder that `SHAREDMEMORY_LOCALEDIR` points the ctl at.
    static let catalogs: String = {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent()
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("ctl-l10n-\(getpid())")
        let messages = folder.appendingPathComponent("de/LC_MESSAGES")
        try? FileManager.default.createDirectory(at: messages, withIntermediateDirectories: true)
        let compiled = try? run("/usr/bin/msgfmt", ["--check", "-o", messages.appendingPathComponent("sharedmemory-gtk.mo").path,
                                                    root.appendingPathComponent("po/de.po").path])
        return compiled?.status == 0 ? folder.path : "msgfmt failed: \(compiled?.output ?? "not run")"
    }()

    static func german() throws -> [String: String] {
        #expect(FileManager.default.fileExists(atPath: catalogs + "/de/LC_MESSAGES/sharedmemory-gtk.mo"), "\(catalogs)")
        _ = try #require(newlocale(1 << LC_MESSAGES | 1 << LC_NUMERIC, "de_DE.UTF-8", nil), "make test-deps generates de_DE.UTF-8")
        return ["LC_ALL": "de_DE.UTF-8", "LANGUAGE": "de", "SHAREDMEMORY_LOCALEDIR": catalogs]
    }

    static let english = ["LC_ALL": "C", "LANGUAGE": "de", "SHAREDMEMORY_LOCALEDIR": catalogs]

    @Test func aMissingSegmentIsReportedInGermanOrEnglish() throws {
        let key = uniqueKey("l10n missing")
        defer { removeLeftovers(key) }
        let native = SharedMemory(key: key).nativeKey

        let german = try ctl(["info", "--key", key], environment: Self.german())
        #expect(german.status == 1)
        #expect(german.stderr == "sharedmemory-ctl: info: für den Schlüssel „\(key)“ existiert nichts: kein Segment, "
                + "kein Semaphor, keine Schlüsseldatei (\(native))\n", "\(german.stderr)")

        let english = try ctl(["info", "--key", key], environment: Self.english)
        #expect(english.status == 1)
        #expect(english.stderr == "sharedmemory-ctl: info: nothing exists for key \"\(key)\": no segment, "
                + "no semaphore, no key file (\(native))\n", "\(english.stderr)")
    }

    @Test func helpSummariesAreTranslated() throws {
        let german = try ctl(["repair", "--help"], environment: Self.german())
        #expect(german.status == 0)
        #expect(german.text.contains("OVERVIEW: Gibt eine Sperre zurück, die ein beendeter Prozess"), "\(german.text)")
        #expect(german.text.contains("Die Sperre auch freigeben, während Prozesse das"), "\(german.text)")

        let english = try ctl(["repair", "--help"], environment: Self.english)
        #expect(english.status == 0)
        #expect(english.text.contains("OVERVIEW: Give back a lock that a killed process left taken"), "\(english.text)")
        #expect(english.text.contains("Release the lock even while processes map the segment."), "\(english.text)")
        #expect(!english.text.contains("Sperre"))
    }

    /// Sizes in the German locale's digit grouping and with the German plural; C keeps the plain count.
    @Test func infoShowsSizesForTheLocale() throws {
        let key = uniqueKey("l10n size")
        defer { removeLeftovers(key) }
        let memory = SharedMemory(key: key)
        try memory.create(size: 1_234_567)
        defer { memory.detach() }

        let german = try ctl(["info", "--key", key], environment: Self.german())
        #expect(german.status == 0, "\(german.stderr)")
        #expect(german.text.contains("\nGröße: 1.234.567 Byte\n"), "\(german.text)")
        #expect(german.text.contains("\nZustand: in Gebrauch\n"), "\(german.text)")

        let english = try ctl(["info", "--key", key], environment: Self.english)
        #expect(english.status == 0, "\(english.stderr)")
        #expect(english.text.contains("\nsize: 1234567 bytes\n"), "\(english.text)")
        #expect(english.text.contains("\nstate: live\n"), "\(english.text)")
    }
}
