import Foundation

/// Files of the source checkout, for the programs when they run from it (`make run`, `swift run`)
/// rather than installed.
public enum SourceTree {
    /// The checkout's root: this file is <root>/Sources/SharedFile/SourceTree.swift.
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    /// The application icon of the checkout, nil when the checkout is gone (an installed copy finds
    /// its icon through the icon theme instead). A PNG: an SVG would load librsvg (~9 MiB) for it.
    public static var iconFile: String? {
        let path = root.appendingPathComponent("data/icons/sharedmemory-gtk-128.png").path
        return FileManager.default.fileExists(atPath: path) ? path : nil
    }
}
