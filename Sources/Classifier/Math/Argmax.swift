/// `argmaxⱼ vⱼ` over the `count` values `values[start ..< start + count]` (one row of a row-major
/// matrix): the position in the row of the largest value, the lowest position winning a tie; 0
/// for an empty row. This is the one argmax of the package: training accuracy, the predicted
/// class of `ClassificationMetrics` and the first place of a `Prediction` all agree with it.
func argmax(_ values: [Float], from start: Int, count: Int) -> Int {
    var best = 0
    for j in 1 ..< max(1, count) where values[start + j] > values[start + best] { best = j }
    return best
}
