import Foundation
import SharedFile
import SystemPackage

/// Where the loader finds its files: `--assets` when given, else the default location.
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

    /// The folder `given` (the `--assets` value) when it is one, else the first candidate that is.
    static func resolve(_ given: String?) -> Result<URL, FileProblem> {
        guard let given else {
            let urls = candidates
            if let found = urls.first(where: { problem($0) == nil }) { return .success(found) }
            return .failure(.noAssetsFolder(tried: urls.map(\.path)))
        }
        let url = URL(fileURLWithPath: given)
        return problem(url).map { .failure(.folderUnusable(path: url.path, $0)) } ?? .success(url)
    }

    /// Why `url` is not a folder, nil when it is.
    private static func problem(_ url: URL) -> Errno? {
        do {
            return try FilePath(url.path).stat().type == .directory ? nil : .notDirectory
        } catch {
            return error
        }
    }
}
