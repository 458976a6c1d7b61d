import Testing
import Imaging

/// `String(cFormat:)`, the package's `printf` now that Foundation's `String(format:)` is not linked.
@Suite struct CFormatTests {
    @Test func formatsLikePrintfInTheCLocale() {
        #expect(String(cFormat: "%.1f%%", 97.25) == "97.2%")
        #expect(String(cFormat: "%.4f", 0.5) == "0.5000")
        #expect(String(cFormat: "%ld:%02ld", 3, 7) == "3:07")
        #expect(String(cFormat: "%.3g", 1.23456) == "1.23")
    }

    @Test func aResultLongerThanTheFirstBufferIsWhole() {
        let long = String(cFormat: "%0300ld", 5)
        #expect(long.count == 300 && long.hasSuffix("05") && long.hasPrefix("000"))
    }
}
