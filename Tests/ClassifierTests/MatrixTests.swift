import Testing
@testable import Classifier

@Suite struct MatrixTests {
    @Test func subscriptIsRowMajor() {
        var m = Matrix(rows: 2, columns: 3)
        m[1, 2] = 5
        #expect(m.elements[5] == 5)
    }
}
