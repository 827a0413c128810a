// swift-tools-version: 6.0
import PackageDescription

// Layers, bottom up: C shims -> SharedMemory (IPC, no GTK) -> SharedFile (model, no GTK)
// -> Messages (the words users read, no GTK) -> small executables. GtkSupport (the only place that
// touches GTK pointers) stands beside the model, not above it: the windows join the two.
let package = Package(
    name: "sharedmemory-gtk",
    products: [
        .library(name: "SharedMemory", targets: ["SharedMemory"]),
        .executable(name: "sharedmemory", targets: ["Viewer"]),
        .executable(name: "sharedmemory_loader", targets: ["Loader"]),
        .executable(name: "sharedmemory-ctl", targets: ["Ctl"]),
        .executable(name: "sharedmemory-bench", targets: ["Bench"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/apple/swift-system", from: "1.8.1"),
        // `make docs`: the SharedMemory library's DocC catalog as a static site (a build tool only).
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        // semctl is variadic, so Swift cannot call it: tiny C wrappers.
        .target(name: "CSysV"),
        .systemLibrary(name: "CGLib", pkgConfig: "glib-2.0",
                       providers: [.apt(["libglib2.0-dev"])]),
        .systemLibrary(name: "CGtk", pkgConfig: "gtk+-3.0",
                       providers: [.apt(["libgtk-3-dev"])]),
        // GtkSourceView 4 (GTK 3): the viewer's text view (highlighting, line numbers, schemes).
        .systemLibrary(name: "CGtkSource", pkgConfig: "gtksourceview-4",
                       providers: [.apt(["libgtksourceview-4-dev"])]),
        // gettext: glibc's libintl, which the Glibc module does not export.
        .systemLibrary(name: "CIntl"),
        .target(name: "Localization", dependencies: ["CIntl"]),
        // The project's system-call helpers (EINTR loop, errno names, Duration in nanoseconds):
        // used by every layer, not part of the SharedMemory library's public API.
        .target(name: "SystemSupport", dependencies: ["CSysV", .product(name: "SystemPackage", package: "swift-system")]),
        // The one version of the project (every program's --version); checked against the metainfo.
        .target(name: "ProjectVersion"),
        .target(name: "SharedMemory", dependencies: [
            "CSysV", "CGLib", "Localization", "SystemSupport", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "SharedFile", dependencies: [
            "SharedMemory", "CGLib", "Localization", "SystemSupport", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "Messages", dependencies: [
            "SharedFile", "SharedMemory", "Localization", "SystemSupport", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .target(name: "GtkSupport", dependencies: [
            "CGtk", "CGtkSource", "Localization", "ProjectVersion", "SystemSupport", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        .executableTarget(name: "Viewer", dependencies: ["SharedFile", "Messages", "GtkSupport", "SystemSupport"]),
        .executableTarget(name: "Loader", dependencies: ["SharedFile", "Messages", "GtkSupport", "Localization"]),
        .executableTarget(name: "Ctl", dependencies: [
            "SharedMemory", "SharedFile", "Messages", "Localization", "ProjectVersion", "SystemSupport",
            .product(name: "SystemPackage", package: "swift-system"),
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
        ]),
        .executableTarget(name: "Bench", dependencies: [
            "SharedMemory", "SharedFile", "Messages", "CSysV", "SystemSupport", "Localization",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Helpers the test targets share (running a process); not a test target itself.
        .target(name: "TestSupport", dependencies: ["SharedMemory"], path: "Tests/TestSupport"),
        .testTarget(name: "LocalizationTests", dependencies: ["Localization"]),
        .testTarget(name: "SharedMemoryTests", dependencies: ["SharedMemory", "SystemSupport", "TestSupport"]),
        .testTarget(name: "SharedFileTests", dependencies: [
            "SharedFile", "Messages", "TestSupport", .product(name: "SystemPackage", package: "swift-system"),
        ]),
        // Against real QSharedMemory programs built from source when Qt is installed.
        .testTarget(name: "InteropTests", dependencies: ["SharedMemory", "SharedFile", "TestSupport"]),
    ],
    swiftLanguageModes: [.v6]
)
