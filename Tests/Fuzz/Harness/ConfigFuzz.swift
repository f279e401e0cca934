import R53HookCLI
import R53HookKit

/// The config-file grammar on arbitrary text: never crashes; every accepted line is a name and
/// a value without controls (but tab), line breaks or NUL, which written again single-quoted
/// reads back the same; and a whole file keeps only known R53HOOK_ keys.
enum ConfigFuzz {
    static let nameStart = Set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_".unicodeScalars)
    static let nameCharacters = nameStart.union("0123456789".unicodeScalars)

    static func run(_ bytes: [UInt8]) {
        let text = String(decoding: bytes, as: UTF8.self)
        for rawLine in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false) {
            guard let line = try? ConfigLine.parse(Array(rawLine)) else { continue }
            check(line)
        }
        guard let file = ConfigFileAcceptance.accepted(text: text) else { return }
        for key in file.settings.keys where !ConfigFileAcceptance.knownKeys.contains(key) {
            violated("the unknown key \(key) was accepted")
        }
        for key in file.environment.keys where key.hasPrefix("R53HOOK_") {
            violated("the key \(key) went to the environment, not the settings")
        }
    }

    static func check(_ line: ConfigLine) {
        let key = Array(line.key.unicodeScalars)
        guard let first = key.first, nameStart.contains(first), key.allSatisfy(nameCharacters.contains) else {
            violated("the key \(line.key.debugDescription) is not a variable name")
        }
        if let bad = line.value.unicodeScalars.first(where: { ($0.value < 0x20 && $0 != "\t") || $0.value == 0x7F }) {
            violated("the value of \(line.key) holds U+\(String(bad.value, radix: 16))")
        }
        guard !line.value.contains("'") else { return }
        let quoted = Array("\(line.key)='\(line.value)'".unicodeScalars)
        guard let again = try? ConfigLine.parse(quoted), again == line else {
            violated("\(line.key)='…' (the value single-quoted) does not read back as the same line")
        }
    }
}
