/// Everything that can go wrong reading, decoding or writing images, written for the user.
/// Every message names the file and the reason.
public enum ImagingError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The file is not a PNG; `reason` says what it looks like instead ("it starts like a JPEG").
    case notPNG(file: String, reason: String)
    /// The file ends before the image data is complete (a truncated download or copy).
    case truncatedPNG(file: String)
    /// libpng refused the data; `reason` names the class of damage (a chunk's checksum, an impossible
    /// chunk length, corrupt or missing image data) or, for anything else, gives libpng's own message.
    case invalidPNG(file: String, reason: String)
    /// The header declares more pixels than `limit`; refused before any pixel buffer is allocated.
    case tooLarge(file: String, width: Int, height: Int, limit: Int)
    /// The file could not be read (missing, permissions, a directory).
    case unreadable(file: String, reason: String)
    /// The file could not be written.
    case unwritable(file: String, reason: String)
    /// A folder of images is unusable as a whole (missing, not a folder, no classes).
    case invalidFolder(path: String, reason: String)

    public var description: String {
        switch self {
        case let .notPNG(file, reason):
            return "Could not read '\(file)': not a PNG file (\(reason))."
        case let .truncatedPNG(file):
            return "Could not decode '\(file)': \(PNG.truncationReason)."
        case let .invalidPNG(file, reason):
            return "Could not decode '\(file)': \(reason)."
        case let .tooLarge(file, width, height, limit):
            return "Could not decode '\(file)': image is \(width)×\(height), over the \(limit / 1_000_000)-megapixel limit."
        case let .unreadable(file, reason):
            return "Could not read '\(file)': \(reason)."
        case let .unwritable(file, reason):
            return "Could not write '\(file)': \(reason)."
        case let .invalidFolder(path, reason):
            return "Cannot use folder '\(path)': \(reason)."
        }
    }
}
