/// Whether the network sees one grey channel (luma) or three (RGB).
public enum ColorMode: String, Sendable, Codable, CaseIterable {
    case gray
    case rgb

    /// Channels per pixel in the network's input: 1 or 3.
    public var channels: Int { self == .gray ? 1 : 3 }
}

/// An opaque colour that transparent pixels are composited onto; components in 0…1.
public struct BackgroundColor: Sendable, Codable, Equatable, CustomStringConvertible {
    public var red: Float
    public var green: Float
    public var blue: Float

    public init(red: Float, green: Float, blue: Float) {
        self.red = red
        self.green = green
        self.blue = blue
    }

    /// White, the default: a transparent pixel reads as paper.
    public static let white = BackgroundColor(red: 1, green: 1, blue: 1)
    /// Black.
    public static let black = BackgroundColor(red: 0, green: 0, blue: 0)

    /// Parses `#rrggbb` (hex digits in either case) into components `k / 255`; nil for anything
    /// else. The inverse of `description` for colours whose components are multiples of 1/255.
    public init?(hex: String) {
        let digits = Array(hex.utf8)
        guard digits.count == 7, digits[0] == UInt8(ascii: "#") else { return nil }
        var components: [Float] = []
        for start in stride(from: 1, to: 7, by: 2) {
            guard let byte = UInt8(String(decoding: digits[start ..< start + 2], as: UTF8.self), radix: 16) else {
                return nil
            }
            components.append(Float(byte) / 255)
        }
        self.init(red: components[0], green: components[1], blue: components[2])
    }

    /// `#rrggbb`.
    public var description: String {
        func hex(_ v: Float) -> String {
            let b = Int((max(0, min(1, v)) * 255).rounded())
            let s = String(b, radix: 16)
            return s.count == 1 ? "0" + s : s
        }
        return "#" + hex(red) + hex(green) + hex(blue)
    }
}

/// What the network's input layer expects: the image size, colour mode and the background that
/// transparency is composited onto. Stored in the model file, so train, evaluate and predict
/// preprocess every image identically.
public struct InputFormat: Sendable, Codable, Equatable {
    public var width: Int
    public var height: Int
    public var color: ColorMode
    public var background: BackgroundColor

    public init(width: Int, height: Int, color: ColorMode, background: BackgroundColor = .white) {
        self.width = width
        self.height = height
        self.color = color
        self.background = background
    }

    /// Input neurons: `width × height × color.channels`.
    public var inputCount: Int { width * height * color.channels }
}
