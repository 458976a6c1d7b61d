import Platform
import Imaging
import Parallel

extension ImageClassifier {
    /// Class probabilities for PNG files: decoding and preprocessing run in parallel on
    /// `threads` workers, then one batched forward pass per chunk on `engine` (one file: a
    /// matrix–vector product).
    ///
    /// Shapes: each success holds `classes.count` probabilities in class order (summing to 1
    /// for a softmax network). Results come back in the order of `urls`; a file that cannot be
    /// read or decoded yields its `ImagingError` and does not affect the others.
    public func probabilities(forFiles urls: [URL], threads: Int, engine: MatrixEngine = .builtin,
                              chunkSize: Int = 256) -> [Result<[Float], ImagingError>] {
        var results: [Result<[Float], ImagingError>] = []
        results.reserveCapacity(urls.count)
        let d = inputFormat.inputCount
        var chunkStart = 0
        while chunkStart < urls.count {
            let chunk = urls[chunkStart ..< min(urls.count, chunkStart + chunkSize)]
            let budget = MemoryBudget()  // workers take turns at images that cannot stream
            let vectors = Parallel.map(chunk.count, threads: threads) { i -> Result<[Float], ImagingError> in
                do throws(ImagingError) {
                    return .success(try inputs(contentsOf: chunk[chunk.startIndex + i], budget: budget))
                } catch {
                    return .failure(error)
                }
            }
            let good = vectors.compactMap { try? $0.get() }
            var batch = Matrix(rows: good.count, columns: d)
            for (row, v) in good.enumerated() {
                batch.elements.replaceSubrange(row * d ..< (row + 1) * d, with: v)
            }
            let output = good.isEmpty ? batch : network.forward(batch, temperature: temperature, engine: engine, threads: threads)
            var row = 0
            for v in vectors {
                switch v {
                case .success:
                    let k = output.columns
                    results.append(.success(Array(output.elements[row * k ..< (row + 1) * k])))
                    row += 1
                case let .failure(error):
                    results.append(.failure(error))
                }
            }
            chunkStart += chunkSize
        }
        return results
    }
}
