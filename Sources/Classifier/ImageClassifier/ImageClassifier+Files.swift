import Dispatch
import Foundation
import Imaging

extension ImageClassifier {
    /// Class probabilities for PNG files: decoding and preprocessing run in parallel on
    /// `threads` workers, then one batched forward pass per chunk.
    ///
    /// Shapes: each success holds `classes.count` probabilities in class order (summing to 1
    /// for a softmax network). Results come back in the order of `urls`; a file that cannot be
    /// read or decoded yields its `ImagingError` and does not affect the others.
    public func probabilities(forFiles urls: [URL], threads: Int, chunkSize: Int = 256) -> [Result<[Float], ImagingError>] {
        var results: [Result<[Float], ImagingError>] = []
        results.reserveCapacity(urls.count)
        let d = inputFormat.inputCount
        var chunkStart = 0
        while chunkStart < urls.count {
            let chunk = Array(urls[chunkStart ..< min(urls.count, chunkStart + chunkSize)])
            let decoded = ParallelResults<Result<[Float], ImagingError>>(count: chunk.count)
            let format = inputFormat
            let budget = MemoryBudget()  // workers take turns at images that cannot stream
            DispatchQueue.concurrentPerform(iterations: min(max(1, threads), chunk.count)) { worker in
                var i = worker
                while i < chunk.count {
                    do throws(ImagingError) {
                        decoded.set(i, .success(try format.inputVector(contentsOf: chunk[i], budget: budget)))
                    } catch {
                        decoded.set(i, .failure(error))
                    }
                    i += max(1, threads)
                }
            }
            let vectors = decoded.values
            let good = vectors.compactMap { try? $0.get() }
            var batch = Matrix(rows: good.count, columns: d)
            for (row, v) in good.enumerated() {
                batch.elements.replaceSubrange(row * d ..< (row + 1) * d, with: v)
            }
            let output = good.isEmpty ? batch : network.forward(batch)
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

/// Slots filled by parallel workers, one per index, read after all workers finish.
private final class ParallelResults<Value>: @unchecked Sendable {
    private let lock = NSLock()
    private var slots: [Value?]

    init(count: Int) { slots = Array(repeating: nil, count: count) }

    func set(_ index: Int, _ value: Value) {
        lock.lock()
        slots[index] = value
        lock.unlock()
    }

    /// All values; every slot must have been set.
    var values: [Value] {
        lock.lock()
        defer { lock.unlock() }
        return slots.compactMap { $0 }
    }
}
