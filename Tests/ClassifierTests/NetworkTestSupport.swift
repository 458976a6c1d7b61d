@testable import Classifier

/// The one tolerance helper of the network tests: `|x − y| ≤ absolute + relative·max(|x|, |y|)`.
func isClose(_ x: Double, _ y: Double, absolute: Double = 1e-6, relative: Double = 1e-5) -> Bool {
    abs(x - y) <= absolute + relative * max(abs(x), abs(y))
}

func isClose(_ x: Float, _ y: Float, absolute: Float = 1e-6, relative: Float = 1e-5) -> Bool {
    isClose(Double(x), Double(y), absolute: Double(absolute), relative: Double(relative))
}

/// Uniform values in `[−scale, scale)` from a seeded generator.
func randomFloats(_ count: Int, scale: Float = 1, seed: UInt64) -> [Float] {
    var generator = SeededGenerator(seed: seed)
    return (0 ..< count).map { _ in (2 * generator.nextUnitFloat() - 1) * scale }
}
