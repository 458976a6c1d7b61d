/// The `train --json` contract.
struct TrainSummaryJSON: Encodable {
    struct Input: Encodable { var width: Int; var height: Int; var color: String }
    struct Skipped: Encodable { var file: String; var reason: String }
    struct Seconds: Encodable { var load: Double; var train: Double; var total: Double }
    var model: String
    var classes: [String]
    var input: Input
    var layers: [Int]
    var epochs: Int
    var best_epoch: Int
    var train_accuracy: Double
    var validation_accuracy: Double?
    var images: Int
    var skipped: [Skipped]
    var seconds: Seconds
    var samples_per_second: Double
    var interrupted: Bool
}
