import Dispatch

/// The package's one parallel-for: PNG decoding (`Imaging`), the built-in matrix kernel's
/// threads and batched prediction (`Classifier`) all run through it.
public enum Parallel {
    /// Runs `body(i)` for every `i` in `0 ..< count` on up to `threads` workers (worker `t` takes
    /// `t, t + workers, t + 2·workers, …`) and returns when all are done. With one worker, or one
    /// index, `body` runs inline on the calling thread.
    ///
    /// Contract: calls for different `i` touch disjoint memory (each writes its own slot or slice
    /// of a buffer the caller owns and does not touch until this returns). Under that contract
    /// `body` need not be `@Sendable`: it is shared with libdispatch's pool threads only while
    /// this call waits for them, which is what the one `@unchecked Sendable` wrapper below
    /// asserts to the compiler; nothing it captures outlives the call.
    public static func forEach(_ count: Int, threads: Int, _ body: (Int) -> Void) {
        let workers = max(1, min(threads, count))
        guard count > 0 else { return }
        if workers == 1 {
            for i in 0 ..< count { body(i) }
            return
        }
        withoutActuallyEscaping(body) { body in
            let shared = SharedWhileWaiting(body)
            DispatchQueue.concurrentPerform(iterations: workers) { t in
                var i = t
                while i < count {
                    shared.body(i)
                    i += workers
                }
            }
        }
    }

    /// `(0 ..< count).map(transform)` on up to `threads` workers, results in index order.
    public static func map<Result>(_ count: Int, threads: Int, _ transform: (Int) -> Result) -> [Result] {
        [Result](unsafeUninitializedCapacity: count) { buffer, initialized in
            guard let base = buffer.baseAddress else { initialized = 0; return }
            forEach(count, threads: threads) { i in (base + i).initialize(to: transform(i)) }
            initialized = count
        }
    }
}

/// A closure handed to `concurrentPerform` for the duration of one `Parallel.forEach` call.
private struct SharedWhileWaiting: @unchecked Sendable {
    let body: (Int) -> Void
    init(_ body: @escaping (Int) -> Void) { self.body = body }
}
