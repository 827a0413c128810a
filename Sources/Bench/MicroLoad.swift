import Foundation
import Glibc
import SharedFile
import SharedMemory

extension Micro {
    /// The loader's and the viewer's data paths, each against memcpy of the same size.
    ///
    /// The bench plays the viewer (a `SegmentReader` creates and stamps the segment, as the real
    /// viewer does) and the loader (`FileLoader.loadFile`, the code behind the loader's combo box,
    /// both with the segment kept attached between loads, as the loader window does, and without).
    func loads(memcpy: [String: Figure], lockPair: Figure) throws -> [Figure] {
        let key = workspace.newKey("load")
        let reader = SegmentReader(key: key, size: Self.segmentSize)
        try reader.open()
        defer { reader.close() }
        let loader = FileLoader(key: key, assetsDirectory: workspace.directory)
        let writer = SharedMemory(key: key)
        try writer.attach(access: .readWrite)
        defer { writer.detach() }
        let assets = AssetsFolder(workspace.directory)

        var figures: [Figure] = []
        for size in Self.sizes {
            let name = try workspace.file(size: size.bytes)
            let repetitions = effort.copies(for: size.bytes)
            let ceiling = memcpy[size.label]

            // The whole load as the loader window runs it: file read, lock, copy, unlock, with the
            // mapping kept between picks in quick succession (keepsSegmentAttached); then a single
            // pick after a pause (or the Qt example's way): attach, fault in, ..., detach every time.
            func timeLoads(keepingSegment: Bool) throws -> [Double] {
                loader.keepsSegmentAttached = keepingSegment
                return try timeEach(repetitions: repetitions) {
                    loader.loadFile(name)
                    try loader.checkLoaded()
                }
            }
            let load = try timeLoads(keepingSegment: true)
            figures.append(Figure("load_\(size.label)_gbps",
                                  "FileLoader.loadFile of \(size.label), segment kept attached: file read + lock + copy + unlock",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: load))
                .against(ceiling)
                .ratioAtLeast(size.label == "64m" ? 0.5 : nil))
            let single = try timeLoads(keepingSegment: false)
            figures.append(Figure("load_single_\(size.label)_gbps",
                                  "FileLoader.loadFile of \(size.label), attached for this load only: + attach + page faults + detach",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: single))
                .against(ceiling))

            // The two halves of a load that goes through FileLoader's read buffer (a file not in the
            // page cache, or under 256 KiB): the read into a buffer kept between loads, then the copy.
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: size.bytes, alignment: 64)
            defer { buffer.deallocate() }
            let read = try timeEach(repetitions: repetitions) {
                let file = try assets.open(name)
                if let error = AssetsFolder.read(file.descriptor, into: buffer).error { throw error }
            }
            figures.append(Figure("file_read_\(size.label)_gbps", "part of load: AssetsFolder open + read of \(size.label) into a kept buffer",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: read))
                .against(ceiling))

            let bytes = Workspace.textBlock(count: size.bytes)
            let write = try timeEach(repetitions: repetitions) {
                _ = try writer.withLock { segment in
                    bytes.withUnsafeBytes { SegmentContent.write($0, name: name, into: segment) }
                }
            }
            figures.append(Figure("segment_write_\(size.label)_gbps",
                                  "part of load: lock + SegmentContent.write + unlock of \(size.label), mapping kept",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: write))
                .against(ceiling))

            // The viewer's side of a change: lock, validate, private copy, unlock.
            // It copies the whole payload (the viewer holds it for copy and search); the rate is
            // computed from the bytes it copied.
            var copies: [Double] = []
            var copied = 0
            for index in 0...repetitions {
                _ = try writer.withLock { segment in
                    bytes.withUnsafeBytes { SegmentContent.write($0, name: name, into: segment) }
                }
                let start = monotonicNanoseconds()
                guard case .changed(let snapshot) = reader.poll() else { throw Child.Failure(description: "poll missed a change") }
                if index > 0 { copies.append(Double(monotonicNanoseconds() - start)) }  // first one is warm-up
                copied = snapshot.payload.count
            }
            figures.append(Figure("reader_changed_\(size.label)_gbps",
                                  "SegmentReader.poll() after a change of \(size.label): lock + copy of \(copied) bytes + unlock",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: copied, nanoseconds: copies))
                .against(ceiling))
        }
        // An unchanged segment: what every idle viewer tick costs.
        let unchanged = timeBatches(repetitions: effort.microBatches, batch: effort.microBatchSize / 10) {
            _ = reader.poll()
        }
        figures.append(Figure("poll_unchanged_ns", "SegmentReader.poll() of an unchanged segment", unit: "ns",
                              samples: unchanged).against(lockPair))

        // Decoding for display (outside the lock), 1 MiB of text.
        let text = Snapshot(format: .framed, payload: Workspace.textBlock(count: 1 << 20), fileName: "x",
                            originalSize: 1 << 20, loadTime: Date(), generation: 1)
        let decode = timeEach(repetitions: effort.copies(for: 1 << 20)) {
            _ = DisplayText(snapshot: text, key: key, segmentSize: Self.segmentSize)
        }
        figures.append(Figure("display_text_1m_gbps", "DisplayText of a 1 MiB snapshot (UTF-8 repair + String + DisplayMap)",
                              unit: "GB/s", samples: gigabytesPerSecond(bytes: 1 << 20, nanoseconds: decode))
            .against(memcpy["1m"]))

        // The find bar's search (ByteSearch, every slice) of 64 MiB of text, with and without Match case.
        let haystack = Workspace.textBlock(count: 64 << 20)
        for caseSensitive in [true, false] {
            let query = ByteSearch.Query(needle: Array("0004200".utf8), caseSensitive: caseSensitive)
            var matches = 0
            let search = timeEach(repetitions: effort.copies(for: 64 << 20)) {
                var found: [Int] = []
                var from = 0
                while from < haystack.count {
                    from = ByteSearch.find(query, in: haystack, from: from, startingBefore: min(haystack.count, from + ByteSearch.sliceBytes), into: &found)
                }
                matches = found.count
            }
            let label = caseSensitive ? "search_64m_gbps" : "search_64m_caseless_gbps"
            figures.append(Figure(label, "ByteSearch of 64 MiB of text, \(caseSensitive ? "Match case" : "ASCII case folded") (\(matches) matches)",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: 64 << 20, nanoseconds: search))
                .against(memcpy["64m"]))
        }
        return figures
    }
}
