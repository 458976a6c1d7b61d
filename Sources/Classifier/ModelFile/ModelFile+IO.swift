import Platform
import Imaging

/// Reading and atomically writing model files through `RegularFile` (Imaging), the package's one
/// reader and writer: regular files only, the size checked against the header before the rest is
/// read, and writes that never replace a device, FIFO or folder.
extension ModelFile {
    /// Reads and validates a model file; `name` names it in errors. The 8-byte length and the JSON
    /// header are read first; a file longer than the header describes (a sparse or foreign file of
    /// gigabytes) is refused before its data is read, and the data is then read straight into the
    /// tensors (no copy of the whole file: a one-image prediction reads megabytes).
    /// - Throws: `invalidModelFile` when it is missing, not a regular file, unreadable or inconsistent.
    static func read(_ url: URL, name: String) throws(ClassifierError) -> ModelFile {
        func invalid(_ reason: String) -> ClassifierError { .invalidModelFile(file: name, reason: reason) }
        func io<T>(_ body: () throws(RegularFile.Failure) -> T) throws(ClassifierError) -> T {
            do { return try body() } catch {
                throw invalid(error.isFolder ? "it is a folder, not a model file" : error.code == ENOENT ? "there is no such file" : error.reason)
            }
        }
        let file = try io { () throws(RegularFile.Failure) in try RegularFile(opening: url.path) }
        guard file.size >= 8 else { return try ModelFile(bytes: io { () throws(RegularFile.Failure) in try file.readAll(limit: 8) }, file: name) }
        let headerLength = ModelFile.headerLength(try io { () throws(RegularFile.Failure) in try file.read(count: 8, at: 0) }[...])
        try ModelFile.checkHeaderLength(headerLength, fileSize: file.size, file: name)
        let head = try io { () throws(RegularFile.Failure) in try file.read(count: 8 + Int(headerLength), at: 0) }
        guard let (described, header) = describedFileSize(head) else {
            _ = try ModelFile(bytes: head, file: name)  // throws the header's own problem
            return try ModelFile(bytes: io { () throws(RegularFile.Failure) in try file.readAll(limit: file.size) }, file: name)
        }
        guard file.size <= described else {
            throw invalid("the tensors cover \(described - head.count) bytes of data but the data buffer holds"
                + " \(file.size - head.count) bytes (truncated or trailing bytes)")
        }
        return try ModelFile(head: head, size: file.size, file: name, parsedHeader: header) { offset, destination throws(ClassifierError) in
            let count = try io { () throws(RegularFile.Failure) in try file.read(into: destination, at: head.count + offset) }
            guard count == destination.count else { throw invalid("the file became shorter while it was being read") }
        }
    }

    /// `8 + N + end of the last tensor` from a file's first `8 + N` bytes, or nil when the header is
    /// not a JSON object of tensors with `data_offsets` (the full parser then says what is wrong).
    private static func describedFileSize(_ head: [UInt8]) -> (Int, [String: JSONValue])? {
        guard let object = (try? JSONValue(parsing: head[8...]))?.object else { return nil }
        var end = 0
        for (key, value) in object where key != "__metadata__" {
            guard let offsets = ModelFile.integers(value.object?["data_offsets"]), offsets.count == 2 else { return nil }
            end = max(end, offsets[1])
        }
        return (head.count + end, object)
    }

    /// Writes `bytes` to `url` atomically with `RegularFile.writeAtomically`: a symlink is followed
    /// to its target, a device, FIFO or folder is refused, and stale temporary files of dead runs
    /// are removed. `beforeRename` runs after the temporary file is complete; tests inject failures there.
    /// - Throws: `ClassifierError.unwritableModelFile(file:reason:)`, or what `beforeRename` throws.
    static func writeAtomically(_ bytes: [UInt8], to url: URL,
                                beforeRename: () throws(ClassifierError) -> Void = {}) throws(ClassifierError) {
        do {
            try RegularFile.writeAtomically(bytes, to: url.path, beforeRename: beforeRename)
        } catch {
            switch error {
            case let .file(failure): throw .unwritableModelFile(file: url.relativePath, reason: failure.reason)
            case let .other(error): throw error
            }
        }
    }
}
