extension InputFormat {
    /// The one preprocessing path shared by train, evaluate, predict and preview: composite
    /// transparency onto `background`, convert colour, resize to `width × height`, quantise to 8 bits.
    /// Returns an 8-bit image with `color.channels` channels and this format's size.
    public func preprocess(_ image: Image) -> Image {
        fatalError("unimplemented")
    }

    /// The network's input vector for `image`: `preprocess(image).samples / 255`, length `inputCount`,
    /// row-major, channels interleaved, values in 0…1.
    public func inputVector(for image: Image) -> [Float] {
        preprocess(image).samples.map { Float($0) / 255 }
    }
}
