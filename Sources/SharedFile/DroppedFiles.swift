import CGLib
import Foundation
import SystemPackage

/// Why a drop on the loader window loads nothing. Words: `Messages.dropRefused`.
public enum DropRefusal: Error, Sendable, Equatable {
    /// The one item dropped is no file of this machine: a web link (`http://…`), a remote file
    /// (`sftp://…`, `file://otherhost/…`), or text that is not a URI.
    case notLocalFile(String)
    /// Several files at once: the segment holds one file, so none is loaded rather than a guess.
    case severalFiles(count: Int)
    /// Nothing usable: an empty list.
    case nothing
}

/// Turns what was dropped (the URIs of a `text/uri-list`) into the one local file to load, with
/// the same rule for every drop: exactly one item, and it names a file of this machine.
public enum DroppedFiles {
    /// The local file of a one-item drop, or why there is none.
    public static func choose(uris: [String]) -> Result<URL, DropRefusal> {
        let items = uris.filter { !$0.isEmpty }
        guard let first = items.first else { return .failure(.nothing) }
        guard items.count == 1 else { return .failure(.severalFiles(count: items.count)) }
        guard let path = localPath(first) else { return .failure(.notLocalFile(first)) }
        return .success(URL(fileURLWithPath: path))
    }

    /// The path of a `file:` URI of this machine (GLib's parsing: percent escapes, a `localhost`
    /// host), nil for any other URI or for text that is not a URI.
    public static func localPath(_ uri: String) -> String? {
        var host: UnsafeMutablePointer<gchar>?
        guard let filename = g_filename_from_uri(uri, &host, nil) else { return nil }
        defer { g_free(filename); g_free(host) }
        if let host {   // file://HOST/path: only this machine's files can be read
            let name = String(cString: host)
            guard name == "localhost" || name == String(cString: g_get_host_name()) else { return nil }   // notr: a host name
        }
        return String(cString: filename)
    }
}

extension LoadOutcome {
    /// The name of the file the outcome is about, when it names one (not for segment failures).
    public var fileName: String? {
        switch self {
        case .loaded(let name, _), .nothingStored(let name, _), .fileProblem(let name, _), .readFailed(let name, _, _): name
        case .noViewer, .attachFailed, .lockBusy, .viewerGone: nil
        }
    }

    /// The file itself could not be opened or read (as opposed to a segment that was not there):
    /// such a file is not worth offering again.
    public var isFileFailure: Bool {
        switch self {
        case .fileProblem, .readFailed: true
        default: false
        }
    }

    /// The load of `name` failed because the file does not exist (any more): it, or a folder on
    /// its path, is gone.
    public func isMissingFile(named name: String) -> Bool {
        guard case .fileProblem(name, .system(let error)) = self else { return false }
        return error == .noSuchFileOrDirectory || error == .notDirectory
    }
}
