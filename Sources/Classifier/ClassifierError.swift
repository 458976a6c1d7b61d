/// Everything that can go wrong training, saving, loading or running a classifier, written for
/// the user: each message names the file or option and the reason, and suggests the fix.
public enum ClassifierError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The loss became NaN or infinite in `epoch`; nothing was written.
    case diverged(epoch: Int, learningRate: Float)
    /// A model file is missing, corrupt or not a classify model; `reason` says exactly what is wrong.
    case invalidModelFile(file: String, reason: String)
    /// A model file could not be written.
    case unwritableModelFile(file: String, reason: String)
    /// A training setting is unusable (e.g. batch size 0); `setting` names which.
    case invalidConfiguration(setting: TrainingConfiguration.Setting, reason: String)
    /// The data cannot train or evaluate a classifier (e.g. fewer than two classes).
    case unusableData(reason: String)
    /// The matrix engine asked for (`CLASSIFY_BLAS`) is unknown or cannot be loaded.
    case matrixEngineUnavailable(name: String, reason: String)

    public var description: String {
        switch self {
        case let .diverged(epoch, learningRate):
            return "Training diverged in epoch \(epoch): the loss became NaN or infinite. Please try a lower learning rate than \(learningRate) "
                + "(for example --learning-rate \(learningRate / 10)); no model was written."
        case let .invalidModelFile(file, reason):
            return "Could not load model '\(file)': \(reason)."
        case let .unwritableModelFile(file, reason):
            return "Could not write model '\(file)': \(reason)."
        case let .invalidConfiguration(_, reason):
            return "Invalid training setting: \(reason)."
        case let .unusableData(reason):
            return "Cannot use this data: \(reason)."
        case let .matrixEngineUnavailable(name, reason):
            return "Cannot use the matrix engine '\(name)': \(reason)."
        }
    }
}
