import Foundation
import SharedFile

/// Where the loader finds its files when `--assets` is not given.
enum AssetsLocation {
    /// The candidates, in order: the installed folder next to the binary
    /// (`<prefix>/bin/../share/sharedmemory-gtk/files`), then the source tree's `assets/files`.
    static var candidates: [URL] {
        var urls: [URL] = []
        if let executable = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") {
            urls.append(URL(fileURLWithPath: executable).deletingLastPathComponent()
                .appendingPathComponent("../share/sharedmemory-gtk/files").standardized)
        }
        urls.append(SourceTree.root.appendingPathComponent("assets/files").standardized)   // `swift run` from a checkout
        return urls
    }

    /// The first candidate that is a folder, or nil with the list of what was tried.
    static func find() -> Result<URL, NotFound> {
        let urls = candidates
        if let found = urls.first(where: isFolder) { return .success(found) }
        return .failure(NotFound(tried: urls))
    }

    struct NotFound: Error, CustomStringConvertible {
        let tried: [URL]
        var description: String {
            "No assets folder found (tried \(tried.map(\.path).joined(separator: ", "))). Pass one with --assets DIR."
        }
    }

    static func isFolder(_ url: URL) -> Bool {
        var isDirectory: ObjCBool = false
        return FileManager.default.fileExists(atPath: url.path, isDirectory: &isDirectory) && isDirectory.boolValue
    }
}
