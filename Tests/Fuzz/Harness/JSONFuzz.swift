import AWSKit

/// The JSON parser on arbitrary bytes: never crashes, keeps its depth limit, and what it reads
/// the writer writes back to the same value.
enum JSONFuzz {
    static func run(_ bytes: [UInt8]) {
        guard let value = try? JSONParser.parse(bytes) else { return }
        if depth(value) > 32 { violated("a value nested \(depth(value)) deep was accepted (limit 32)") }
        guard isFinite(value) else { return }  // the writer writes infinities as null, on purpose
        let text = JSONWriter.write(node(value))
        guard let reread = try? JSONParser.parse(text) else { violated("the writer's text does not parse:\n\(text)") }
        if reread != value { violated("written and read again, the value changed:\n\(text)") }
    }

    static func depth(_ value: JSONValue) -> Int {
        switch value {
        case .array(let elements): return 1 + (elements.map(depth).max() ?? 0)
        case .object(let members): return 1 + (members.values.map(depth).max() ?? 0)
        default: return 1
        }
    }

    static func isFinite(_ value: JSONValue) -> Bool {
        switch value {
        case .number(let number): return number.isFinite
        case .array(let elements): return elements.allSatisfy(isFinite)
        case .object(let members): return members.values.allSatisfy(isFinite)
        default: return true
        }
    }

    static func node(_ value: JSONValue) -> JSONWriter.Node {
        switch value {
        case .null: return .null
        case .bool(let flag): return .bool(flag)
        case .number(let number): return .double(number)
        case .string(let text): return .string(text)
        case .array(let elements): return .array(elements.map(node))
        case .object(let members): return .object(members.sorted { $0.key < $1.key }.map { ($0.key, node($0.value)) })
        }
    }
}
