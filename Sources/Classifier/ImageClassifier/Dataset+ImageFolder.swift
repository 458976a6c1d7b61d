import Imaging

extension Dataset {
    /// The dataset of the samples loaded from a folder of class sub-folders: the same bytes
    /// (`count × inputCount`, the network sees `value / 255`) and labels.
    /// - Precondition: every label lies in `0 ..< classCount`.
    public init(samples: SampleSet, classCount: Int) {
        self.init(inputs: samples.inputs, labels: samples.labels,
                  inputCount: samples.inputCount, classCount: classCount)
    }
}
