import Foundation
import Glibc
import SharedMemory

/// SharedMemory against an unmodified Qt `QSharedMemory` (Qt 5, and Qt 6 when its development
/// files are installed), in the same run: lock + unlock, attach + detach, create + detach.
///
/// A tiny Qt program is built from source with the system's C++ compiler, and both sides are
/// timed the same way (batches of calls, nanoseconds per call) in rounds that alternate ours and
/// Qt's, so that drift of the machine hits both. Each ratio figure is ours over Qt's per round;
/// its worst round (the largest ratio) is what the target is checked on.
struct QtComparison {
    let effort: Effort
    let workspace: Workspace

    /// The operations, as the Qt program names them.
    static let operations: [(name: String, title: String)] = [
        ("lock_pair", "lock() + unlock(), uncontended"),
        ("attach_pair", "attach() + detach() while another instance keeps the segment"),
        ("create_pair", "create(4096) + detach() (the last one out removes the segment)"),
    ]

    var rounds: Int { effort.quick ? 2 : 5 }
    /// Calls per timed batch and batches per round, per operation (create/attach cost µs, not ns).
    func batching(_ operation: String) -> (batches: Int, batch: Int) {
        switch operation {
        case "lock_pair": return (effort.quick ? 10 : 101, effort.quick ? 200 : 1000)
        default: return (effort.quick ? 5 : 51, effort.quick ? 20 : 100)
        }
    }

    func run() throws -> [Figure] {
        var figures: [Figure] = []
        let modules = Self.installedQt()
        guard !modules.isEmpty else {
            return [Figure("qt5_lock_pair_ns", "Qt 5 QSharedMemory lock() + unlock()", unit: "ns", samples: [],
                           note: "no Qt development files (pkg-config Qt5Core) or no C++ compiler: apt-get install qtbase5-dev g++")]
        }
        for (module, version) in modules {
            let label = module == "Qt5Core" ? "qt5" : "qt6"
            let binary = try build(module)
            for operation in Self.operations {
                let (batches, batch) = batching(operation.name)
                var ours: [Double] = [], theirs: [Double] = [], ratios: [Double] = []
                for _ in 0..<rounds {
                    let mine = try measureOurs(operation.name, batches: batches, batch: batch)
                    let qt = try measureQt(binary, operation.name, batches: batches, batch: batch)
                    ours += mine
                    theirs += qt
                    if let a = Summary(mine)?.median, let b = Summary(qt)?.median, b > 0 { ratios.append(a / b) }
                }
                let qtFigure = Figure("\(label)_\(operation.name)_ns", "Qt \(version) QSharedMemory \(operation.title)",
                                      unit: "ns", samples: theirs)
                figures.append(qtFigure)
                figures.append(Figure("ours_vs_\(label)_\(operation.name)_ns", "SharedMemory \(operation.title), same rounds as Qt",
                                      unit: "ns", samples: ours).against(qtFigure))
                let worst = ratios.max() ?? .nan
                var ratio = Figure("ours_vs_\(label)_\(operation.name)_worst_ratio",
                                   "SharedMemory / Qt \(version), \(operation.title): median of each of \(rounds) rounds",
                                   unit: "x", samples: ratios,
                                   note: String(format: "worst of %d rounds %.3f", ratios.count, worst))
                if operation.name == "lock_pair" && label == "qt5" {
                    ratio = ratio.target("worst round <= 1.0") { _ in worst <= 1.0 }
                }
                figures.append(ratio)
            }
        }
        return figures
    }

    // MARK: - Our side

    private func measureOurs(_ operation: String, batches: Int, batch: Int) throws -> [Double] {
        let key = workspace.newKey("vsqt")
        switch operation {
        case "lock_pair":
            let memory = SharedMemory(key: key)
            try memory.create(size: 4096)
            defer { memory.detach() }
            return try timeBatches(repetitions: batches, batch: batch) {
                try memory.lock()
                try memory.unlock()
            }
        case "attach_pair":
            let holder = SharedMemory(key: key)
            try holder.create(size: 4096)
            defer { holder.detach() }
            let memory = SharedMemory(key: key)
            return try timeBatches(repetitions: batches, batch: batch) {
                try memory.attach()
                memory.detach()
            }
        default:
            let memory = SharedMemory(key: key)
            return try timeBatches(repetitions: batches, batch: batch) {
                try memory.create(size: 4096)
                memory.detach()
            }
        }
    }

