import CIntl
#if canImport(Glibc)
import Glibc
#endif

/// gettext for the whole project: one text domain, its catalogs found beside the installed
/// program or in the source tree, the locale taken from the environment.
///
/// Every user-visible sentence goes through ``tr(_:)`` or ``trn(_:_:_:)``; the English text is the
/// message id, so a missing catalog (or locale) shows English. Placeholders are named, `{name}`,
/// and filled after translation with ``Swift/String/filling(_:)``, so translators can move them.
public enum Localization {
    /// The gettext text domain: `share/locale/LANG/LC_MESSAGES/sharedmemory-gtk.mo`.
    public static let domain = "sharedmemory-gtk"

    /// Takes the locale from the environment (`setlocale(LC_ALL, "")`) and binds the text domain
    /// to the first catalog folder that exists: `$SHAREDMEMORY_LOCALEDIR`, the installed
    /// `share/locale` beside `bin/`, then the source tree's `.build-locale` (made by `make build`).
    /// Call it first thing in `main`, before any message is made.
    public static func setUp() {
        setlocale(LC_ALL, "")
        bindCatalogs()
        textdomain(domain)
    }

    /// Binds the text domain to ``catalogFolder``, in UTF-8 whatever the locale's charset.
    static func bindCatalogs() {
        bindtextdomain(domain, catalogFolder)
        bind_textdomain_codeset(domain, "UTF-8")
    }

    /// Where the catalogs are looked for (see ``setUp()``).
    public static var catalogFolder: String {
        if let folder = getenv("SHAREDMEMORY_LOCALEDIR").map({ String(cString: $0) }), !folder.isEmpty {
            return folder
        }
        let installed = executableFolder.map { $0 + "/../share/locale" }
        if let installed, isFolder(executableFolder! + "/../share/sharedmemory-gtk") { return installed }
        if isFolder(sourceTreeCatalogs) { return sourceTreeCatalogs }
        return installed ?? "/usr/share/locale"
    }

    /// `<checkout>/.build-locale`: this file is `<checkout>/Sources/Localization/Localization.swift`.
    static var sourceTreeCatalogs: String {
        var parts = #filePath.split(separator: "/", omittingEmptySubsequences: false)
        parts.removeLast(3)
        return parts.joined(separator: "/") + "/.build-locale"
    }

    private static var executableFolder: String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard count > 0 else { return nil }
        let path = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    }

    private static func isFolder(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

/// The translation of `message` in the user's language (the English text when there is none).
/// Pass a string literal: `make pot` extracts the arguments of `tr` and `trn` from the sources.
public func tr(_ message: String) -> String {
    // Untranslated, gettext returns the pointer it was given: keep that buffer alive while it is
    // copied (an implicit String-to-pointer argument is a temporary, gone when the call returns).
    message.withCString { String(cString: dgettext(Localization.domain, $0)) }
}

/// The singular or plural translation for `count` (e.g. "{count} byte" / "{count} bytes"),
/// chosen by the language's plural rule; `{count}` is filled in with the number.
public func trn(_ singular: String, _ plural: String, _ count: Int) -> String {
    let form = singular.withCString { one in
        plural.withCString { many in String(cString: dngettext(Localization.domain, one, many, UInt(max(0, count)))) }
    }
    return form.filling(["count": "\(count)"])
}

extension String {
    /// Replaces each `{name}` placeholder with its value, after translation.
    public func filling(_ values: KeyValuePairs<String, String>) -> String {
        var text = self
        for (name, value) in values { text = text.replacing("{\(name)}", with: value) }
        return text
    }
}
