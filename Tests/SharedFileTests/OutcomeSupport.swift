import Messages
@testable import SharedFile

extension FileLoader {
    /// The status line the loader window shows for the last load: the sentence users read, made by
    /// `Messages` from `outcome`. Tests that check the words use it; the others compare `outcome`.
    var status: String { outcome.map { Messages.status($0) } ?? "" }
}

extension LoadOutcome {
    /// No segment exists for the key: no viewer runs.
    var isNoViewer: Bool {
        if case .noViewer = self { true } else { false }
    }
}
