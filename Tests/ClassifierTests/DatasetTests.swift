import Testing
@testable import Classifier

@Suite struct DatasetTests {
    /// Class sizes 1, 2, 3, 10, 25; each example's single input is its own index (to trace it).
    static let sizes = [1, 2, 3, 10, 25]
    static let data: Dataset = {
        let labels = sizes.enumerated().flatMap { Array(repeating: $0.offset, count: $0.element) }
        return Dataset(inputs: labels.indices.map { UInt8($0) }, labels: labels, inputCount: 1, classCount: sizes.count)
    }()

    @Test("stratified split keeps every class with ≥ 2 examples in both parts", arguments: [0.1, 0.2, 0.5, 0.9])
    func stratifiedSplit(fraction: Double) {
        var generator = SeededGenerator(seed: 1)
        let (training, validation) = Self.data.stratifiedSplit(validationFraction: fraction, using: &generator)
        #expect(training.count + validation.count == Self.data.count)
        #expect(Set(training.inputs).isDisjoint(with: validation.inputs), "no example is in both parts")
        for (label, n) in Self.sizes.enumerated() {
            let held = validation.labels.filter { $0 == label }.count
            if n >= 2 {
                #expect(held >= 1 && held <= n - 1, "class \(label) of \(n): \(held) held out")
                #expect(held == max(1, min(n - 1, Int((fraction * Double(n)).rounded()))))
            } else {
                #expect(held == 0, "a single example stays in training")
            }
        }
        for part in [training, validation] {  // rows still match their labels
            for i in 0 ..< part.count { #expect(Self.data.labels[Int(part.inputs[i])] == part.labels[i]) }
        }
    }

    @Test func zeroFractionKeepsEverythingForTraining() {
        var generator = SeededGenerator(seed: 1)
        let (training, validation) = Self.data.stratifiedSplit(validationFraction: 0, using: &generator)
        #expect(training == Self.data && validation.count == 0)
    }

    @Test func splitDependsOnlyOnTheSeed() {
        var g1 = SeededGenerator(seed: 7), g2 = SeededGenerator(seed: 7), g3 = SeededGenerator(seed: 8)
        let a = Self.data.stratifiedSplit(validationFraction: 0.3, using: &g1)
        let b = Self.data.stratifiedSplit(validationFraction: 0.3, using: &g2)
        let c = Self.data.stratifiedSplit(validationFraction: 0.3, using: &g3)
        #expect(a.validation == b.validation)
        #expect(a.validation != c.validation)
    }

    @Test("shuffle is a permutation", arguments: [0, 1, 2, 17, 1000])
    func shuffleIsPermutation(count: Int) {
        var values = Array(0 ..< count)
        var generator = SeededGenerator(seed: 3)
        Dataset.shuffle(&values, using: &generator)
        #expect(values.sorted() == Array(0 ..< count))
        if count > 10 { #expect(values != Array(0 ..< count)) }
    }
}
