import AWSKit
import R53HookKit

/// A configuration file of `KEY=value` lines, the same file the init script sources (as root, at
/// boot) and systemd reads as an `EnvironmentFile`.
///
/// Because the init script runs the file as shell code, r53hook accepts only the lines `sh` reads
/// as a literal assignment, and refuses the whole file otherwise: a value like `web;touch /tmp/x`
/// would run `touch` as root. The grammar, line by line (lines end at a line feed):
///
/// - blank, or a comment: optional blanks (space, tab), then `#` and anything;
/// - an assignment: optional blanks, optional `export` and blanks, `KEY=VALUE`, then optional
///   blanks and an optional comment (blanks, `#`, anything). KEY is an ASCII letter or `_`
///   followed by letters, digits and `_`, with nothing between it, `=` and the value. VALUE is
///   - empty, or unquoted: only `A-Z a-z 0-9 _ @ % + = : , . / -`;
///   - or in single quotes, with no `'` inside;
///   - or in double quotes, with none of `"` `\` `$` `` ` `` inside.
/// - never: a carriage return (but one right before the line feed, which r53hook drops as systemd
///   does; the init script refuses even that, since sh would keep it in the value), a line ending
///   in `\` (systemd joins the next line to it), control characters other than tab outside
///   comments, or invalid UTF-8 in a value (r53hook's check only: sh cannot tell).
///
/// Such a value reads the same in `sh` and in systemd's `EnvironmentFile=`, with two shell forms
/// kept because existing files use them: `export` (systemd ignores the line) and a trailing
/// comment (systemd keeps it in the value). The init script checks the same grammar before it
/// sources the file (init.d/r53hook). Errors name the file, the line and the key, never the value:
/// it may be a secret.
struct ConfigFile: Sendable {
    /// The path it was read from.
    let path: String
    /// r53hook's own settings in the file, by key (R53HOOK_NAME, ...).
    let settings: [String: String]
    /// Other variables in the file (AWS_REGION, AWS_ENDPOINT_URL, ...), used as environment
    /// defaults: the real environment wins.
    let environment: [String: String]

    /// Reads and checks a file. Unknown `R53HOOK_` keys are errors, to catch typos.
    init(path: String, text: String) throws(SettingsError) {
        var settings: [String: String] = [:]
        var environment: [String: String] = [:]
        for (offset, rawLine) in text.unicodeScalars.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var scalars = Array(rawLine)
            if scalars.last == "\r" { scalars.removeLast() }
            let line: ConfigLine?
            do {
                line = try ConfigLine.parse(scalars)
            } catch {
                throw SettingsError(.configuration, "\(path):\(offset + 1): \(error.explanation)")
            }
            guard let line else { continue }
            if line.key.hasPrefix("R53HOOK_") {
                guard Self.knownKeys.contains(line.key) else {
                    let known = Self.knownKeys.joined(separator: ", ")
                    throw SettingsError(.configuration, "\(path):\(offset + 1): unknown key \(line.key). Known keys: \(known)")
                }
                settings[line.key] = line.value
            } else {
                environment[line.key] = line.value
            }
        }
        self.path = path
        self.settings = settings
        self.environment = environment
    }

    /// The keys a file may set: every setting's environment variable but R53HOOK_CONFIG itself.
    static let knownKeys: [String] = SettingKey.allCases.compactMap { key in
        key == .config ? nil : key.spec.environment
    }
}
