import Testing
@testable import Classifier

@Suite struct MirrorSymmetryTests {
    /// `count` images per class of `shape`, each byte drawn by `byte(class, image, x, y, channel)`; with
    /// `mirrorHalf` every other image is stored mirrored left–right (a mirror-symmetric population).
    static func images(_ shape: ImageShape, perClass count: [Int], seed: UInt64, mirrorHalf: Bool = false,
                       byte: (Int, Int, Int, Int, Int, inout SeededGenerator) -> UInt8) -> Dataset {
        var generator = SeededGenerator(seed: seed)
        var (inputs, labels) = ([UInt8](), [Int]())
        for (k, n) in count.enumerated() {
            for i in 0 ..< n {
                var image = [UInt8](repeating: 0, count: shape.byteCount)
                for y in 0 ..< shape.height {
                    for x in 0 ..< shape.width {
                        for c in 0 ..< shape.channels {
                            let stored = mirrorHalf && i % 2 == 1 ? shape.width - 1 - x : x
                            image[(y * shape.width + stored) * shape.channels + c] = byte(k, i, x, y, c, &generator)
                        }
                    }
                }
                inputs += image
                labels.append(k)
            }
        }
        return Dataset(inputs: inputs, labels: labels, inputCount: shape.byteCount, classCount: count.count, imageShape: shape)
    }

    /// Noise with a bright vertical bar in the left quarter (class 0) or the right quarter (class 1):
    /// each class is the other's mirror image, so flipping would swap the labels.
    static func leftAndRightBars(perClass n: Int, seed: UInt64 = 3) -> Dataset {
        images(ImageShape(width: 16, height: 16, channels: 1), perClass: [n, n], seed: seed) { k, _, x, _, _, g in
            (k == 0 ? x < 4 : x >= 12) ? 230 : UInt8.random(in: 0 ... 40, using: &g)
        }
    }

    /// Noise with a bright horizontal bar in the top or bottom quarter: mirroring changes nothing.
    static func topAndBottomBars(perClass n: Int, seed: UInt64 = 4) -> Dataset {
        var g = SeededGenerator(seed: seed + 100)
        let rows = (0 ..< 2).map { k in (0 ..< n).map { _ in k == 0 ? Int.random(in: 0 ... 3, using: &g) : Int.random(in: 12 ... 15, using: &g) } }
        return images(ImageShape(width: 16, height: 16, channels: 1), perClass: [n, n], seed: seed) { k, i, _, y, _, g in
            y == rows[k][i] ? 230 : UInt8.random(in: 0 ... 40, using: &g)
        }
    }

    /// The naive reference: `rₖ = n‖d̄‖² / Σⱼ s²ⱼ` written out with explicit mirror differences.
    static func naiveSignificance(_ data: Dataset, _ shape: ImageShape, class k: Int) -> Double {
        let rows = data.labels.indices.filter { data.labels[$0] == k }
        let n = Double(rows.count)
        let differences: [[Double]] = rows.map { i in
            (0 ..< shape.height).flatMap { y in (0 ..< shape.width).flatMap { x in (0 ..< shape.channels).map { c in
                let a = data.inputs[i * shape.byteCount + (y * shape.width + x) * shape.channels + c]
                let b = data.inputs[i * shape.byteCount + (y * shape.width + shape.width - 1 - x) * shape.channels + c]
                return (Double(a) - Double(b)) / 255
            } } }
        }
        let mean = (0 ..< shape.byteCount).map { j in differences.reduce(0) { $0 + $1[j] } / n }
        let variances = (0 ..< shape.byteCount).map { j in differences.reduce(0) { $0 + ($1[j] - mean[j]) * ($1[j] - mean[j]) } / (n - 1) }
        return n * mean.reduce(0) { $0 + $1 * $1 } / variances.reduce(0, +)
    }

    @Test("rₖ matches the naive reference", arguments: [
        ImageShape(width: 5, height: 3, channels: 3), ImageShape(width: 4, height: 2, channels: 1), ImageShape(width: 1, height: 3, channels: 2),
    ])
    func matchesNaive(shape: ImageShape) {
        let data = Self.images(shape, perClass: [7, 3, 1], seed: 9) { k, _, x, _, _, g in
            UInt8.random(in: 0 ... 200, using: &g) &+ (k == 0 && x == 0 ? 50 : 0)
        }
        let symmetry = MirrorSymmetry(of: data, shape: shape)
        #expect(symmetry.counts == [7, 3, 1])
        #expect(symmetry.significance[2] == nil, "one image has no variance")
        for k in 0 ..< 2 {
            let naive = Self.naiveSignificance(data, shape, class: k)
            guard let r = symmetry.significance[k] else { Issue.record("class \(k) has no rₖ"); continue }
            if shape.width == 1 {
                #expect(r == 0, "a one-pixel-wide image is its own mirror")
            } else {
                #expect(abs(r - naive) <= 1e-9 * max(1, naive), "class \(k): \(r) against \(naive)")
            }
        }
    }

