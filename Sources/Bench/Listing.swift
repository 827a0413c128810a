import Foundation
import Glibc
import SharedFile

/// The loader's listing of a big assets folder (`AssetsFolder.fileNames`: every check it makes per
/// file, and the display order), for 10,000 and 100,000 files, against the least a listing costs in
/// the same run: the folder read, one lstat per name and a plain byte-order sort.
struct Listing {
    let effort: Effort
    let workspace: Workspace

    func run() throws -> [Figure] {
        try [10_000, 100_000].flatMap { try measure(files: $0) }
    }

    private func measure(files count: Int) throws -> [Figure] {
        let folder = workspace.directory.appendingPathComponent("listing-\(count)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        for i in 0..<count {
            let fd = open(folder.appendingPathComponent("file-\(i).txt").path, O_CREAT | O_WRONLY | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw Child.Failure(description: "cannot create files in \(folder.path)") }
            close(fd)
        }
        let assets = AssetsFolder(folder)
        let repetitions = effort.quick ? 3 : (count > 10_000 ? 11 : 31)
        var listed = 0
        let baseline = try timeEach(repetitions: repetitions) {
            let names = try FileManager.default.contentsOfDirectory(atPath: folder.path)
            var info = stat()
            listed = names.filter { lstat(folder.path + "/" + $0, &info) == 0 }.sorted().count
        }
        let loader = try timeEach(repetitions: repetitions) { listed = try assets.fileNames().count }
        guard listed == count else { throw Child.Failure(description: "listed \(listed) of \(count) files") }
        let label = count.formatted()
        let base = Figure("listing_\(count)_plain_ms", "same-run baseline: \(label) files, read the folder, lstat each, byte-order sort",
                          unit: "ms", samples: baseline.map { $0 / 1e6 })
        return [
            base,
            Figure("listing_\(count)_loader_ms", "the loader's listing of the same \(label) files (checks and display order)",
                   unit: "ms", samples: loader.map { $0 / 1e6 }).against(base).ratioAtMost(2),
        ]
    }
}
