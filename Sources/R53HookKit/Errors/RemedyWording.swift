/// How the running command words knobs and remedies in a log line. A log line is written while
/// the domain works, so it cannot leave the words to the command line as an error does; it asks
/// this task-local instead, which the command line sets for the command that is running. The
/// domain still names no flag itself, and without a command line (the unit tests) the knobs are
/// said by name.
package struct RemedyWording: Sendable {
    private let remedyWords: @Sendable (Remedy) -> String?
    private let knobWords: @Sendable (Knob) -> String

    /// Creates a wording from the command line's two lookups.
    package init(remedy: @escaping @Sendable (Remedy) -> String?, knob: @escaping @Sendable (Knob) -> String) {
        self.remedyWords = remedy
        self.knobWords = knob
    }

    /// The remedies as one clause ("run cycle --rejoin-on-failure to ..., or ..."), or nil when
    /// the command has nothing to say for any of them.
    package func clause(_ remedies: [Remedy]) -> String? {
        let words = remedies.compactMap(remedyWords)
        return words.isEmpty ? nil : words.joined(separator: ", or ")
    }

    /// The setting that turns the knob, as the command names it ("--on-no-quorum").
    package func name(of knob: Knob) -> String { knobWords(knob) }

    /// The wording of the command that is running.
    @TaskLocal package static var current = RemedyWording(remedy: { _ in nil }, knob: { "the \($0.rawValue) setting" })
}
