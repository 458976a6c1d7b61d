import ArgumentParser
import Classifier

extension StandardizationMode: ExpressibleByArgument {}
extension EpochSelection: ExpressibleByArgument {}
extension ClassWeighting: ExpressibleByArgument {}
extension LearningRateSchedule: ExpressibleByArgument {}
extension Augmentation: ExpressibleByArgument {
    public init?(argument: String) { self.init(parsing: argument) }
    public var defaultValueDescription: String { description }
}

/// `train`'s options for how the network generalizes: standardization, epoch selection, the
/// refit and its schedule, class weighting (defaults and measurements in README.md).
struct LearningOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Input standardization: image (subtract each image's own mean value, so overall "
        + "brightness does not matter; folded into the first layer when saved), center (subtract the training images' "
        + "mean value), none, per-input (each input's mean and deviation over the training images) or global (one mean "
        + "and deviation).",
        valueName: "mode"))
    var standardize: StandardizationMode = TrainingConfiguration().standardization

    @Option(help: ArgumentHelp("What picks the best epoch on the validation images: calibrated-loss (the loss at the "
        + "temperature fitted for that epoch), loss, or accuracy (lower loss breaks ties).", valueName: "criterion"))
    var select: EpochSelection = TrainingConfiguration().selection

    @Option(name: .customLong("class-weight"),
            help: ArgumentHelp("auto (balanced when the largest class has over 3× the smallest's images), balanced (sample "
                + "every class equally often) or none.", valueName: "mode"))
    var classWeight: ClassWeighting = TrainingConfiguration().classWeight

    @Option(help: ArgumentHelp("The refit's learning-rate schedule: cosine (decay to 0) or constant.", valueName: "name"))
    var schedule: LearningRateSchedule = TrainingConfiguration().schedule

    @Option(help: ArgumentHelp("Random changes to each training image, every epoch, as a list: shift (move by up to "
        + "1/14 of the image's size; images from 10×10), scale (zoom by 0.9–1.1), rotate (turn by up to ±10°), flip (mirror "
        + "left-right), auto-flip "
        + "(flip only when the training images are mirror-symmetric, as scenes and objects are and digits, text and hand "
        + "signs are not), brightness (gain 0.8–1.2 and offset ±10 %), e.g. shift,flip; or none.",
        valueName: "list"))
    var augment: Augmentation = TrainingConfiguration().augmentation

    @Flag(name: .customLong("average"), inversion: .prefixedNo, help: ArgumentHelp("Judge and save a moving average of the "
        + "weights over about the last third of an epoch's steps rather than the last step's."))
    var averageWeights = TrainingConfiguration().averageWeights

    @Flag(inversion: .prefixedNo, help: ArgumentHelp("After choosing the epoch count on the validation images, retrain "
        + "on every image for that many epochs and save that model."))
    var refit = TrainingConfiguration().refit

    @Option(parsing: .unconditional, help: ArgumentHelp("Train this many networks one after another (each from its own "
        + "random start, on the same validation split) and save them as one model that averages their outputs: "
        + "about n times the training and prediction time for a more accurate, steadier model.", valueName: "n"))
    var ensemble: Int = TrainingConfiguration().ensemble

    /// Copies these options into a training configuration.
    func apply(to configuration: inout TrainingConfiguration) {
        configuration.standardization = standardize
        configuration.selection = select
        configuration.refit = refit
        configuration.classWeight = classWeight
        configuration.schedule = schedule
        configuration.augmentation = augment
        configuration.averageWeights = averageWeights
        configuration.ensemble = ensemble
    }
}
