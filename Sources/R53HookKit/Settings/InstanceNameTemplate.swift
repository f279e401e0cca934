/// The template of a per-instance name, such as `{instance-id}.app.example.com` or
/// `{az}-{local-ipv4-dashed}.internal.example.com`: a simple record for this instance alone, so
/// an operator can reach one machine by name. Placeholders are filled from instance metadata;
/// each filled-in value must fit in a DNS label (letters, digits, '-'), so a template can never
/// expand into more labels, or another zone, than it shows.
package struct InstanceNameTemplate: Sendable, Equatable, CustomStringConvertible {
    /// What a placeholder stands for.
    package enum Placeholder: String, Sendable, Equatable, Hashable, CaseIterable {
        /// IMDS `instance-id`.
        case instanceId = "instance-id"
        /// IMDS `placement/availability-zone`.
        case availabilityZone = "az"
        /// IMDS `placement/region`.
        case region
        /// IMDS `local-ipv4` with dashes for dots (`10-0-0-7`).
        case localIPv4Dashed = "local-ipv4-dashed"
        /// IMDS `public-ipv4` with dashes for dots.
        case publicIPv4Dashed = "public-ipv4-dashed"
        /// The record's set identifier.
        case setIdentifier = "set-identifier"
    }

    /// A piece of the template.
    package enum Piece: Sendable, Equatable {
        /// Text kept as written.
        case text(String)
        /// A placeholder filled at start.
        case placeholder(Placeholder)
    }

    /// Why a template or a filled-in name is refused.
    package struct Problem: Error, Sendable, Equatable {
        /// In words.
        package let reason: String
        package init(_ reason: String) { self.reason = reason }
    }

    /// The template as written.
    package let description: String
    /// Its pieces in order.
    package let pieces: [Piece]

    /// Parses a template; refuses unknown placeholders, unbalanced braces, characters a DNS
    /// name cannot hold, and a template without any placeholder (every instance would claim the
    /// same name).
    package init(_ text: String) throws(Problem) {
        var pieces: [Piece] = []
        var rest = Substring(text)
        while let open = rest.firstIndex(where: { $0 == "{" || $0 == "}" }) {
            guard rest[open] == "{" else { throw Problem("a '}' has no '{' before it") }
            if open > rest.startIndex { pieces.append(.text(String(rest[..<open]))) }
            guard let close = rest[open...].firstIndex(of: "}") else { throw Problem("a '{' is not closed") }
            let name = String(rest[rest.index(after: open)..<close])
            guard let placeholder = Placeholder(rawValue: name) else {
                throw Problem("{\(name)} is not a placeholder; use \(Placeholder.allCases.map { "{\($0.rawValue)}" }.joined(separator: ", "))")
            }
            pieces.append(.placeholder(placeholder))
            rest = rest[rest.index(after: close)...]
        }
        if !rest.isEmpty { pieces.append(.text(String(rest))) }
        for case .text(let part) in pieces {
            guard part.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-" || $0 == ".") }) else {
                throw Problem("'\(part)' has characters other than letters, digits, '-' and '.'")
            }
        }
        guard pieces.contains(where: { if case .placeholder = $0 { return true } else { return false } }) else {
            throw Problem("it has no placeholder, so every instance would claim the same name; add one such as {instance-id}")
        }
        self.description = text
        self.pieces = pieces
        // The shape, checked with a value every placeholder could have.
        _ = try expand(Dictionary(uniqueKeysWithValues: placeholders.map { ($0, "x0") }))
    }

    /// The placeholders the template uses.
    package var placeholders: Set<Placeholder> {
        Set(pieces.compactMap { if case .placeholder(let placeholder) = $0 { return placeholder } else { return nil } })
    }

    /// The name with every placeholder filled in, normalized (lower-case, trailing dot). A value
    /// must be letters, digits and '-' only; the name must be a valid host name (labels of
    /// letters, digits and '-', not starting or ending with '-').
    package func expand(_ values: [Placeholder: String]) throws(Problem) -> String {
        var name = ""
        for piece in pieces {
            switch piece {
            case .text(let text):
                name += text
            case .placeholder(let placeholder):
                guard let value = values[placeholder], !value.isEmpty else {
                    throw Problem("{\(placeholder.rawValue)} has no value on this instance")
                }
                guard value.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
                    throw Problem("{\(placeholder.rawValue)} is '\(value.prefix(64))' here, which does not fit in one DNS label")
                }
                name += value
            }
        }
        if let problem = DNSName.problem(with: name) { throw Problem("it gives '\(name.prefix(300))': \(problem)") }
        let normalized = DNSName.normalized(name)
        for label in normalized.dropLast().split(separator: ".") where label.hasPrefix("-") || label.hasSuffix("-") || label.contains("_") {
            throw Problem("it gives '\(normalized)', whose label '\(label)' is not a host name label (letters, digits, '-' inside)")
        }
        return normalized
    }
}
