import Platform

extension ImageFolder {
    /// The images of an `ImageFolder` decoded and preprocessed, one row per image, ready for training.
    ///
    /// Shapes: `inputs.count == count × inputCount`, row-major; row `i` is image `files[i]` with label
    /// `labels[i]`. The network's Float input is `value / 255`.
    public struct Decoded: Sendable {
        /// `count × inputCount` bytes, row-major; Float input = value / 255.
        public var inputs: [UInt8]
        /// Class index per row.
        public var labels: [Int]
        /// Source file per row.
        public var files: [URL]
        /// The folder's skipped entries plus the files that failed to decode.
        public var skipped: [Skipped]
        /// Bytes per row: `InputFormat.inputCount`.
        public var inputCount: Int
        /// Rows.
        public var count: Int { labels.count }

        public init(inputs: [UInt8], labels: [Int], files: [URL], skipped: [Skipped], inputCount: Int) {
            self.inputs = inputs
            self.labels = labels
            self.files = files
            self.skipped = skipped
            self.inputCount = inputCount
        }
    }
}
