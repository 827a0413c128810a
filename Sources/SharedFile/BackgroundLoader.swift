import Foundation
import SharedMemory
import Synchronization

/// A `FileLoader` on a thread of its own, so that reading a file and waiting for the lock (up to
/// the loader's budget) never block the caller's thread: the loader window's GTK main loop.
///
/// Requests run one at a time, in order. Picks made while a load runs are coalesced: only the newest
/// one waiting runs next, since every load replaces what the segment holds anyway. Each load's
/// outcome goes to `deliver`, on the loader's thread: hand it over to your own thread there. The
/// outcome of a load that a newer one is already waiting behind is not delivered: it would replace
/// the newer pick's "Loading…" with old news.
public final class BackgroundLoader: Sendable {
    /// What a finished load left: the status text and whether the segment is kept.
    public struct Outcome: Sendable, Equatable {
        public let status: String
        public let holdsSegment: Bool
    }

    private enum Request: Sendable {
        case assets(String)
        case picked(URL)
        case release
    }

    private struct State {
        var waiting: Request?
        var draining = false
    }

    /// The assets folder, for listing on the caller's thread.
    public let assets: AssetsFolder
    private let loader: Confined<FileLoader>
    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Loader.load")
    private let state = Mutex(State())
    private let deliver: @Sendable (Outcome) -> Void

    /// - Parameter deliver: called on the loader's thread after each load (a release reports
    ///   nothing: the status of the last load still holds).
    public init(key: String, assetsDirectory: URL, lockTimeout: Duration = .milliseconds(500),
                keepsSegmentAttached: Bool = true, nativeKey: NativeIpcKey? = nil,
                deliver: @escaping @Sendable (Outcome) -> Void) {
        let loader = FileLoader(key: key, assetsDirectory: assetsDirectory, lockTimeout: lockTimeout,
                                nativeKey: nativeKey)
        loader.keepsSegmentAttached = keepsSegmentAttached
        self.loader = Confined(loader)
        self.assets = loader.assets
        self.deliver = deliver
    }

    /// The files of the assets folder, or the reason there are none (callable from any thread).
    public func availableFiles() -> (names: [String], problem: String?) {
        FileLoader.listFiles(of: assets)
    }

    /// Loads `name` of the assets folder (see `FileLoader.loadFile(_:)`).
    public func load(_ name: String) { submit(.assets(name)) }

    /// Loads a file the user picked explicitly (see `FileLoader.loadFile(at:)`).
    public func load(at url: URL) { submit(.picked(url)) }

    /// Detaches the kept segment once the loads before it are done. A load waiting to run makes
    /// it pointless (that load keeps the segment again), so it is then dropped.
    public func release() { submit(.release) }

    /// Waits for the load that is running, drops those waiting, and detaches: for quitting.
    public func finish() {
        state.withLock { $0.waiting = nil }
        queue.sync { loader.value.releaseSegment() }
    }

    /// Returns once every request made so far has run (tests).
    func waitUntilIdle() {
        queue.sync {}
    }

    private func submit(_ request: Request) {
        let start = state.withLock { state -> Bool in
            if case .release = request, state.waiting != nil { return false }
            state.waiting = request   // replaces an older pick that has not started
            guard !state.draining else { return false }
            state.draining = true
            return true
        }
        if start { queue.async { self.drain() } }
    }

    private func drain() {
        while let request = state.withLock({ state -> Request? in
            guard let next = state.waiting else {
                state.draining = false
                return nil
            }
            state.waiting = nil
            return next
        }) {
            run(request)
        }
    }

    private func run(_ request: Request) {
        let loader = loader.value
        switch request {
        case .assets(let name): loader.loadFile(name)
        case .picked(let url): loader.loadFile(at: url)
        case .release:
            loader.releaseSegment()
            return
        }
        let superseded = state.withLock { state in
            switch state.waiting {
            case .assets, .picked: true
            case .release, nil: false
            }
        }
        if !superseded { deliver(Outcome(status: loader.status, holdsSegment: loader.holdsSegment)) }
    }
}

/// A value that only one serial queue touches (the `FileLoader` of a `BackgroundLoader`), which the
/// compiler cannot see: hence unchecked.
private final class Confined<Value>: @unchecked Sendable {
    let value: Value
    init(_ value: Value) { self.value = value }
}
