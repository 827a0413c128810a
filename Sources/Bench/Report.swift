import Foundation

/// One printed figure: median and p95 of its samples, the same-run baseline it is compared with,
/// and the issue's target when it has one.
struct Figure: Sendable {
    /// Stable name, used in `--json` and by Tests/bench/check_bench.sh.
    var key: String
    var title: String
    var unit: String
    var summary: Summary?
    /// Key of the baseline figure (measured in this run) and its median.
    var baselineKey: String?
    var baselineMedian: Double?
    /// Target in words, and whether this run met it (nil: no target, or not measurable).
    var target: String?
    var met: Bool?
    /// Why a figure is missing, or how to read it.
    var note: String?

    init(_ key: String, _ title: String, unit: String, samples: [Double], note: String? = nil) {
        self.key = key
        self.title = title
        self.unit = unit
        self.summary = Summary(samples)
        self.note = note
    }

    /// This figure's median over the baseline's median.
    var ratio: Double? {
        guard let summary, let baselineMedian, baselineMedian != 0 else { return nil }
        return summary.median / baselineMedian
    }

    func against(_ baseline: Figure?) -> Figure {
        var copy = self
        copy.baselineKey = baseline?.key
        copy.baselineMedian = baseline?.summary?.median
        return copy
    }

    /// Target on the ratio to the baseline (call after `against`); nil adds none.
    func ratioAtLeast(_ minimum: Double?) -> Figure {
        guard let minimum else { return self }
        var copy = self
        copy.target = "ratio >= \(minimum)"
        copy.met = ratio.map { $0 >= minimum }
        return copy
    }

    /// Target on the ratio to the baseline for times (call after `against`).
    func ratioAtMost(_ maximum: Double) -> Figure {
        var copy = self
        copy.target = "ratio <= \(maximum)"
        copy.met = ratio.map { $0 <= maximum }
        return copy
    }

    func target(_ words: String, met: (Summary) -> Bool) -> Figure {
        var copy = self
        copy.target = words
        copy.met = summary.map(met)
        return copy
    }
}

/// Prints the figures as a table, or as JSON with `--json`.
enum Report {
    static func text(_ figures: [Figure], environment: [(String, String)]) -> String {
        var lines = environment.map { "# \($0.0): \($0.1)" }
        let header = ["figure", "median", "p95", "unit", "n", "baseline", "ratio", "target", "met"]
        var rows: [[String]] = [header]
        for figure in figures {
            rows.append([
                figure.key,
                figure.summary.map { number($0.median) } ?? "n/a",
                figure.summary.map { number($0.p95) } ?? "n/a",
                figure.unit,
                figure.summary.map { String($0.count) } ?? "0",
                figure.baselineKey ?? "",
                figure.ratio.map { String(format: "%.3f", $0) } ?? "",
                figure.target ?? "",
                figure.met.map { $0 ? "yes" : "NO" } ?? "",
            ])
        }
        var widths = [Int](repeating: 0, count: header.count)
        for row in rows { for (i, cell) in row.enumerated() { widths[i] = max(widths[i], cell.count) } }
        for (index, row) in rows.enumerated() {
            lines.append("| " + row.enumerated().map { $1.padding(toLength: widths[$0], withPad: " ", startingAt: 0) }
                .joined(separator: " | ") + " |")
            if index == 0 { lines.append("|" + widths.map { String(repeating: "-", count: $0 + 2) }.joined(separator: "|") + "|") }
        }
        let notes = figures.compactMap { figure in figure.note.map { "- \(figure.key): \($0)" } }
        if !notes.isEmpty { lines.append(""); lines.append("Notes:"); lines += notes }
        return lines.joined(separator: "\n")
    }

    static func json(_ figures: [Figure], environment: [(String, String)]) -> String {
        var out = "{\n  \"environment\": {"
        out += environment.map { "\n    \(quote($0.0)): \(quote($0.1))" }.joined(separator: ",")
        out += "\n  },\n  \"figures\": {"
        out += figures.map { figure -> String in
            var fields = [
                "\"title\": \(quote(figure.title))",
                "\"unit\": \(quote(figure.unit))",
                "\"median\": \(figure.summary.map { jsonNumber($0.median) } ?? "null")",
                "\"p95\": \(figure.summary.map { jsonNumber($0.p95) } ?? "null")",
                "\"samples\": \(figure.summary?.count ?? 0)",
                "\"baseline\": \(figure.baselineKey.map(quote) ?? "null")",
                "\"baseline_median\": \(figure.baselineMedian.map(jsonNumber) ?? "null")",
                "\"ratio\": \(figure.ratio.map(jsonNumber) ?? "null")",
                "\"target\": \(figure.target.map(quote) ?? "null")",
                "\"met\": \(figure.met.map { $0 ? "true" : "false" } ?? "null")",
            ]
            if let note = figure.note { fields.append("\"note\": \(quote(note))") }
            return "\n    \(quote(figure.key)): {" + fields.joined(separator: ", ") + "}"
        }.joined(separator: ",")
        out += "\n  }\n}"
        return out
    }

    /// Three significant digits at least, no exponent for the ranges we print.
    static func number(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 1000 { return String(format: "%.0f", value) }
        if magnitude >= 100 { return String(format: "%.1f", value) }
        if magnitude >= 10 { return String(format: "%.2f", value) }
        if magnitude >= 1 { return String(format: "%.3f", value) }
        return String(format: "%.4f", value)
    }

    static func jsonNumber(_ value: Double) -> String {
        value.isFinite ? String(format: "%.6g", value) : "null"
    }

    static func quote(_ text: String) -> String {
        var out = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            default:
                if scalar.value < 0x20 { out += String(format: "\\u%04x", scalar.value) } else { out.unicodeScalars.append(scalar) }
            }
        }
        return out + "\""
    }
}
