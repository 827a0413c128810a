import CGtk
import Glibc
import Localization

/// A command line option parsed by GLib (`g_application_add_main_option`), so `--help`,
/// `--key=VALUE`, `--key VALUE` and error messages behave like every other GTK program.
public struct CommandLineOption: Sendable {
    /// The value an option takes.
    public enum Kind: Sendable {
        /// `--name TEXT`
        case string
        /// `--name NUMBER`: a whole decimal number that fits 64 bits. GLib hands over the text and
        /// ``OptionValues/int64(_:)`` reads it, so that a bad number is a usage error like any other
        /// (exit 2 and the `--help` hint; GLib's own check exited 1 with a bare line).
        case int64
        /// `--name` without a value
        case flag
    }

    public let name: String
    public let shortName: Character?
    public let kind: Kind
    public let description: String
    /// Placeholder shown in `--help`, e.g. `KEY`.
    public let argument: String?

    /// Describes an option `--name` (and `-shortName`).
    public init(_ name: String, short shortName: Character? = nil, kind: Kind,
                description: String, argument: String? = nil) {
        self.name = name
        self.shortName = shortName
        self.kind = kind
        self.description = description
        self.argument = argument
    }

    var glibArg: GOptionArg {
        switch kind {
        case .string: G_OPTION_ARG_STRING
        case .int64: G_OPTION_ARG_STRING
        case .flag: G_OPTION_ARG_NONE
        }
    }
}

/// The options given on the command line (absent ones are nil / false).
public struct OptionValues: Sendable {
    enum Value: Sendable { case string(String), number(String), flag }
    var values: [String: Value] = [:]
    /// Arguments that are no option (the apps take none; GApplication would treat them as files
    /// to open and print a GLib-GIO-CRITICAL).
    public internal(set) var positional: [String] = []

    /// The value of a `.string` option, nil when not given.
    public func string(_ name: String) -> String? {
        if case .string(let value) = values[name] { value } else { nil }
    }

    /// The value of an `.int64` option, nil when not given; throws when it is no whole number or
    /// does not fit 64 bits ("1e6", "99999999999999999999").
    public func int64(_ name: String) throws(InvalidOption) -> Int64? {
        guard case .number(let text) = values[name] else { return nil }
        if let value = Int64(text) { return value }
        let digits = text.drop { $0 == "-" || $0 == "+" }
        if !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) {
            throw InvalidOption(tr("--{option} {value} is out of range").filling(["option": name, "value": text]))
        }
        throw InvalidOption(tr("--{option} takes a whole number, not \"{value}\"").filling(["option": name, "value": text]))
    }

    /// Whether a `.flag` option was given.
    public func flag(_ name: String) -> Bool {
        if case .flag = values[name] { true } else { false }
    }

    /// The value of a `.string` option that must not be empty (a key, a folder), nil when not given.
    public func nonEmptyString(_ name: String) throws(InvalidOption) -> String? {
        guard let value = string(name) else { return nil }
        guard !value.isEmpty else { throw InvalidOption(tr("--{option} must not be empty").filling(["option": name])) }
        return value
    }
}

/// A command-line value the program refuses, with the reason.
public struct InvalidOption: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }

    /// Prints the error and where to find the options on stderr; returns the exit status (2).
    public static func report(_ error: Error, program: String) -> Int32 {
        Console.error(tr("{program}: {error}\nRun {program} --help for the options.").filling(["error": "\(error)", "program": program]))
        return 2
    }
}

/// GOptionEntry rows whose values GLib writes into storage owned here.
///
/// Why not `g_application_add_main_option` (values packed into the GVariantDict): GApplication
/// packs only non-zero values, so `--size 0` would look like "no --size" and escape validation.
/// With our own `arg_data` every given value is seen. Lives as long as the application.
final class OptionTable {
    private let options: [CommandLineOption]
    private let storage: [UnsafeMutableRawPointer]
    private let strings: [UnsafeMutablePointer<CChar>]
    /// G_OPTION_REMAINING's `gchar**`: what is left after the options.
    private let remaining = UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>.allocate(capacity: 1)
    private(set) var entries: UnsafeMutablePointer<GOptionEntry>

