import ArgumentParser

/// One setting, described once: how a user gives it (flag, environment variable, config-file
/// key), how its text is checked, its default, and its help. The option groups declare their
/// flags from it and the resolver reads values by it, so the two cannot disagree.
struct SettingSpec: Sendable {
    /// How a value is checked before use. Settings whose check needs other settings (the record
    /// name against the zone, the address against the type) are `text` here and are checked
    /// further by the resolver.
    enum Rule: Sendable, Equatable {
        /// Any non-empty text.
        case text
        /// A whole number in the range.
        case integer(ClosedRange<Int>)
        /// A number above 0 and at most 1.
        case fraction
        /// true/false (also yes/no, 1/0, on/off).
        case boolean
        /// One of the words.
        case choice([String])
        /// One or more of the words, separated by commas, each at most once.
        case choiceList([String])
    }

    /// How the flag is given on the command line.
    enum Form: Sendable, Equatable {
        /// `--flag VALUE`.
        case option(valueName: String)
        /// `--flag` alone, which sets the setting to `value` ("true", or "false" for a flag that
        /// turns something off).
        case switchTo(String)
    }

    /// The long flag, e.g. `--zone-id` (or `--private-zone/--public-zone`).
    let flag: String
    /// The environment variable and config-file key; nil for a flag-only setting.
    let environment: String?
    /// Why the setting has no environment variable, shown in its help.
    let flagOnlyBecause: String?
    let form: Form
    let rule: Rule
    /// The default, as it would be written in the config file; the resolver parses it with
    /// `rule`, and a unit test proves every default passes its own rule.
    let defaultValue: String?
    /// The default in words, when it is not a fixed value ("the instance id").
    let defaultDescription: String?
    /// What the setting does, in one or two sentences.
    let summary: String
    /// More, shown by `--help` under the flag.
    let discussion: String

    init(
        flag: String, environment: String?, flagOnlyBecause: String? = nil, form: Form, rule: Rule = .text,
        defaultValue: String? = nil, defaultDescription: String? = nil, summary: String, discussion: String = ""
    ) {
        self.flag = flag
        self.environment = environment
        self.flagOnlyBecause = flagOnlyBecause
        self.form = form
        self.rule = rule
        self.defaultValue = defaultValue
        self.defaultDescription = defaultDescription
        self.summary = summary
        self.discussion = discussion
    }

    /// The help line: the summary, then where else the setting comes from and its default.
    var helpText: String {
        var sources: [String] = []
        if let environment {
            if case .switchTo(let value) = form, value != "true" {
                sources.append("\(environment)=\(value)")
            } else {
                sources.append(environment)
            }
        } else if let flagOnlyBecause {
            sources.append("flag only: \(flagOnlyBecause)")
        }
        if let defaultDescription {
            sources.append("default: \(defaultDescription)")
        } else if let defaultValue, case .option = form {
            sources.append("default \(defaultValue)")
        }
        return sources.isEmpty ? summary : "\(summary) (\(sources.joined(separator: ", ")))"
    }

    /// The argument parser's help for the flag.
    var argumentHelp: ArgumentHelp {
        switch form {
        case .option(let valueName): return ArgumentHelp(helpText, discussion: discussion, valueName: valueName)
        case .switchTo: return ArgumentHelp(helpText, discussion: discussion)
        }
    }

    /// The instance tag that may set it (`r53hook:zone-id`); nil for what must be known before
    /// the tags are read (the config file, whether to read tags, IMDS's protocol, logging) and
    /// for flag-only settings.
    var tagKey: String? {
        guard environment != nil, !["--config", "--from-tags", "--imds-v1", "--debug", "--log-format"].contains(flag) else { return nil }
        if flag == "--private-zone/--public-zone" { return "r53hook:private-zone" }
        return "r53hook:" + longName
    }

    /// The flag without its dashes, for the argument parser.
    var longName: String { String(flag.drop { $0 == "-" }) }

    /// Whether the value is read even when it starts with a dash (numbers, which may be
    /// negative and must then be refused by the rule, not mistaken for a flag).
    var parsesUnconditionally: Bool {
        switch rule {
        case .integer, .fraction: return true
        case .text, .boolean, .choice, .choiceList: return false
        }
    }
}
