/// What would get past a failure, in the domain's terms: the command line words it with the
/// flags of the command that is running (see `Knob`), so a library message never names a flag
/// that command lacks.
package enum Remedy: Sendable, Equatable {
    /// Raise a limit.
    case raise(Knob)
    /// Give these values explicitly instead of having them looked up.
    case giveExplicitly([Knob])
    /// Off EC2 nothing can be looked up: give these values, and AWS credentials, explicitly.
    case giveExplicitlyOffEC2([Knob])
    /// Check the value given for this setting.
    case check(Knob)
    /// Choose between the candidates with this setting.
    case choose(Knob)
    /// Set this setting to this value (a value the setting takes as it is written, e.g. `local-ipv4`).
    case set(Knob, to: String)
    /// Use another value for this setting.
    case useAnother(Knob)
    /// Turn on a capability that is off by default, for the purpose said (which starts with
    /// "to", e.g. "to take it over as this instance's record").
    case use(Knob, purpose: String)
    /// Something to do that no setting does (delete a record by hand, say), in plain words.
    case advice(String)
    /// Run again without this setting (e.g. to wait for a lock instead of giving up).
    case runWithout(Knob, purpose: String)
}
