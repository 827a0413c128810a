import Localization
import SharedMemory

extension Messages {
    /// The viewer's search count: "3 of 12" for the selected match, "12 matches" while none is
    /// selected, "No matches", or "Counting…" while GtkSourceView still counts (`total` nil).
    public static func searchCount(total: Int?, position: Int?) -> String {
        guard let total else { return tr("Counting…") }
        guard total > 0 else { return tr("No matches") }
        guard let position else {
            return trn("{count} match", "{count} matches", total).filling(["count": total.localizedDigits])
        }
        // TRANSLATORS: the selected match's place among all of them, e.g. "3 of 12".
        return trn("{position} of {count}", "{position} of {count}", total)
            .filling(["position": position.localizedDigits, "count": total.localizedDigits])
    }
}
