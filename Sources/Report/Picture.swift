import Platform
import Imaging

/// A raster picture of the report: an 8-bit image shown `zoom` times enlarged (nearest neighbour),
/// so small network inputs stay visible without storing enlarged pixels in the page.
public struct Picture: Sendable, Equatable {
    /// The pixels at their own size.
    public var image: Image
    /// How many screen pixels show one image pixel.
    public var zoom: Int

    /// A picture shown `zoom` times enlarged.
    public init(image: Image, zoom: Int = 1) {
        self.image = image
        self.zoom = max(1, zoom)
    }

    /// The zoom that shows a `width × height` tile at least `pixels` wide or high (1…8).
    static func zoom(forTile width: Int, _ height: Int, pixels: Int = 48) -> Int {
        min(8, max(1, (pixels + max(width, height) - 1) / max(1, max(width, height))))
    }

    /// The image enlarged `zoom` times by repeating pixels: what a document would show.
    public var enlarged: Image {
        guard zoom > 1 else { return image }
        let (w, h, c) = (image.width * zoom, image.height * zoom, image.channels)
        var samples = [UInt16](repeating: 0, count: w * h * c)
        for y in 0 ..< h {
            for x in 0 ..< w {
                let source = ((y / zoom) * image.width + x / zoom) * c
                for k in 0 ..< c { samples[(y * w + x) * c + k] = image.samples[source + k] }
            }
        }
        return Image(width: w, height: h, channels: c, bitDepth: 8, samples: samples)
    }

    /// `data:image/png;base64,…` of the PNG encoding.
    func dataURI() throws(ImagingError) -> String {
        "data:image/png;base64," + Data(try PNG.encode(image)).base64EncodedString()
    }

    /// Tiles laid out row by row in a grid with a `gap`-pixel border of `gapColor` (one sample per channel).
    /// - Precondition: every tile has the same size and channel count; `tiles` is not empty.
    static func grid(_ tiles: [Image], columns: Int, gap: Int = 1, gapColor: UInt16) -> Image {
        precondition(!tiles.isEmpty, "a grid needs at least one tile")
        let (tw, th, c) = (tiles[0].width, tiles[0].height, tiles[0].channels)
        let cols = max(1, min(columns, tiles.count)), rows = (tiles.count + cols - 1) / cols
        let (w, h) = (cols * (tw + gap) + gap, rows * (th + gap) + gap)
        var samples = [UInt16](repeating: gapColor, count: w * h * c)
        for (t, tile) in tiles.enumerated() {
            precondition(tile.width == tw && tile.height == th && tile.channels == c,
                         "tile \(t) is \(tile.width)×\(tile.height)×\(tile.channels), not \(tw)×\(th)×\(c)")
            let (x0, y0) = (gap + (t % cols) * (tw + gap), gap + (t / cols) * (th + gap))
            for y in 0 ..< th {
                let destination = ((y0 + y) * w + x0) * c
                samples.replaceSubrange(destination ..< destination + tw * c, with: tile.samples[y * tw * c ..< (y + 1) * tw * c])
            }
        }
        return Image(width: w, height: h, channels: c, bitDepth: 8, samples: samples)
    }
}