    init(_ options: [CommandLineOption]) {
        self.options = options
        storage = options.map { option in
            let slot = UnsafeMutableRawPointer.allocate(byteCount: 8, alignment: 8)
            switch option.kind {
            case .string, .int64: slot.storeBytes(of: nil, as: UnsafeMutablePointer<CChar>?.self)
            case .flag: slot.storeBytes(of: 0, as: gboolean.self)
            }
            return slot
        }
        var strings: [UnsafeMutablePointer<CChar>] = []
        func keep(_ text: String?) -> UnsafePointer<CChar>? {
            guard let text else { return nil }
            let copy = strdup(text)!
            strings.append(copy)
            return UnsafePointer(copy)
        }
        remaining.initialize(to: nil)
        entries = .allocate(capacity: options.count + 2)
        for (index, option) in options.enumerated() {
            entries[index] = GOptionEntry(
                long_name: keep(option.name),
                short_name: option.shortName?.asciiValue.map { CChar(bitPattern: $0) } ?? 0,
                flags: 0, arg: option.glibArg, arg_data: storage[index],
                description: keep(option.description), arg_description: keep(option.argument))
        }
        entries[options.count] = GOptionEntry(   // G_OPTION_REMAINING (""): the positional arguments
            long_name: keep(""), short_name: 0, flags: 0, arg: G_OPTION_ARG_FILENAME_ARRAY,
            arg_data: UnsafeMutableRawPointer(remaining), description: nil, arg_description: nil)
        entries[options.count + 1] = GOptionEntry()   // terminator: long_name NULL
        self.strings = strings
    }

    deinit {
        for (slot, option) in zip(storage, options) {
            if option.kind != .flag { g_free(slot.load(as: UnsafeMutablePointer<CChar>?.self)) }
            slot.deallocate()
        }
        strings.forEach { free($0) }
        g_strfreev(remaining.pointee)
        remaining.deallocate()
        entries.deallocate()
    }

    /// What GLib stored, after parsing.
    var values: OptionValues {
        var values = OptionValues()
        for (slot, option) in zip(storage, options) {
            switch option.kind {
            case .string:
                if let text = slot.load(as: UnsafeMutablePointer<CChar>?.self) {
                    values.values[option.name] = .string(String(cString: text))
                }
            case .int64:
                if let text = slot.load(as: UnsafeMutablePointer<CChar>?.self) {
                    values.values[option.name] = .number(String(cString: text))
                }
            case .flag:
                if slot.load(as: gboolean.self) != 0 { values.values[option.name] = .flag }
            }
        }
        var next = remaining.pointee
        while let argument = next?.pointee {
            values.positional.append(String(decoding: UnsafeRawBufferPointer(start: argument, count: strlen(argument)), as: UTF8.self))
            next = next! + 1
        }
        return values
    }
}

extension CommandLineOption {
    /// `--key`, `--key-type` and `--native-key`, the same in both windows (parsed by
    /// `NativeIpcKey.fromOptions(key:typeName:nativeKey:)`).
    public static func keyOptions(defaultKey: String) -> [CommandLineOption] {
        [
            CommandLineOption("key", short: "k", kind: .string,
                              description: tr("Segment key (default {key})").filling(["key": defaultKey]), argument: "KEY"),
            CommandLineOption("key-type", kind: .string,
                              description: tr("How KEY becomes a native key: legacy (default: QSharedMemory(QString), Qt 5, the seed), posix or systemv (Qt 6's platformSafeKey)"),
                              argument: "TYPE"),
            CommandLineOption("native-key", kind: .string,
                              description: tr("A QNativeIpcKey::toString() string as a Qt 6 program prints it, e.g. posix:/name (replaces --key and --key-type)"),
                              argument: "STRING"),
        ]
    }
}
