import Messages
import SharedFile

extension FileLoader {
    /// Throws, with the loader's own words, unless the last load wrote the file.
    func checkLoaded() throws {
        guard let outcome, outcome.isLoaded else {
            throw Child.Failure(description: outcome.map { Messages.status($0, for: .terminal) } ?? "no load ran")
        }
    }
}
