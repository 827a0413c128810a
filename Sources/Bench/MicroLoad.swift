import Foundation
import Glibc
import SharedFile
import SharedMemory

extension Micro {
    /// The loader's and the viewer's data paths, each against memcpy of the same size.
    ///
    /// The bench plays the viewer (a `SegmentReader` creates and stamps the segment, as the real
    /// viewer does) and the loader (`FileLoader.loadFile`, the code behind the loader's combo box).
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

            // The whole load as the loader app does it: open + read the file, attach, lock, copy, unlock, detach.
            let load = try timeEach(repetitions: repetitions) {
                loader.loadFile(name)
                guard loader.status.hasPrefix("Loaded file") else { throw Child.Failure(description: loader.status) }
            }
            figures.append(Figure("load_\(size.label)_gbps",
                                  "FileLoader.loadFile of \(size.label): file read + attach + lock + copy + unlock + detach",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: load))
                .against(ceiling)
                .ratioAtLeast(size.label == "64m" ? 0.5 : nil))

            // Its parts, to show where the time goes.
            let read = try timeEach(repetitions: repetitions) {
                let file = try assets.open(name)
                _ = try AssetsFolder.read(fd: file.fd, size: file.size, limit: Self.segmentSize, name: name)
            }
            figures.append(Figure("file_read_\(size.label)_gbps", "part of load: AssetsFolder open + read of \(size.label)",
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

            // What the load costs with the mapping kept attached and the read buffer reused (pages
            // faulted once): a bench-only prototype of the FileLoader change docs/PERFORMANCE.md proposes.
            var buffer = [UInt8](repeating: 0, count: size.bytes)
            let reuse = try timeEach(repetitions: repetitions) {
                let file = try assets.open(name)
                defer { close(file.fd) }
                try buffer.withUnsafeMutableBytes { raw in
                    let count = Self.readFully(file.fd, into: raw)
                    _ = try writer.withLock { segment in
                        SegmentContent.write(UnsafeRawBufferPointer(rebasing: raw[0..<count]), name: name, into: segment)
                    }
                }
            }
            figures.append(Figure("load_reuse_\(size.label)_gbps",
                                  "prototype: read into a reused buffer + lock + copy + unlock, mapping kept, \(size.label)",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: reuse))
                .against(ceiling))

            // Same, but the file is mmap'ed with MAP_POPULATE outside the lock and copied once from the
            // page cache under it: one copy instead of two.
            let mapped = try timeEach(repetitions: repetitions) {
                let file = try assets.open(name)
                defer { close(file.fd) }
                let length = min(file.size, Self.segmentSize)
                guard let base = mmap(nil, length, PROT_READ, MAP_PRIVATE | MAP_POPULATE, file.fd, 0),
                      base != MAP_FAILED else { throw Child.Failure(description: "mmap \(name): \(String(cString: strerror(errno)))") }
                defer { munmap(base, length) }
                _ = try writer.withLock { segment in
                    SegmentContent.write(UnsafeRawBufferPointer(start: base, count: length), name: name, into: segment)
                }
            }
            figures.append(Figure("load_mmap_\(size.label)_gbps",
                                  "prototype: mmap(MAP_POPULATE) the file + lock + copy + unlock, mapping kept, \(size.label)",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: mapped))
                .against(ceiling))

            // The viewer's side of a change: lock, validate, private copy, unlock.
            var copies: [Double] = []
            for index in 0...repetitions {
                _ = try writer.withLock { segment in
                    bytes.withUnsafeBytes { SegmentContent.write($0, name: name, into: segment) }
                }
                let start = monotonicNanoseconds()
                guard case .changed = reader.poll() else { throw Child.Failure(description: "poll missed a change") }
                if index > 0 { copies.append(Double(monotonicNanoseconds() - start)) }  // first one is warm-up
            }
            figures.append(Figure("reader_changed_\(size.label)_gbps",
                                  "SegmentReader.poll() after a change of \(size.label): lock + copy + unlock",
                                  unit: "GB/s", samples: gigabytesPerSecond(bytes: size.bytes, nanoseconds: copies))
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
        figures.append(Figure("display_text_1m_gbps", "DisplayText of a 1 MiB snapshot (UTF-8 repair + String)",
                              unit: "GB/s", samples: gigabytesPerSecond(bytes: 1 << 20, nanoseconds: decode))
            .against(memcpy["1m"]))
        return figures
    }

    /// Reads `fd` until EOF or `buffer` is full; returns the byte count.
    static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer) -> Int {
        var count = 0
        while count < buffer.count {
            let n = read(fd, buffer.baseAddress! + count, buffer.count - count)
            if n < 0, errno == EINTR { continue }
            if n <= 0 { break }
            count += n
        }
        return count
    }
}