    /// (name, data, symmetric?) — each decision the rule makes.
    static let decisions: [(String, Dataset, Bool)] = [
        ("noise mirrored half the time", images(ImageShape(width: 12, height: 10, channels: 3), perClass: [60, 60, 60], seed: 1,
                                                mirrorHalf: true) { k, _, x, y, _, g in
            UInt8.random(in: 0 ... 255, using: &g) / (x < 3 && y < 3 && k == 1 ? 3 : 1)
        }, true),
        ("a bar on the left or on the right", leftAndRightBars(perClass: 60), false),
        ("a bar at the top or the bottom", topAndBottomBars(perClass: 60), true),
        ("the same, but one class has 49 images", topAndBottomBars(perClass: 49), false),
        ("every image its own mirror (r = 0)", images(ImageShape(width: 6, height: 6, channels: 1), perClass: [50, 50], seed: 2) { k, _, x, y, _, _ in
            UInt8(k * 100 + min(x, 5 - x) * 10 + y)
        }, true),
        ("identical asymmetric images (no variance: r = ∞)", images(ImageShape(width: 6, height: 6, channels: 1), perClass: [50, 50], seed: 2) { k, _, x, _, _, _ in
            UInt8(k * 100 + x * 10)
        }, false),
        // 2,000 noise images whose left column is a little brighter: significant (r ≫ 3) but an
        // effect of under 0.02 of the variance, as a slight framing habit in many photographs.
        ("a slight but significant asymmetry", images(ImageShape(width: 8, height: 8, channels: 1), perClass: [2000, 2000], seed: 5) { _, _, x, _, _, g in
            x == 0 ? UInt8.random(in: 40 ... 255, using: &g) : UInt8.random(in: 0 ... 255, using: &g)
        }, true),
        ("the same asymmetry, strong", images(ImageShape(width: 8, height: 8, channels: 1), perClass: [2000, 2000], seed: 5) { _, _, x, _, _, g in
            x < 3 ? UInt8.random(in: 200 ... 255, using: &g) : UInt8.random(in: 0 ... 255, using: &g)
        }, false),
    ]

    @Test("the symmetry decision", arguments: decisions.indices)
    func decides(index: Int) throws {
        let (name, data, symmetric) = Self.decisions[index]
        let shape = try #require(data.imageShape)
        let symmetry = MirrorSymmetry(of: data, shape: shape)
        #expect(symmetry.isSymmetric == symmetric, "\(name): r = \(symmetry.significance)")
        if name.hasPrefix("a slight") {
            #expect(symmetry.largestSignificance > 2 * MirrorSymmetry.significance, "\(name) is significant: \(symmetry.significance)")
        }
    }

    @Test("auto-flip becomes flip only for mirror-symmetric images; flip, none and non-images are left as they are")
    func resolution() throws {
        let auto = Augmentation(shift: true, flipWhenSymmetric: true)
        let symmetric = auto.resolved(for: Self.topAndBottomBars(perClass: 60))
        #expect(symmetric.augmentation == Augmentation(shift: true, flip: true) && symmetric.symmetry?.isSymmetric == true)
        let asymmetric = auto.resolved(for: Self.leftAndRightBars(perClass: 60))
        #expect(asymmetric.augmentation == Augmentation(shift: true) && asymmetric.symmetry?.isAsymmetric(0) == true)
        let forced = Augmentation(flip: true, flipWhenSymmetric: true).resolved(for: Self.leftAndRightBars(perClass: 60))
        #expect(forced.augmentation == Augmentation(flip: true) && forced.symmetry == nil)
        #expect(Augmentation(shift: true).resolved(for: Self.topAndBottomBars(perClass: 60)) == (Augmentation(shift: true), nil))
        let rows = Dataset(inputs: [UInt8](repeating: 1, count: 200), labels: (0 ..< 100).map { $0 % 2 }, inputCount: 2, classCount: 2)
        #expect(auto.resolved(for: rows) == (Augmentation(shift: true), nil))
    }

    @Test("the default trains exactly as shift,flip on mirror-symmetric images and as shift alone on others, and records which")
    func defaultTrainsAsItsResolution() throws {
        for (data, flips) in [(Self.topAndBottomBars(perClass: 60), true), (Self.leftAndRightBars(perClass: 60), false)] {
            var configuration = TrainingConfiguration()
            (configuration.maxEpochs, configuration.hiddenLayers) = (4, [8])
            let automatic = try Trainer(configuration: configuration).train(data)
            configuration.augmentation = Augmentation(shift: true, flip: flips)
            let explicit = try Trainer(configuration: configuration).train(data)
            #expect(automatic.network == explicit.network, "auto-flip trains as its resolution")
            #expect(automatic.summary.hyperparameters["augment"] == (flips ? "shift,flip" : "shift"))
            #expect(automatic.mirrorSymmetry?.isSymmetric == flips && explicit.mirrorSymmetry == nil)
            let recorded = try #require(automatic.summary.hyperparameters["mirror_asymmetry"].flatMap(Double.init))
            #expect(flips ? recorded < MirrorSymmetry.significance : recorded > 10 * MirrorSymmetry.significance, "\(recorded)")
            configuration.augmentation = Augmentation(shift: true, flip: !flips)
            #expect(try Trainer(configuration: configuration).train(data).network != automatic.network, "the other choice differs")
        }
    }
}
