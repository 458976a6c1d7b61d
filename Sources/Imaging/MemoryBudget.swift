import Platform
import Parallel

/// Bytes shared by the workers of one parallel decode: an image that must be decoded whole
/// (interlaced, or not taller than the input so it cannot stream) reserves its estimate first and
/// waits while others hold the budget, so eight workers never hold eight whole bombs at once.
/// One image larger than the whole budget still runs, alone.
public final class MemoryBudget: @unchecked Sendable {
    /// The budget of one folder load or prediction run: 256 MiB.
    public static let defaultBytes = 256 << 20

    /// The total the workers may hold at once.
    public let bytes: Int
    private let condition = Condition()
    private var used = 0

    /// A budget of `bytes`.
    public init(bytes: Int = MemoryBudget.defaultBytes) {
        self.bytes = bytes
    }

    /// Runs `body` once `count` bytes fit (or nothing else is reserved), then returns them.
    public func reserving<R, E: Error>(_ count: Int, _ body: () throws(E) -> R) throws(E) -> R {
        condition.lock()
        while used > 0 && used + count > bytes { condition.wait() }
        used += count
        condition.unlock()
        defer {
            condition.lock()
            used -= count
            condition.broadcast()
            condition.unlock()
        }
        return try body()
    }

    /// What decoding an image whole and preprocessing it holds: the 16-bit samples, an 8-bit
    /// de-interlacing buffer, and the Float image of the target colour.
    static func wholeDecodeEstimate(width: Int, height: Int, channels: Int, outputChannels: Int) -> Int {
        width * height * (channels * 3 + outputChannels * 4)
    }
}
