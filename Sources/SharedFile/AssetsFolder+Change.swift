import CGLib
#if canImport(Glibc)
import Glibc
#endif

extension AssetsFolder {
    /// The folder's list after a change: with `changed` (the names a folder monitor's events
    /// named) and the `last` listing, only those names are checked against it (a change costs the
    /// change, not the folder: 100,000 files take ~1 s to list); else the whole folder is read.
    /// Call it off the main loop: it reads the disk.
    public func listing(changed: [[UInt8]]?, after last: [String]?) -> Result<[String], FileProblem> {
        if let changed, let last { return .success(applying(changed: changed, to: last)) }
        return Result { () throws(FileProblem) in try fileNames() }
    }

    /// `listing` (this folder's ``fileNames()``, in display order) after the entries named in
    /// `changed` (names by their bytes, e.g. from a folder monitor's events) changed: each is
    /// checked again as ``fileNames()`` checks it and put in or taken out. Costs a check per
    /// changed name and a pass over the list, not a read of the folder.
    public func applying(changed: [[UInt8]], to listing: [String]) -> [String] {
        let base = Array(url.path.utf8), folder = Self.realPath(base)
        var seen = Set<[UInt8]>()
        let verdicts = changed.filter { seen.insert($0).inserted }.map { name in
            (name: RawFileName.string(name), listed: Self.listable(name) && Self.keeps(base + [0x2F] + name, folder: folder))
        }
        return Self.applying(verdicts, to: listing)
    }

    /// A name ``fileNames()`` may list: not hidden, ".", "..", and a single path component.
    static func listable(_ name: [UInt8]) -> Bool {
        !name.isEmpty && name.first != 0x2E && !name.contains(0x2F) && !name.contains(0)
    }

    /// `names` (in display order, see ``sortedForDisplay(_:)``) with each verdict's name taken out,
    /// then put back where the display order places it when it is listed.
    static func applying(_ verdicts: [(name: String, listed: Bool)], to names: [String]) -> [String] {
        let gone = Set(verdicts.map(\.name))
        var result = names.contains(where: gone.contains) ? names.filter { !gone.contains($0) } : names
        for verdict in verdicts where verdict.listed {
            let key = collationKey(verdict.name)
            // Binary search: only log n keys are made, not one per listed name.
            var low = 0, high = result.count
            while low < high {
                let middle = (low + high) / 2
                if !key.lexicographicallyPrecedes(collationKey(result[middle])) { low = middle + 1 } else { high = middle }
            }
            result.insert(verdict.name, at: low)
        }
        return result
    }

    /// GLib's filename collation key of `name` (what ``sortedForDisplay(_:)`` orders by), as bytes.
    private static func collationKey(_ name: String) -> [UInt8] {
        guard let key = g_utf8_collate_key_for_filename(name, -1) else { return Array(name.utf8) }
        defer { g_free(key) }
        return Array(UnsafeRawBufferPointer(start: key, count: strlen(key)))
    }
}
