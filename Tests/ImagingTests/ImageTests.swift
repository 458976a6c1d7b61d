import Testing
@testable import Imaging

@Suite struct ImageTests {
    @Test func inputCountIsWidthTimesHeightTimesChannels() {
        #expect(InputFormat(width: 4, height: 3, color: .rgb).inputCount == 36)
        #expect(InputFormat(width: 4, height: 3, color: .gray).inputCount == 12)
    }
}
