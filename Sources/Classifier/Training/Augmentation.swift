/// Width, height and channels of the images behind a `Dataset`'s rows: row-major pixels,
/// channels interleaved, so example byte `(y · width + x) · channels + c` is channel `c` of
/// pixel `(x, y)`. Augmentation needs it; a dataset without it is never augmented.
public struct ImageShape: Sendable, Equatable, Hashable {
    public var width: Int
    public var height: Int
    public var channels: Int

    public init(width: Int, height: Int, channels: Int) {
        self.width = width
        self.height = height
        self.channels = channels
    }

    /// Bytes per image: `width × height × channels`.
    public var byteCount: Int { width * height * channels }
}

/// Random changes to every training example, drawn afresh for each example in each epoch from
/// the run's one seeded generator (so training stays bit-reproducible); validation, evaluation
/// and prediction see the images as they are.
///
/// - `shift`: translate by `(dx, dy)`, each uniform in `−r … r` with `r = ⌊(min(w, h) + 4) / 14⌋`
///   (none below 10×10, where one pixel is too much of the image: the 8×8 digits lost 3–5 points;
///   1 pixel at 16×16, 2 at 27 to 37 pixels, 4 at 64×64); pixels that move in from outside repeat
///   the nearest edge pixel.
/// - `scale`: zoom about the image centre by a factor uniform in `[0.9, 1.1]` (nearest pixel),
///   only where shifts apply (10×10 and up).
/// - `rotate`: turn about the image centre by an angle uniform in `±10°` (nearest pixel, the edge
///   pixels repeated into the corners), only where shifts apply; one more 64-bit draw per example.
/// - `flip`: mirror left–right with probability ½. It turns a 2 into a mirrored 2 and text into
///   mirror writing, so it is not forced on by default:
/// - `flipWhenSymmetric` (`auto-flip`, on by default): `flip` when the training images are
///   mirror-symmetric as a population (`MirrorSymmetry`), decided once per training on the
///   training part (`resolved(for:)`): photographs of scenes and objects are flipped, digits,
///   letters and hand signs are not.
/// - `brightness`: every byte `v` becomes `clamp(round(g · v + o), 0, 255)` with a gain `g`
///   uniform in `1 ± 0.2` and an offset `o` uniform in `± 0.1 · 255`, one draw per example
///   (a second 64-bit number), at any image size.
public struct Augmentation: Sendable, Equatable {
    public var shift: Bool
    public var scale: Bool
    public var rotate: Bool
    public var flip: Bool
    public var flipWhenSymmetric: Bool
    public var brightness: Bool

    public init(shift: Bool = false, scale: Bool = false, rotate: Bool = false, flip: Bool = false,
                flipWhenSymmetric: Bool = false, brightness: Bool = false) {
        self.shift = shift
        self.scale = scale
        self.rotate = rotate
        self.flip = flip
        self.flipWhenSymmetric = flipWhenSymmetric
        self.brightness = brightness
    }

    /// What trains on `dataset`: `flipWhenSymmetric` becomes `flip` when its images are
    /// mirror-symmetric (`MirrorSymmetry`), and the test's figures (`nil` when nothing was tested:
    /// no `auto-flip`, `flip` already on, or rows that are not images).
    public func resolved(for dataset: Dataset) -> (augmentation: Augmentation, symmetry: MirrorSymmetry?) {
        guard flipWhenSymmetric else { return (self, nil) }
        var resolved = self
        resolved.flipWhenSymmetric = false
        guard !flip, let shape = dataset.imageShape else { return (resolved, nil) }
        let symmetry = MirrorSymmetry(of: dataset, shape: shape)
        resolved.flip = symmetry.isSymmetric
        return (resolved, symmetry)
    }

    /// The largest relative change of gain that `brightness` draws: gains lie in `1 ± 0.2`.
    public static let gainRange: Float = 0.2
    /// The largest offset that `brightness` draws, as a fraction of 255: offsets lie in `± 0.1 · 255`.
    public static let offsetRange: Float = 0.1

    /// The largest relative change of size that `scale` draws: zoom factors lie in `1 ± 0.1`.
    public static let scaleRange: Float = 0.1

    /// The largest angle that `rotate` draws, in radians: angles lie in `± 10°`.
    public static let rotationRange: Float = 10 * .pi / 180

