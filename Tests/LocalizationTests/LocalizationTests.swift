import Foundation
import Testing
@testable import Localization

/// Against a real catalog compiled by msgfmt, in a real German locale (make test generates it).
@Suite("Localization: gettext with named placeholders and plural forms")
struct LocalizationTests {
    @Test func translatesFillsAndChoosesThePluralForm() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("l10n-\(getpid())")
        defer { try? FileManager.default.removeItem(at: folder) }
        let messages = folder.appendingPathComponent("de/LC_MESSAGES")
        try FileManager.default.createDirectory(at: messages, withIntermediateDirectories: true)
        let po = folder.appendingPathComponent("de.po")
        try """
            msgid ""
            msgstr ""
            "Content-Type: text/plain; charset=UTF-8\\n"
            "Plural-Forms: nplurals=2; plural=(n != 1);\\n"

            msgid "Loaded file {name} to shared memory"
            msgstr "Datei {name} in den gemeinsamen Speicher geladen"

            msgid "{count} byte"
            msgid_plural "{count} bytes"
            msgstr[0] "{count} Byte"
            msgstr[1] "{count} Bytes"

            """.write(to: po, atomically: true, encoding: .utf8)
        let msgfmt = Process()
        msgfmt.executableURL = URL(fileURLWithPath: "/usr/bin/msgfmt")
        msgfmt.arguments = ["--check", "-o", messages.appendingPathComponent("sharedmemory-gtk.mo").path, po.path]
        try msgfmt.run()
        msgfmt.waitUntilExit()
        #expect(msgfmt.terminationStatus == 0)

        // Only this thread speaks German (uselocale): the other suites run in this process at the
        // same time and read English error texts.
        setenv("SHAREDMEMORY_LOCALEDIR", folder.path, 1)
        defer { unsetenv("SHAREDMEMORY_LOCALEDIR"); Localization.bindCatalogs() }
        Localization.bindCatalogs()
        #expect(Localization.catalogFolder == folder.path)
        let german = try #require(newlocale(1 << LC_MESSAGES, "de_DE.UTF-8", nil), "make test-deps generates de_DE.UTF-8")
        let previous = uselocale(german)
        defer { uselocale(previous); freelocale(german) }
        #expect(tr("Loaded file {name} to shared memory").filling(["name": "a{b}.txt"])
                == "Datei a{b}.txt in den gemeinsamen Speicher geladen")
        #expect(trn("{count} byte", "{count} bytes", 1) == "1 Byte")
        #expect(trn("{count} byte", "{count} bytes", 2) == "2 Bytes")
        // No translation: the English text, placeholders filled all the same.
        #expect(tr("Nothing for {who}").filling(["who": "us"]) == "Nothing for us")
        #expect(trn("{count} file", "{count} files", 0) == "0 files")
    }
}
