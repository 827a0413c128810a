import Foundation
import SharedMemory
import Synchronization

/// A `FileLoader` on a thread of its own, so that reading a file and waiting for the lock (up to
/// the loader's budget) never block the caller's thread: the loader window's GTK main loop.
///
/// Requests run one at a time, in order. Picks made while a load runs are coalesced: only the newest
/// one waiting runs next, since every load replaces what the segment holds anyway. The loader's
/// `statusChanged` goes to `statusChanged`, on the loader's thread: hand it over to your own thread
/// there. The outcome of a load that a newer one is already waiting behind is not passed on: it
/// would replace the newer pick's "Loading…" with old news. Each outcome comes with the ``Ticket``
/// its `load` returned, so that a caller ties it to its request (two files of one name, one from
/// the folder and one picked elsewhere, are two requests).
public final class BackgroundLoader: Sendable {
    /// Names one load request: `load` returns it, and the outcome of that load comes with it.
    public struct Ticket: Hashable, Sendable {
        let number: UInt64
    }

    private enum Request: Sendable {
        case assets(String, Ticket)
        case picked(URL, Ticket)
        case release
    }

    private struct State {
        var waiting: Request?
        var draining = false
        var issued: UInt64 = 0
        /// The request running on the loader's queue, whose outcome `statusChanged` reports.
        var running: Ticket?
    }

    /// The assets folder the loads read from.
    public let assets: AssetsFolder
    private let loader: Confined<FileLoader>
    private let queue = DispatchQueue(label: "org.sharedmemorygtk.Loader.load")
    /// Listing a folder (a stat and realpath per file) waits for no load, and no load for it.
    private let listing = DispatchQueue(label: "org.sharedmemorygtk.Loader.list")
    private let state = Mutex(State())

    /// - Parameter statusChanged: the loader's `statusChanged` and the ticket of the load it is
    ///   about, called on the loader's thread after each load (a release reports nothing: the
    ///   status of the last load still holds). With `keepsSegmentAttached`, a `.loaded` outcome
    ///   means the segment is kept until `release()`.
    public init(key: String, assetsDirectory: URL, lockTimeout: Duration = .milliseconds(500),
                keepsSegmentAttached: Bool = true, nativeKey: NativeIpcKey? = nil,
                statusChanged: @escaping @Sendable (LoadOutcome, Ticket) -> Void) {
        let loader = FileLoader(key: key, assetsDirectory: assetsDirectory, lockTimeout: lockTimeout,
                                nativeKey: nativeKey)
        loader.keepsSegmentAttached = keepsSegmentAttached
        self.loader = Confined(loader)
        self.assets = loader.assets
        loader.statusChanged = { [weak self] outcome in
            guard let self else { return }
            let (waiting, ticket) = self.state.withLock { ($0.waiting, $0.running) }
            let superseded = switch waiting {
            case .assets, .picked: true
            case .release, nil: false
            }
            if !superseded, let ticket { statusChanged(outcome, ticket) }
        }
    }

    /// Runs `work` with the assets folder on the listing thread, after the listings asked before
    /// (see ``AssetsFolder/listing(changed:after:)``).
    public func onListingThread(_ work: @escaping @Sendable (AssetsFolder) -> Void) {
        let assets = assets
        listing.async { work(assets) }
    }

    /// Loads `name` of the assets folder (see `FileLoader.loadFile(_:)`); its outcome comes with
    /// the ticket returned.
    @discardableResult
    public func load(_ name: String) -> Ticket {
        let ticket = newTicket()
        submit(.assets(name, ticket))
        return ticket
    }

    /// Loads a file the user picked explicitly (see `FileLoader.loadFile(at:)`); its outcome comes
    /// with the ticket returned.
    @discardableResult
    public func load(at url: URL) -> Ticket {
        let ticket = newTicket()
        submit(.picked(url, ticket))
        return ticket
    }

    private func newTicket() -> Ticket {
        state.withLock { state in
            state.issued += 1
            return Ticket(number: state.issued)
        }
    }

    /// Detaches the kept segment once the loads before it are done. A load waiting to run makes
    /// it pointless (that load keeps the segment again), so it is then dropped.
    public func release() { submit(.release) }

    /// For quitting: drops the loads waiting, and detaches once the running one is done, waiting for
    /// that at most `limit` (a file read from a hung disk never ends). False when it did not finish:
    /// the process then ends attached, and the kernel detaches it (a segment left by a viewer that
    /// also ended is then stale, and the next viewer's create clears it).
    @discardableResult
    public func finish(within limit: Duration = .seconds(1)) -> Bool {
        state.withLock { $0.waiting = nil }
        return queue.run(waitingAtMost: limit) { [loader] in loader.value.releaseSegment() }
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
        case .assets(let name, let ticket):
            state.withLock { $0.running = ticket }
            loader.loadFile(name)
        case .picked(let url, let ticket):
            state.withLock { $0.running = ticket }
            loader.loadFile(at: url)
        case .release: loader.releaseSegment()
        }
    }
}
