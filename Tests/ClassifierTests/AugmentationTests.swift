import Platform
import Testing
@testable import Classifier

@Suite struct AugmentationTests {
    /// The naive reference: pixel `(x, y)` of the result is pixel `(clamp(z(m(x) − dx)), clamp(z(y − dy)))`
    /// of the source, `z(v) = round(c + (v − c) · (1 / zoom))` the zoom about the centre `c`, in
    /// Float like the kernel (a tie such as 18.5 rounds the same way on both sides).
    static func naive(_ image: [UInt8], _ shape: ImageShape, dx: Int, dy: Int, zoom: Float = 1, mirrored: Bool) -> [UInt8] {
        var out = [UInt8](repeating: 0, count: shape.byteCount)
        func z(_ v: Int, _ n: Int) -> Int {
            let c = Float(n - 1) / 2
            return Int((c + (Float(v) - c) * (1 / zoom)).rounded())
        }
        for y in 0 ..< shape.height {
            for x in 0 ..< shape.width {
                let sx = min(max(z((mirrored ? shape.width - 1 - x : x) - dx, shape.width), 0), shape.width - 1)
                let sy = min(max(z(y - dy, shape.height), 0), shape.height - 1)
                for c in 0 ..< shape.channels {
                    out[(y * shape.width + x) * shape.channels + c] = image[(sy * shape.width + sx) * shape.channels + c]
                }
            }
        }
        return out
    }

    static let cases: [(ImageShape, Int, Int, Bool)] = [
        (ImageShape(width: 5, height: 4, channels: 1), 0, 0, false),
        (ImageShape(width: 5, height: 4, channels: 1), 2, -1, false),
        (ImageShape(width: 5, height: 4, channels: 3), -2, 1, true),
        (ImageShape(width: 3, height: 7, channels: 3), 1, 3, false),
        (ImageShape(width: 1, height: 1, channels: 1), 1, -1, true),
        (ImageShape(width: 4, height: 4, channels: 2), -4, 4, true),
        (ImageShape(width: 3, height: 2, channels: 3), 5, -1, false), (ImageShape(width: 4, height: 3, channels: 1), -6, 0, false),
        (ImageShape(width: 6, height: 5, channels: 3), 0, 0, true), (ImageShape(width: 6, height: 5, channels: 3), -2, 2, false),
    ]

    /// Zooms of 0.9 and 1.1 (and 1 exactly), odd and even sizes.
    static let zoomCases: [(ImageShape, Int, Int, Float, Bool)] = [
        (ImageShape(width: 28, height: 28, channels: 1), 0, 0, 1.1, false),
        (ImageShape(width: 32, height: 31, channels: 3), 2, -1, 0.9, true),
        (ImageShape(width: 40, height: 12, channels: 1), -1, 2, 1.0625, false),
        (ImageShape(width: 16, height: 16, channels: 1), 1, 1, 1, true),
    ]

