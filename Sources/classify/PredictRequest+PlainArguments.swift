extension PredictRequest {
    /// Reads the plain, valid `predict` arguments without ArgumentParser: image paths that do not
    /// start with `-`, and `--model F`, `--top K`, `--json`, `--threads N`, `--min-confidence P`
    /// at most once each, with values parsed as ArgumentParser parses them (`Int(_:)`, `Double(_:)`).
    /// Everything else (`--help`, `--model=F`, `--`, a value starting with `-`, a repeated or
    /// unknown option, any usage error) gives nil, and `Classify.main` hands the arguments to
    /// ArgumentParser, which then prints its usual messages.
    ///
    /// Why: reflecting the command's property wrappers and decoding them costs ArgumentParser about
    /// 1.5 ms per start, as much as reading the model; a one-image prediction should take under 10 ms.
    init?(plainArguments arguments: [String]) {
        self.init(images: [])
        var seen: Set<String> = []
        var index = arguments.startIndex
        while index < arguments.endIndex {
            let argument = arguments[index]
            index += 1
            guard argument.hasPrefix("-") else {
                images.append(argument)
                continue
            }
            guard seen.insert(argument).inserted else { return nil }
            if argument == "--json" {
                json = true
                continue
            }
            guard index < arguments.endIndex, !arguments[index].hasPrefix("-") else { return nil }
            let value = arguments[index]
            index += 1
            switch argument {
            case "--model": model = value
            case "--top": guard let k = Int(value) else { return nil }; top = k
            case "--threads": guard let n = Int(value) else { return nil }; threads = n
            case "--min-confidence": guard let p = Double(value) else { return nil }; minConfidence = p
            default: return nil
            }
        }
        guard problem == nil, ThreadOptions.isValid(threads) else { return nil }
    }
}
