import CSysV

extension SharedMemory {
    /// Maps the first `byteCount` bytes of the segment in, writable, with one system call
    /// (`madvise(MADV_POPULATE_WRITE)`) instead of one page fault per 4 KiB page during the next
    /// copy. Content is unchanged. Returns false when nothing was done: detached, read-only, or a
    /// kernel older than 5.14 (EINVAL), all harmless: the copy then faults the pages in itself.
    @discardableResult
    public func prefault(byteCount: Int) -> Bool {
        guard let address, accessMode == .readWrite else { return false }
        let count = min(max(byteCount, 0), mappedSize)
        guard count > 0 else { return true }
        return csysv_populate_write(address, count) == 0
    }
}
