import R53HookKit

/// The TXT codec of registry marks and lock records. Reading arbitrary text never crashes, and
/// a value read as a mark or a lock writes back to a value that reads the same. Building a mark
/// or a lock from arbitrary field values and reading what it writes gives either the same mark
/// or lock, or a value refused as invalid: never another valid one (an instance id of
/// `i-0abc role=server` must not come back as a role).
enum TXTFuzz {
    static func run(_ bytes: [UInt8]) {
        let fields = FuzzFields(bytes)
        if fields.selector & 1 == 0 {
            readArbitrary(String(decoding: bytes.dropFirst(), as: UTF8.self))
        } else {
            buildArbitrary(fields)
        }
    }

    static func readArbitrary(_ text: String) {
        if case .mark(let mark) = MemberMark.read(txtValue: text), MemberMark.read(txtValue: mark.txtValue) != .mark(mark) {
            violated("the mark read from \(text.debugDescription) writes \(mark.txtValue.debugDescription), which reads otherwise")
        }
        if let lock = LockRecord(txtValue: text), LockRecord(txtValue: lock.txtValue) != lock {
            violated("the lock read from \(text.debugDescription) writes \(lock.txtValue.debugDescription), which reads otherwise")
        }
    }

    static func buildArbitrary(_ fields: FuzzFields) {
        let roles = [nil] + MemberRole.allCases.map(Optional.some)
        let mark = MemberMark(
            instanceId: fields[0] ?? "i-0abc", address: fields[1] ?? "10.0.0.5", availabilityZone: fields[2] ?? "-",
            joinedAt: Int(fields[3] ?? "") ?? 1_795_000_000, heartbeatAt: fields[4].flatMap { Int($0) },
            role: roles[Int(fields.selector >> 1) % roles.count], group: fields[5])
        switch MemberMark.read(txtValue: mark.txtValue) {
        case .mark(let read) where read != mark:
            violated("the mark \(mark) writes \(mark.txtValue.debugDescription), which reads as another mark: \(read)")
        case .notAMark:
            violated("the mark \(mark) writes \(mark.txtValue.debugDescription), which is not read as a mark at all")
        default:
            break
        }
        let lock = LockRecord(
            owner: fields[0] ?? "i-0abc", token: fields[1] ?? "00ff", leaseSeconds: Int(fields[2] ?? "") ?? 30,
            sequence: Int(fields[3] ?? "") ?? 0)
        if let read = LockRecord(txtValue: lock.txtValue), read != lock {
            violated("the lock \(lock) writes \(lock.txtValue.debugDescription), which reads as another lock: \(read)")
        }
    }
}
