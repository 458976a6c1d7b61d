import Platform

/// What can go wrong while writing a report; messages name the file and the reason.
public enum ReportError: Error, CustomStringConvertible, Equatable {
    /// A file of the report could not be written.
    case unwritable(file: String, reason: String)

    public var description: String {
        switch self {
        case let .unwritable(file, reason): "Could not write '\(file)': \(reason)."
        }
    }
}