    @Test("the transform kernel matches the naive shift, zoom and mirror", arguments: zoomCases)
    func zoomMatchesNaive(shape: ImageShape, dx: Int, dy: Int, zoom: Float, mirrored: Bool) {
        var generator = SeededGenerator(seed: 4)
        let source = (0 ..< shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        var target = [UInt8](repeating: 0, count: shape.byteCount)
        Kernels.transform(source, row: 0, shape: shape, dx: dx, dy: dy, zoom: zoom, mirrored: mirrored, into: &target, row: 0)
        #expect(target == Self.naive(source, shape, dx: dx, dy: dy, zoom: zoom, mirrored: mirrored))
        if zoom != 1 {
            let unzoomed = Self.naive(source, shape, dx: dx, dy: dy, mirrored: mirrored)
            #expect(target != unzoomed, "the zoom changes the image")
        }
    }

    @Test("the transform kernel matches the naive shift and mirror", arguments: cases)
    func transformMatchesNaive(shape: ImageShape, dx: Int, dy: Int, mirrored: Bool) {
        var generator = SeededGenerator(seed: 3)
        let source = (0 ..< 3 * shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        var target = [UInt8](repeating: 7, count: 2 * shape.byteCount)
        Kernels.transform(source, row: 2, shape: shape, dx: dx, dy: dy, mirrored: mirrored, into: &target, row: 1)
        let row2 = Array(source[2 * shape.byteCount ..< 3 * shape.byteCount])
        #expect(Array(target[shape.byteCount...]) == Self.naive(row2, shape, dx: dx, dy: dy, mirrored: mirrored))
        #expect(target[..<shape.byteCount].allSatisfy { $0 == 7 }, "other rows are untouched")
        if dx == 0 && dy == 0 && !mirrored { #expect(Array(target[shape.byteCount...]) == row2) }
    }

    /// The naive rotation: pixel `(x, y)` comes from the nearest pixel to `c + R(−φ) · p / zoom`,
    /// `p = (m(x) − dx, y − dy) − c`, the rotation matrix applied element by element in Float.
    static func naiveRotated(_ image: [UInt8], _ shape: ImageShape, dx: Int, dy: Int, zoom: Float, angle: Float,
                             mirrored: Bool) -> [UInt8] {
        let (w, h) = (shape.width, shape.height)
        let centre = (Float(w - 1) / 2, Float(h - 1) / 2)
        let inverse: [[Float]] = [[cos(angle) / zoom, sin(angle) / zoom], [-sin(angle) / zoom, cos(angle) / zoom]]
        var out = [UInt8](repeating: 0, count: shape.byteCount)
        for y in 0 ..< h {
            for x in 0 ..< w {
                let p = [Float((mirrored ? w - 1 - x : x) - dx) - centre.0, Float(y - dy) - centre.1]
                let q = inverse.map { $0[0] * p[0] + $0[1] * p[1] }
                let sx = min(max(Int((centre.0 + q[0]).rounded()), 0), w - 1)
                let sy = min(max(Int((centre.1 + q[1]).rounded()), 0), h - 1)
                for c in 0 ..< shape.channels {
                    out[(y * w + x) * shape.channels + c] = image[(sy * w + sx) * shape.channels + c]
                }
            }
        }
        return out
    }

    @Test("the rotated transform matches the naive inverse map", arguments: [
        (ImageShape(width: 28, height: 28, channels: 1), 0, 0, Float(1), Float(0.17), false),
        (ImageShape(width: 32, height: 31, channels: 3), 2, -1, 1.05, -0.1, true),
        (ImageShape(width: 36, height: 27, channels: 3), -2, 2, 0.93, 0.05, false),
        (ImageShape(width: 13, height: 40, channels: 2), 1, 0, 1, -0.174, true),
    ])
    func rotationMatchesNaive(shape: ImageShape, dx: Int, dy: Int, zoom: Float, angle: Float, mirrored: Bool) {
        var generator = SeededGenerator(seed: 8)
        let source = (0 ..< 2 * shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        var target = [UInt8](repeating: 7, count: 2 * shape.byteCount)
        Kernels.transform(source, row: 1, shape: shape, dx: dx, dy: dy, zoom: zoom, angle: angle, mirrored: mirrored,
                          into: &target, row: 0)
        let row1 = Array(source[shape.byteCount...])
        #expect(Array(target[..<shape.byteCount]) == Self.naiveRotated(row1, shape, dx: dx, dy: dy, zoom: zoom, angle: angle,
                                                                      mirrored: mirrored))
        #expect(target[shape.byteCount...].allSatisfy { $0 == 7 }, "other rows are untouched")
        #expect(Array(target[..<shape.byteCount]) != Self.naive(row1, shape, dx: dx, dy: dy, zoom: zoom, mirrored: mirrored),
                "the angle changes the image")
    }

    /// An exact check of the direction, with no rounding to agree on: a quarter turn of a square
    /// image (φ = π/2, y pointing down) moves the top-left pixel to the top right, target `(x, y)`
    /// reading source `(y, w − 1 − x)`.
    @Test("a quarter turn is the exact pixel permutation", arguments: [1, 3])
    func quarterTurn(channels: Int) {
        let shape = ImageShape(width: 11, height: 11, channels: channels)
        let source = (0 ..< shape.byteCount).map { UInt8($0 % 251) }
        var target = [UInt8](repeating: 0, count: shape.byteCount)
        Kernels.transform(source, row: 0, shape: shape, dx: 0, dy: 0, angle: .pi / 2, mirrored: false, into: &target, row: 0)
        for y in 0 ..< 11 {
            for x in 0 ..< 11 {
                for c in 0 ..< channels {
                    #expect(target[(y * 11 + x) * channels + c] == source[((10 - x) * 11 + y) * channels + c])
                }
            }
        }
    }

    @Test("rotate draws angles within ±10°, only from 10×10, and leaves the other draws as they were")
    func rotateDraws() {
        let shape = ImageShape(width: 20, height: 20, channels: 1)
        var generator = SeededGenerator(seed: 12)
        let bytes = (0 ..< shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let rows = Array(repeating: 0, count: 30)
        var batch = [UInt8](repeating: 0, count: rows.count * shape.byteCount)
        var draws = SeededGenerator(seed: 1)
        Augmentation(rotate: true).apply(to: bytes, rows: rows[...], shape: shape, into: &batch, using: &draws)
        var replay = SeededGenerator(seed: 1)
        var angles = Set<Float>()
        for i in rows.indices {
            _ = replay.next()
            let angle = Augmentation.rotationRange * (2 * Float(replay.next() >> 40) / Float(1 << 24) - 1)
            #expect(abs(angle) <= 10 * .pi / 180)
            angles.insert(angle)
            let expected = Self.naiveRotated(bytes, shape, dx: 0, dy: 0, zoom: 1, angle: angle, mirrored: false)
            #expect(Array(batch[i * shape.byteCount ..< (i + 1) * shape.byteCount]) == expected, "row \(i)")
        }
        #expect(angles.count == rows.count, "every example draws its own angle")
        #expect(draws.next() == replay.next(), "two numbers per example, no more")
        // Below 10×10 nothing turns and nothing more is drawn: the stream is shift's.
        let small = ImageShape(width: 8, height: 8, channels: 1)
        var (a, b) = (SeededGenerator(seed: 2), SeededGenerator(seed: 2))
        var (one, two) = ([UInt8](repeating: 0, count: 64), [UInt8](repeating: 0, count: 64))
        Augmentation(rotate: true).apply(to: Array(bytes[..<64]), rows: [0], shape: small, into: &one, using: &a)
        Augmentation().apply(to: Array(bytes[..<64]), rows: [0], shape: small, into: &two, using: &b)
        #expect(one == two && one == Array(bytes[..<64]) && a.next() == b.next())
        #expect(!Augmentation(rotate: true).changes(small) && Augmentation(rotate: true).changes(shape))
    }

    @Test("the brightness kernel is clamp(round(g · v + o), 0, 255) on its row only", arguments: [
        (Float(1), Float(0)), (1.2, 25.5), (0.8, -25.5), (1.13, -3.7), (0.5, 300), (2, -600),
    ])
    func brightnessMatchesNaive(gain: Float, offset: Float) {
        var generator = SeededGenerator(seed: 6)
        let n = 37
        let source = (0 ..< 3 * n).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        var target = source
        Kernels.adjustBrightness(&target, row: 1, byteCount: n, gain: gain, offset: offset)
        let expected = source[n ..< 2 * n].map { UInt8(min(max((gain * Float($0) + offset).rounded(), 0), 255)) }
        #expect(Array(target[n ..< 2 * n]) == expected)
        #expect(target[..<n] == source[..<n] && target[(2 * n)...] == source[(2 * n)...], "other rows are untouched")
    }

    @Test("brightness changes every image, even 8×8, by a gain and offset within their ranges")
    func brightnessStaysWithinItsRange() {
        let shape = ImageShape(width: 8, height: 8, channels: 1)
        #expect(Augmentation(brightness: true).changes(shape))
        let image = (0 ..< shape.byteCount).map { UInt8($0 * 4) }
        let rows = [Int](repeating: 0, count: 50)
        var batch = [UInt8](repeating: 0, count: rows.count * shape.byteCount)
        var generator = SeededGenerator(seed: 2)
        Augmentation(brightness: true).apply(to: image, rows: rows[...], shape: shape, into: &batch, using: &generator)
        var means = Set<Int>()
        for i in rows.indices {
            let got = batch[i * shape.byteCount ..< (i + 1) * shape.byteCount]
            // Some (g, o) in the ranges explains every byte: check the extremes bound each pixel.
            for (v, w) in zip(image, got) {
                let low = max(0, (Float(v) * 0.8 - 25.5).rounded(.down)), high = min(255, (Float(v) * 1.2 + 25.5).rounded(.up))
                #expect(Float(w) >= low && Float(w) <= high, "byte \(v) became \(w)")
            }
            means.insert(got.reduce(0) { $0 + Int($1) } / shape.byteCount)
        }
        #expect(means.count > 20, "the draws vary: \(means.count) distinct mean brightnesses in 50 copies")
    }

    @Test("--augment values", arguments: [
        ("shift", Augmentation(shift: true)), ("flip", Augmentation(flip: true)),
        ("shift,flip", Augmentation(shift: true, flip: true)), ("Flip, shift", Augmentation(shift: true, flip: true)),
        ("scale", Augmentation(scale: true)), ("shift,scale,flip", Augmentation(shift: true, scale: true, flip: true)),
        ("none", Augmentation.none), ("None", Augmentation.none), ("brightness", Augmentation(brightness: true)),
        ("shift,brightness", Augmentation(shift: true, brightness: true)),
        ("shift,auto-flip", Augmentation(shift: true, flipWhenSymmetric: true)), ("Auto-Flip", Augmentation(flipWhenSymmetric: true)),
        ("rotate", Augmentation(rotate: true)), ("shift,rotate,auto-flip", Augmentation(shift: true, rotate: true, flipWhenSymmetric: true)),
    ])
    func parses(text: String, expected: Augmentation) {
        #expect(Augmentation(parsing: text) == expected)
        #expect(Augmentation(parsing: expected.description) == expected)
    }

    @Test("bad --augment values are refused", arguments: ["", "rotation", "shift,", "none,shift", "shift;flip", "zoom", "bright", "autoflip", "auto"])
    func refuses(text: String) {
        #expect(Augmentation(parsing: text) == nil)
    }

    @Test("shift radius grows with the image: none at 8×8, 1 at 16×16, 2 at 28×28 and 32×32, 4 at 64×64", arguments: [
        (8, 8, 0), (9, 20, 0), (10, 10, 1), (16, 16, 1), (28, 28, 2), (32, 32, 2), (36, 27, 2), (64, 64, 4), (2, 100, 0),
    ])
    func radius(width: Int, height: Int, expected: Int) {
        #expect(Augmentation.shiftRadius(for: ImageShape(width: width, height: height, channels: 1)) == expected)
    }

    @Test("every augmented row is its image shifted by at most the radius, and the draws vary")
    func applyStaysWithinTheRadius() {
        let shape = ImageShape(width: 28, height: 28, channels: 1)
        var generator = SeededGenerator(seed: 9)
        let bytes = (0 ..< 4 * shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
        let rows = Array(repeating: [3, 1, 0, 2], count: 10).flatMap { $0 }
        var batch = [UInt8](repeating: 0, count: rows.count * shape.byteCount)
        Augmentation(shift: true, flip: true).apply(to: bytes, rows: rows[...], shape: shape, into: &batch, using: &generator)
        let r = Augmentation.shiftRadius(for: shape)
        var seen = Set<[Int]>()
        for (i, index) in rows.enumerated() {
            let image = Array(bytes[index * shape.byteCount ..< (index + 1) * shape.byteCount])
            let got = Array(batch[i * shape.byteCount ..< (i + 1) * shape.byteCount])
            let matches = (-r ... r).flatMap { dx in (-r ... r).flatMap { dy in [false, true].map { [dx, dy, $0 ? 1 : 0] } } }
                .filter { Self.naive(image, shape, dx: $0[0], dy: $0[1], mirrored: $0[2] == 1) == got }
            #expect(matches.count == 1, "row \(i) is one shift of its image")
            seen.formUnion(matches)
        }
        #expect(seen.count > 10, "the draws vary: \(seen.count) distinct transforms in 40 rows")
    }

    /// Two classes of 16×16 images: a bright bar in the top or the bottom quarter.
    static func bars(count: Int) -> Dataset {
        var generator = SeededGenerator(seed: 5)
        var (inputs, labels) = ([UInt8](), [Int]())
        for i in 0 ..< count {
            let row = i % 2 == 0 ? Int.random(in: 0 ... 3, using: &generator) : Int.random(in: 12 ... 15, using: &generator)
            inputs += (0 ..< 256).map { $0 / 16 == row ? 230 : UInt8.random(in: 0 ... 40, using: &generator) }
            labels.append(i % 2)
        }
        return Dataset(inputs: inputs, labels: labels, inputCount: 256, classCount: 2,
                       imageShape: ImageShape(width: 16, height: 16, channels: 1))
    }

    @Test("training with augmentation is bit-reproducible, differs from training without, and still learns")
    func trainingWithAugmentation() throws {
        var configuration = TrainingConfiguration()
        configuration.maxEpochs = 15
        configuration.hiddenLayers = [8]
        let data = Self.bars(count: 120)
        #expect(configuration.augmentation == Augmentation(shift: true, flipWhenSymmetric: true), "the default shifts (and may flip)")
        let first = try Trainer(configuration: configuration).train(data)
        let second = try Trainer(configuration: configuration).train(data)
        configuration.augmentation = .none
        let plain = try Trainer(configuration: configuration).train(data)
        let weights = { (r: TrainingResult) in r.network.layers.flatMap { $0.weights.elements.map(\.bitPattern) } }
        #expect(weights(first) == weights(second))
        #expect(weights(first) != weights(plain), "augmentation changes what the network sees")
        // Horizontal bars are mirror-symmetric: auto-flip flips them.
        #expect(first.summary.hyperparameters["augment"] == "shift,flip" && plain.summary.hyperparameters["augment"] == "none")
        #expect(TrainingTests.accuracy(first, on: data) > 0.9)
    }

    @Test("shift and scale leave images under 10×10 alone; a flip changes any image")
    func smallImagesAreLeftAlone() {
        let small = ImageShape(width: 8, height: 8, channels: 1), large = ImageShape(width: 10, height: 10, channels: 1)
        #expect(!Augmentation(shift: true, scale: true).changes(small) && Augmentation(shift: true).changes(large))
        #expect(Augmentation(scale: true).changes(large) && Augmentation(flip: true).changes(small) && !Augmentation.none.changes(large))
    }

    @Test("the moving average of weights is θ̄ ← β θ̄ + (1 − β) θ, for weights and biases")
    func movingAverageOfWeights() {
        var generator = SeededGenerator(seed: 8)
        var average = Network(sizes: [3, 4, 2], hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let current = Network(sizes: [3, 4, 2], hiddenActivation: .relu, cost: .crossEntropy, using: &generator)
        let before = average
        average.average(towards: current, decay: 0.75)
        for l in average.layers.indices {
            let expected = zip(before.layers[l].weights.elements, current.layers[l].weights.elements).map { 0.75 * $0 + 0.25 * $1 }
            #expect(average.layers[l].weights.elements == expected)
            #expect(average.layers[l].biases == zip(before.layers[l].biases, current.layers[l].biases).map { 0.75 * $0 + 0.25 * $1 })
        }
    }

    @Test("with weight averaging the kept network is not the last step's, and training is still reproducible")
    func weightAveragingKeepsTheAverage() throws {
        var configuration = TrainingConfiguration()
        (configuration.maxEpochs, configuration.hiddenLayers, configuration.validationFraction) = (20, [8], 0)
        let data = Self.bars(count: 80)
        let averaged = try Trainer(configuration: configuration).train(data)
        let again = try Trainer(configuration: configuration).train(data)
        configuration.averageWeights = false
        let last = try Trainer(configuration: configuration).train(data)
        #expect(averaged.network == again.network)
        #expect(averaged.network != last.network, "the moving average differs from the last step's weights")
        #expect(averaged.summary.hyperparameters["average_weights"] == "true")
        #expect(TrainingTests.accuracy(averaged, on: data) > 0.9)
    }

    @Test("scale alone zooms some images of 28×28 and leaves 8×8 ones alone")
    func scaleAloneZooms() {
        var generator = SeededGenerator(seed: 12)
        for (shape, changes) in [(ImageShape(width: 28, height: 28, channels: 1), true), (ImageShape(width: 8, height: 8, channels: 1), false)] {
            let bytes = (0 ..< shape.byteCount).map { _ in UInt8.random(in: 0 ... 255, using: &generator) }
            let rows = [Int](repeating: 0, count: 20)
            var batch = [UInt8](repeating: 0, count: rows.count * shape.byteCount)
            Augmentation(scale: true).apply(to: bytes, rows: rows[...], shape: shape, into: &batch, using: &generator)
            let changed = (0 ..< rows.count).filter { Array(batch[$0 * shape.byteCount ..< ($0 + 1) * shape.byteCount]) != bytes }
            #expect(changed.isEmpty != changes, "\(shape): \(changed.count) of 20 rows changed")
        }
    }

    @Test("a dataset whose shape does not match its rows is never augmented")
    func mismatchedShapeIsDropped() {
        let data = Dataset(inputs: [1, 2, 3, 4], labels: [0, 1], inputCount: 2, classCount: 2,
                           imageShape: ImageShape(width: 2, height: 2, channels: 1))
        #expect(data.imageShape == nil)
        #expect(data.subset([1]).imageShape == nil)
        let bars = Self.bars(count: 4)
        #expect(bars.subset([0, 3]).imageShape == bars.imageShape)
    }
}
