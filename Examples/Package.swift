// swift-tools-version: 6.0
import PackageDescription

// Small programs that use the SharedMemory library the way another project would: this package
// depends on it by path; yours names it by URL (see the README's "Using the library"):
//     .package(url: "<this repository's URL>", from: "0.3.0")
// One program per pattern, in one package so that the library is built once for all of them.
let package = Package(
    name: "SharedMemoryExamples",
    dependencies: [
        .package(name: "sharedmemory-gtk", path: ".."),
    ],
    targets: [
        // Creates a segment and writes a greeting into it; waits until a consumer has read it.
        .executableTarget(name: "producer", dependencies: [.product(name: "SharedMemory", package: "sharedmemory-gtk")]),
        // Attaches to the producer's segment, reads the greeting and says it did.
        .executableTarget(name: "consumer", dependencies: [.product(name: "SharedMemory", package: "sharedmemory-gtk")]),
        // Talks to a Qt 6 QSharedMemory (PyQt6) through a POSIX key and a legacy key.
        .executableTarget(name: "qt-interop", dependencies: [.product(name: "SharedMemory", package: "sharedmemory-gtk")],
                          exclude: ["peer.py"]),
        // A lock holder is killed with SIGKILL; the other process goes on.
        .executableTarget(name: "crash-safely", dependencies: [.product(name: "SharedMemory", package: "sharedmemory-gtk")]),
    ],
    swiftLanguageModes: [.v6]
)
