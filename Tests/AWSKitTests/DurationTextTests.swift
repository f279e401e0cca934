import AWSKit
import Testing

/// Durations in messages are written by two properties, one rule each.
@Suite struct DurationTextTests {
    @Test func wholeSecondsRoundToTheNearest() {
        #expect(Duration.seconds(30).wholeSecondsText == "30 s")
        #expect(Duration.milliseconds(59_600).wholeSecondsText == "60 s")
        #expect(Duration.milliseconds(400).wholeSecondsText == "0 s")
    }

    @Test func preciseTextIsMillisecondsUnderASecondElseTenths() {
        #expect(Duration.milliseconds(850).preciseText == "850 ms")
        #expect(Duration.seconds(2).preciseText == "2.0 s")
        #expect(Duration.milliseconds(1_290).preciseText == "1.2 s")
        #expect(Duration.seconds(65).preciseText == "65.0 s")
    }
}
