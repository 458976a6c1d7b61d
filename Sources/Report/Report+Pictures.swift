import Classifier
import Platform
import Imaging

extension Report {
    /// The first layer's weights: one tile per neuron (up to `limit`), each `wⁱ` (a row of
    /// `layers[0].weights`, length `width × height × channels`) drawn as an image of the input's size.
    ///
    /// Shared scale `m = max |w|` over the neurons shown. Grey inputs use a diverging map
    /// (blue = −m, near-white = 0, red = +m); colour inputs show each channel as `½ + w / 2m`
    /// (mid-grey = 0), so a neuron's colour preference reads as a colour.
    /// - Returns: the grid, the neurons shown, the neurons in the layer and `m`; nil without layers.
    public func firstLayerWeights(limit: Int = 256) -> (picture: Picture, shown: Int, total: Int, scale: Float)? {
        guard let layer = classifier.network.layers.first, layer.weights.rows > 0 else { return nil }
        let format = classifier.inputFormat
        let shown = min(limit, layer.weights.rows), d = layer.weights.columns
        let values = layer.weights.elements[0 ..< shown * d]
        let m = max(values.reduce(Float(0)) { max($0, abs($1)) }, Float.leastNormalMagnitude)
        let tiles = (0 ..< shown).map { row -> Image in
            let weights = layer.weights.elements[row * d ..< (row + 1) * d]
            if format.color == .gray {
                var samples: [UInt16] = []
                samples.reserveCapacity(3 * d)
                for w in weights { samples += Report.diverging(w / m) }
                return Image(width: format.width, height: format.height, channels: 3, bitDepth: 8, samples: samples)
            }
            return Image(width: format.width, height: format.height, channels: 3, bitDepth: 8,
                         samples: weights.map { Report.byte(0.5 + $0 / (2 * m)) })
        }
        let columns = Int(Double(shown).squareRoot().rounded(.up))
        let grid = Picture.grid(tiles, columns: max(columns, min(shown, 8)), gap: 2, gapColor: 128)
        return (Picture(image: grid, zoom: Picture.zoom(forTile: format.width, format.height)), shown, layer.weights.rows, m)
    }

    /// Each class's mean test image as the network saw it: `x̄_c = (1/n_c) Σ_{i: yᵢ = c} xᵢ`, rounded;
    /// nil for a class without test images.
    public func classMeans() -> [Picture?] {
        let format = classifier.inputFormat, d = dataset.inputCount
        var sums = [[Int]](repeating: [Int](repeating: 0, count: d), count: classifier.classes.count)
        var counts = [Int](repeating: 0, count: classifier.classes.count)
        for (i, label) in dataset.labels.enumerated() {
            counts[label] += 1
            for j in 0 ..< d { sums[label][j] += Int(dataset.inputs[i * d + j]) }
        }
        let zoom = Picture.zoom(forTile: format.width, format.height)
        return zip(sums, counts).map { sum, count in
            guard count > 0 else { return nil }
            let samples = sum.map { UInt16(($0 + count / 2) / count) }
            return Picture(image: Image(width: format.width, height: format.height, channels: format.color.channels,
                                        bitDepth: 8, samples: samples), zoom: zoom)
        }
    }

    /// What the network saw for example `index`: its row of `dataset`, as an image.
    public func seenPicture(_ index: Int) -> Picture {
        let format = classifier.inputFormat, d = dataset.inputCount
        let samples = dataset.inputs[index * d ..< (index + 1) * d].map { UInt16($0) }
        return Picture(image: Image(width: format.width, height: format.height, channels: format.color.channels,
                                    bitDepth: 8, samples: samples),
                       zoom: Picture.zoom(forTile: format.width, format.height, pixels: 64))
    }

    /// The file of example `index` shrunk to fit a `side × side` box (never enlarged), through the
    /// same compositing and area-averaging resize as the network's input; nil when it no longer decodes.
    public func thumbnail(_ index: Int, side: Int = 64) -> Picture? {
        guard let source = try? PNG.decode(contentsOf: URL(fileURLWithPath: files[index])) else { return nil }
        let shrink = min(1, Double(side) / Double(max(source.width, source.height)))
        let format = InputFormat(width: max(1, Int((Double(source.width) * shrink).rounded())),
                                 height: max(1, Int((Double(source.height) * shrink).rounded())),
                                 color: source.isGray ? .gray : .rgb, background: classifier.inputFormat.background)
        let image = format.preprocess(source)
        return Picture(image: image, zoom: Picture.zoom(forTile: image.width, image.height, pixels: 64))
    }

    /// Diverging colour map for `t` in −1…1: blue (#2166ac) at −1, near-white (#f7f7f7) at 0, red (#b2182b) at +1.
    static func diverging(_ t: Float) -> [UInt16] {
        let t = t.isFinite ? max(-1, min(1, t)) : 0
        let middle: [Float] = [247, 247, 247]
        let end: [Float] = t < 0 ? [33, 102, 172] : [178, 24, 43]
        return (0 ..< 3).map { UInt16((middle[$0] + (end[$0] - middle[$0]) * abs(t)).rounded()) }
    }

    /// `⌊clamp(v, 0, 1) · 255 + 0.5⌋`.
    static func byte(_ v: Float) -> UInt16 {
        UInt16((v.isFinite ? max(0, min(1, v)) : 0.5) * 255 + 0.5)
    }
}
