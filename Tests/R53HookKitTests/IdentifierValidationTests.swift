import AWSKit
import Testing

@testable import R53HookKit

@Suite struct MemberIdentifierTests {
    @Test func acceptsPrintableASCIIUpTo128() {
        for text in ["i-0123456789abcdef0", "web-1", "<&>'!#$%()*+,-./:;=?@[]^_`{|}~", String(repeating: "x", count: 128), "a"] {
            #expect(MemberIdentifier.problem(with: text) == nil, "\(text)")
        }
    }

    @Test func refusesEverythingElseSayingWhat() {
        #expect(MemberIdentifier.problem(with: "")?.contains("1 to 128") == true)
        #expect(MemberIdentifier.problem(with: String(repeating: "x", count: 129))?.contains("this one has 129") == true)
        #expect(MemberIdentifier.problem(with: "web\u{1}x")?.contains("U+0001") == true)
        #expect(MemberIdentifier.problem(with: "web\rx")?.contains("U+000D") == true)
        #expect(MemberIdentifier.problem(with: "web\u{7f}")?.contains("U+007F") == true)
        #expect(MemberIdentifier.problem(with: "web\u{FFFE}")?.contains("U+FFFE") == true)
        #expect(MemberIdentifier.problem(with: "wéb")?.contains("U+00E9") == true)
        #expect(MemberIdentifier.problem(with: "web 1")?.contains("a space") == true)
        #expect(MemberIdentifier.problem(with: "web\"1")?.contains("'\"'") == true)
        #expect(MemberIdentifier.problem(with: "web\\1")?.contains("'\\'") == true)
        #expect(MemberIdentifier.problem(with: "x y", noun: "a lock owner")?.hasPrefix("a lock owner") == true)
    }
}

@Suite struct EC2IdentifiersTests {
    @Test func instanceIdsAndZones() {
        #expect(EC2Identifiers.isInstanceId("i-0123456789abcdef0") && EC2Identifiers.isInstanceId("i-12345678"))
        for junk in ["i-", "I-0123", "i-0123;rm", "i-0123\n", "x-0123", "i-" + String(repeating: "a", count: 33), "../i-0"] {
            #expect(!EC2Identifiers.isInstanceId(junk), "\(junk)")
        }
        for zone in ["us-east-1a", "us-west-2-lax-1a", "us-east-1-wl1-bos-wlz-1", "use1-az1"] {
            #expect(EC2Identifiers.isAvailabilityZone(zone))
        }
        for junk in ["", "us-east-1a;rm", "US-EAST-1A", "us east", String(repeating: "a", count: 65)] {
            #expect(!EC2Identifiers.isAvailabilityZone(junk), "\(junk)")
        }
    }
}