    // MARK: - Qt's side

    private func measureQt(_ binary: String, _ operation: String, batches: Int, batch: Int) throws -> [Double] {
        let key = workspace.newKey("qt")
        let result = Self.capture(binary, [operation, key, String(batches), String(batch)])
        guard result.status == 0 else {
            throw Child.Failure(description: "\(binary) \(operation) exited with \(result.status): \(result.output)")
        }
        let samples = result.output.split(whereSeparator: \.isWhitespace).compactMap { Double($0) }
        guard samples.count == batches else {
            throw Child.Failure(description: "\(binary) \(operation) printed \(samples.count) samples, not \(batches): \(result.output)")
        }
        return samples
    }

    /// Every installed Qt (module, version), none without a C++ compiler.
    static func installedQt() -> [(String, String)] {
        guard capture("/bin/sh", ["-c", "command -v c++"]).status == 0 else { return [] }
        return ["Qt5Core", "Qt6Core"].compactMap { module in
            let version = capture("/usr/bin/pkg-config", ["--modversion", module])
            guard version.status == 0 else { return nil }
            return (module, version.output.trimmingCharacters(in: .whitespacesAndNewlines))
        }
    }

    private func build(_ module: String) throws -> String {
        let source = workspace.directory.appendingPathComponent("qtbench.cpp").path
        try Self.source.write(toFile: source, atomically: true, encoding: .utf8)
        let binary = workspace.directory.appendingPathComponent("qtbench-" + module).path
        let result = Self.capture("/bin/sh", ["-c", "c++ -std=c++17 -O2 -fPIC -o '\(binary)' '\(source)' $(pkg-config --cflags --libs \(module)) 2>&1"])
        guard result.status == 0 else { throw Child.Failure(description: "building the Qt bench against \(module) failed: \(result.output)") }
        return binary
    }

    /// Runs `path` and returns its exit status and what it printed (stdout and stderr).
    static func capture(_ path: String, _ arguments: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: path)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        guard (try? process.run()) != nil else { return (127, "cannot start \(path)") }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    /// `qtbench OPERATION KEY BATCHES BATCH`: prints nanoseconds per call of each batch, one per line.
    static let source = #"""
    #include <QSharedMemory>
    #include <QString>
    #include <cstdio>
    #include <cstdlib>
    #include <ctime>
    #include <cstring>

    static long long now() {
        timespec ts;
        clock_gettime(CLOCK_MONOTONIC, &ts);
        return ts.tv_sec * 1000000000LL + ts.tv_nsec;
    }

    template <typename F> static bool timed(int batches, int batch, F body) {
        for (int i = 0; i < batch; ++i) if (!body()) return false;   // warm-up
        for (int b = 0; b < batches; ++b) {
            long long start = now();
            for (int i = 0; i < batch; ++i) if (!body()) return false;
            std::printf("%.3f\n", double(now() - start) / batch);
        }
        return true;
    }

    int main(int argc, char **argv) {
        if (argc != 5) return 2;
        const char *operation = argv[1];
        QString key = QString::fromUtf8(argv[2]);
        int batches = std::atoi(argv[3]), batch = std::atoi(argv[4]);
        bool ok = false;
        if (!std::strcmp(operation, "lock_pair")) {
            QSharedMemory shm(key);
            if (!shm.create(4096)) { std::fprintf(stderr, "%s\n", qPrintable(shm.errorString())); return 1; }
            ok = timed(batches, batch, [&] { return shm.lock() && shm.unlock(); });
        } else if (!std::strcmp(operation, "attach_pair")) {
            QSharedMemory holder(key), shm(key);
            if (!holder.create(4096)) { std::fprintf(stderr, "%s\n", qPrintable(holder.errorString())); return 1; }
            ok = timed(batches, batch, [&] { return shm.attach() && shm.detach(); });
        } else if (!std::strcmp(operation, "create_pair")) {
            QSharedMemory shm(key);
            ok = timed(batches, batch, [&] { return shm.create(4096) && shm.detach(); });
            if (!ok) std::fprintf(stderr, "%s\n", qPrintable(shm.errorString()));
        }
        return ok ? 0 : 1;
    }
    """#
}