    /// No change to any example.
    public static let none = Augmentation()

    /// Whether images of `shape` change at all: a flip, a brightness change, or a shift of at least
    /// one pixel (`flipWhenSymmetric` counts only once `resolved(for:)` has made it a flip).
    public func changes(_ shape: ImageShape) -> Bool {
        flip || brightness || ((shift || scale || rotate) && Self.shiftRadius(for: shape) > 0)
    }

    /// The names, as `--augment` takes them: `"shift,auto-flip"`, `"shift,flip"`, `"none"`.
    public var description: String {
        let names = [shift ? "shift" : nil, scale ? "scale" : nil, rotate ? "rotate" : nil, flip ? "flip" : nil,
                     flipWhenSymmetric ? "auto-flip" : nil, brightness ? "brightness" : nil]
            .compactMap { $0 }
        return names.isEmpty ? "none" : names.joined(separator: ",")
    }

    /// Parses `--augment`'s value: a comma-separated list of `shift`, `scale`, `rotate`, `flip`,
    /// `auto-flip` and `brightness`, or `none`;
    /// `nil` for anything else.
    public init?(parsing text: String) {
        self.init()
        for name in text.split(separator: ",", omittingEmptySubsequences: false) {
            switch name.filter({ !$0.isWhitespace }).lowercased() {
            case "shift": shift = true
            case "scale": scale = true
            case "rotate": rotate = true
            case "flip": flip = true
            case "auto-flip": flipWhenSymmetric = true
            case "brightness": brightness = true
            case "none" where text.filter({ !$0.isWhitespace }).lowercased() == "none": break
            default: return nil
            }
        }
    }

    /// The largest shift in pixels for images of `shape`: `⌊(min(w, h) + 4) / 14⌋`.
    public static func shiftRadius(for shape: ImageShape) -> Int {
        (min(shape.width, shape.height) + 4) / 14
    }

    /// Writes the augmented copies of rows `indices` of `bytes` (images of `shape`) into
    /// consecutive rows of `batch`, drawing one 64-bit number per example from `generator`:
    /// bits 0–15 give `dx`, 16–31 `dy`, bit 32 the flip, bits 40–63 the zoom factor; with `rotate`
    /// (10×10 and up) the next number's bits 40–63 give the angle; with `brightness` one more
    /// number follows, bits 0–23 the gain and 32–55 the offset.
    ///
    /// Shapes: `bytes` is `N × shape.byteCount`; `batch` gets `indices.count × shape.byteCount`.
    func apply(to bytes: [UInt8], rows indices: ArraySlice<Int>, shape: ImageShape, into batch: inout [UInt8],
               using generator: inout some RandomNumberGenerator) {
        let r = shift ? Self.shiftRadius(for: shape) : 0
        let span = UInt64(2 * r + 1)
        let zooms = scale && Self.shiftRadius(for: shape) > 0
        let rotates = rotate && Self.shiftRadius(for: shape) > 0
        for (i, index) in indices.enumerated() {
            let bits = generator.next()
            let dx = Int((bits & 0xFFFF) % span) - r, dy = Int(((bits >> 16) & 0xFFFF) % span) - r
            let mirrored = flip && (bits >> 32) & 1 == 1
            let u = Float(bits >> 40) / Float(1 << 24)  // uniform in [0, 1)
            let zoom = zooms ? 1 + Self.scaleRange * (2 * u - 1) : 1
            let angle = rotates ? Self.rotationRange * (2 * Float(generator.next() >> 40) / Float(1 << 24) - 1) : 0
            Kernels.transform(bytes, row: index, shape: shape, dx: dx, dy: dy, zoom: zoom, angle: angle, mirrored: mirrored,
                              into: &batch, row: i)
            if brightness {
                let more = generator.next()
                let (a, b) = (Float(more & 0xFF_FFFF) / Float(1 << 24), Float((more >> 32) & 0xFF_FFFF) / Float(1 << 24))
                Kernels.adjustBrightness(&batch, row: i, byteCount: shape.byteCount, gain: 1 + Self.gainRange * (2 * a - 1),
                                         offset: 255 * Self.offsetRange * (2 * b - 1))
            }
        }
    }
}
