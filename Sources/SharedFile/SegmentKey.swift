/// The key the seed example hard-codes: every program of the project defaults to it, so that the
/// viewer, the loader, `sharedmemory-ctl` and an unmodified Qt example meet without options.
public enum SegmentKey {
    public static let `default` = "fileloader_shm_key"
}
