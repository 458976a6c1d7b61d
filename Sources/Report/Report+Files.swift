import Platform
import Imaging

extension Report {
    /// The report's pictures as files, by name: the raster pictures as PNG (enlarged like on the
    /// page, written with the project's encoder) and the charts as SVG (vector, for documents).
    ///
    /// `first-layer-weights.png`, `class-means.png`, `mistakes.png` (file and network input side by
    /// side, most confident mistake first), `confusion.svg`, `per-class.svg`, and when the model
    /// keeps them `training-loss.svg`, `training-accuracy.svg`, `reliability.svg`.
    public func pictureFiles() -> [(name: String, contents: PictureFile)] {
        var files: [(String, PictureFile)] = []
        if let weights = firstLayerWeights() { files.append(("first-layer-weights.png", .png(weights.picture.enlarged))) }
        let means = classMeans().compactMap { $0 }
        if let first = means.first {
            let tiles = means.map { Report.rgb($0.image) }
            files.append(("class-means.png", .png(Picture(image: Picture.grid(tiles, columns: min(tiles.count, 10), gap: 2,
                                                                              gapColor: 128), zoom: first.zoom).enlarged)))
        }
        let shown = mistakes.prefix(mistakeLimit)
        if !shown.isEmpty {
            let side = 64
            let tiles = shown.map { mistake -> Image in
                let left = thumbnail(mistake.index, side: side).map { Report.rgb(Report.fit($0.enlarged, side: side)) }
                let right = Report.rgb(Report.fit(seenPicture(mistake.index).enlarged, side: side))
                return Picture.grid([Report.pad(left ?? Report.blank(side), side: side), Report.pad(right, side: side)],
                                    columns: 2, gap: 2, gapColor: 128)
            }
            files.append(("mistakes.png", .png(Picture.grid(tiles, columns: 8, gap: 4, gapColor: 255))))
        }
        files.append(("confusion.svg", .svg(confusionHeatMap())))
        files.append(("per-class.svg", .svg(classBars())))
        if let curves = trainingCurves() {
            files.append(("training-loss.svg", .svg(curves.loss)))
            files.append(("training-accuracy.svg", .svg(curves.accuracy)))
        }
        if let reliability = reliabilityDiagram() { files.append(("reliability.svg", .svg(reliability))) }
        return files
    }

    /// Writes `pictureFiles()` into `folder` (created if needed) and returns the written files' URLs.
    /// - Throws: `ReportError.unwritable` naming the folder or file and the reason.
    public func writePictures(to folder: URL) throws(ReportError) -> [URL] {
        try Self.createFolder(folder.path)
        var written: [URL] = []
        for (name, contents) in pictureFiles() {
            let url = folder.appendingPathComponent(name)
            do {
                switch contents {
                case let .png(image): try PNG.write(image, to: url)
                case let .svg(text):
                    try Self.write("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n" + text + "\n", to: url)
                }
            } catch let error as ReportError {
                throw error
            } catch let error as ImagingError {
                throw .unwritable(file: url.relativePath, reason: "\(error)")
            } catch {
                throw .unwritable(file: url.relativePath, reason: "\(error)")
            }
            written.append(url)
        }
        return written
    }

    /// Writes `text` with the package's one file writer: atomically, and never over a device, FIFO or folder.
    /// - Throws: `ReportError.unwritable` naming the file and the reason.
    public static func write(_ text: String, to url: URL) throws(ReportError) {
        do {
            try RegularFile.writeAtomically(Array(text.utf8), to: url.path, beforeRename: { () throws(Never) in })
        } catch {
            if case let .file(failure) = error { throw .unwritable(file: url.relativePath, reason: failure.reason) }
            throw .unwritable(file: url.relativePath, reason: "the write did not finish")
        }
    }

    /// `mkdir -p`: creates `path` and its missing parents (what `FileManager.createDirectory` did; this
    /// way the reason is the C library's wording, without Foundation's localized error texts).
    /// - Throws: `ReportError.unwritable` naming the first folder that could not be made.
    static func createFolder(_ path: String) throws(ReportError) {
        var prefix = path.hasPrefix("/") ? "/" : ""
        for component in path.split(separator: "/") {
            prefix += (prefix.isEmpty || prefix.hasSuffix("/") ? "" : "/") + component
            var status = stat()
            if stat(prefix, &status) == 0, status.st_mode & S_IFMT == S_IFDIR { continue }
            guard mkdir(prefix, 0o777) == 0 || errno == EEXIST else {
                throw .unwritable(file: prefix, reason: RegularFile.systemReason(errno))
            }
            guard stat(prefix, &status) == 0, status.st_mode & S_IFMT == S_IFDIR else {
                throw .unwritable(file: prefix, reason: "it exists and is not a folder")
            }
        }
    }

    /// Grey (1 channel) to RGB by repeating the sample; RGB unchanged.
    static func rgb(_ image: Image) -> Image {
        guard image.channels == 1 else { return image }
        return Image(width: image.width, height: image.height, channels: 3, bitDepth: 8,
                     samples: image.samples.flatMap { [$0, $0, $0] })
    }

    /// Shrinks by whole-pixel sampling until the image fits `side × side` (enlarged pictures only get smaller).
    static func fit(_ image: Image, side: Int) -> Image {
        let step = (max(image.width, image.height) + side - 1) / side
        guard step > 1 else { return image }
        let (w, h, c) = (image.width / step, image.height / step, image.channels)
        var samples: [UInt16] = []
        samples.reserveCapacity(w * h * c)
        for y in 0 ..< h { for x in 0 ..< w { let s = ((y * step) * image.width + x * step) * c; samples += image.samples[s ..< s + c] } }
        return Image(width: max(w, 1), height: max(h, 1), channels: c, bitDepth: 8, samples: samples.isEmpty ? [128, 128, 128] : samples)
    }

    /// Centres an RGB image on a `side × side` mid-grey square.
    static func pad(_ image: Image, side: Int) -> Image {
        var samples = [UInt16](repeating: 128, count: side * side * 3)
        let (x0, y0) = ((side - image.width) / 2, (side - image.height) / 2)
        for y in 0 ..< min(image.height, side) {
            for x in 0 ..< min(image.width, side) {
                for k in 0 ..< 3 { samples[((y0 + y) * side + x0 + x) * 3 + k] = image.samples[(y * image.width + x) * 3 + k] }
            }
        }
        return Image(width: side, height: side, channels: 3, bitDepth: 8, samples: samples)
    }

    static func blank(_ side: Int) -> Image {
        Image(width: side, height: side, channels: 3, bitDepth: 8, samples: [UInt16](repeating: 128, count: side * side * 3))
    }
}

/// The contents of one picture file.
public enum PictureFile: Sendable, Equatable {
    /// An 8-bit image, written as PNG.
    case png(Image)
    /// An SVG document.
    case svg(String)
}
