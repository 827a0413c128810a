import Foundation

/// One printed figure: median and p95 of its samples, the same-run baseline it is compared with,
/// and the target when it has one.
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

    /// The report as JSON (Foundation's `JSONEncoder`, keys sorted): `environment` and
    /// `figures` by key; a value that is missing or not finite is `null`.
    static func json(_ figures: [Figure], environment: [(String, String)]) -> String {
        let report = JSONReport(
            environment: Dictionary(environment, uniquingKeysWith: { _, last in last }),
            figures: Dictionary(figures.map { ($0.key, JSONFigure($0)) }, uniquingKeysWith: { _, last in last }))
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        // Encoding plain strings, numbers and optionals cannot fail.
        return String(decoding: (try? encoder.encode(report)) ?? Data("{}".utf8), as: UTF8.self)
    }

    private struct JSONReport: Encodable {
        let environment: [String: String]
        let figures: [String: JSONFigure]
    }

    private struct JSONFigure: Encodable {
        let title: String, unit: String
        let median: Double?, p95: Double?
        let samples: Int
        let baseline: String?
        let baselineMedian: Double?
        let ratio: Double?
        let target: String?
        let met: Bool?
        let note: String?

        init(_ figure: Figure) {
            title = figure.title
            unit = figure.unit
            median = figure.summary?.median
            p95 = figure.summary?.p95
            samples = figure.summary?.count ?? 0
            baseline = figure.baselineKey
            baselineMedian = figure.baselineMedian
            ratio = figure.ratio
            target = figure.target
            met = figure.met
            note = figure.note
        }

        enum CodingKeys: String, CodingKey {
            case title, unit, median, p95, samples, baseline, baselineMedian = "baseline_median", ratio, target, met, note
        }

        /// Every field is written, missing ones as null, as readers of earlier reports expect.
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(title, forKey: .title)
            try container.encode(unit, forKey: .unit)
            try container.encode(median.finite, forKey: .median)
            try container.encode(p95.finite, forKey: .p95)
            try container.encode(samples, forKey: .samples)
            try container.encode(baseline, forKey: .baseline)
            try container.encode(baselineMedian.finite, forKey: .baselineMedian)
            try container.encode(ratio.finite, forKey: .ratio)
            try container.encode(target, forKey: .target)
            try container.encode(met, forKey: .met)
            try container.encodeIfPresent(note, forKey: .note)
        }
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
}

private extension Optional<Double> {
    /// nil for NaN and infinities, which JSON cannot hold.
    var finite: Double? { flatMap { $0.isFinite ? $0 : nil } }
}
