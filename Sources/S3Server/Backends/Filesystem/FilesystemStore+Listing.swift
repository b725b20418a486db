extension FilesystemStore {
    /// Lists a bucket page (ListObjects V1 and V2 share this; only the XML differs).
    ///
    /// S3 semantics: keys are compared as UTF-8 bytes (not Swift `String` order, which is by
    /// canonical equivalence and would even merge distinct keys); only keys strictly after the
    /// marker are considered; with a delimiter, keys whose remainder after `prefix` contains it
    /// roll up into one common prefix, which counts once toward `maxKeys`. A marker equal to a
    /// common prefix (our own `NextMarker`) skips that whole prefix, so pages never repeat it.
    ///
    /// - Throws: `NoSuchBucket`, `InvalidArgument` (negative `maxKeys`, bad continuation token).
    func listObjects(bucket: String, _ request: ListObjectsRequest) async throws -> ListObjectsResult {
        try validate(bucket: bucket)
        guard request.maxKeys >= 0 else { throw S3StoreError.invalidArgument("max-keys cannot be negative") }
        let maxKeys = min(request.maxKeys, 1000)
        let marker: String? =
            if let token = request.continuationToken {
                try ListObjectsResult.decodeContinuationToken(token)
            } else {
                request.startAfter
            }
        let records = try await allRecords(bucket: bucket, prefix: request.prefix)
        // max-keys=0 asks for nothing: an empty, untruncated page (as MinIO answers).
        guard maxKeys > 0 else {
            return ListObjectsResult(objects: [], commonPrefixes: [], isTruncated: false, nextMarker: nil, maxKeys: 0)
        }
        let markerBytes = marker.map { Array($0.utf8) }
        let delimiterBytes = request.delimiter.flatMap { $0.isEmpty ? nil : Array($0.utf8) }
        let prefixCount = request.prefix.utf8.count

        var result = ListObjectsResult(objects: [], commonPrefixes: [], isTruncated: false, nextMarker: nil, maxKeys: maxKeys)
        var lastPrefix: [UInt8]?
        var returned = 0
        var lastReturned: String?
        for (keyBytes, record) in records {
            if let markerBytes, !markerBytes.lexicographicallyPrecedes(keyBytes) { continue }
            if let delimiterBytes,
                let cut = Self.firstRange(of: delimiterBytes, in: keyBytes, from: prefixCount)
            {
                let common = Array(keyBytes[..<cut])
                if common == lastPrefix || common == markerBytes { continue }
                if returned == maxKeys {
                    result.isTruncated = true
                    break
                }
                lastPrefix = common
                lastReturned = String(decoding: common, as: UTF8.self)
                result.commonPrefixes.append(lastReturned!)
            } else {
                if returned == maxKeys {
                    result.isTruncated = true
                    break
                }
                lastReturned = record.key
                result.objects.append(record.objectInfo())
            }
            returned += 1
        }
        if result.isTruncated { result.nextMarker = lastReturned }
        return result
    }

    /// Every object record in the bucket whose key starts with `prefix`, sorted by UTF-8 bytes.
    func allRecords(bucket: String, prefix: String) async throws -> [(key: [UInt8], record: FSObjectRecord)] {
        let objects = bucketPath(bucket) + "/objects"
        let prefixBytes = Array(prefix.utf8)
        return try await io {
            try requireBucket(bucket)
            var found: [(key: [UInt8], record: FSObjectRecord)] = []
            for shard in try FSFileIO.listDirectory(objects) {
                let shardPath = objects + "/" + shard
                for name in try FSFileIO.listDirectory(shardPath) where name.hasSuffix(".obj") {
                    // A file can vanish between readdir and open (concurrent DELETE): skip it.
                    guard let record = try FSObjectFile.readRecord(atPath: shardPath + "/" + name) else { continue }
                    let key = Array(record.key.utf8)
                    guard key.starts(with: prefixBytes) else { continue }
                    found.append((key, record))
                }
            }
            found.sort { $0.key.lexicographicallyPrecedes($1.key) }
            return found
        }
    }

    /// Index just past the first occurrence of `needle` in `haystack` at or after `from`.
    static func firstRange(of needle: [UInt8], in haystack: [UInt8], from: Int) -> Int? {
        guard !needle.isEmpty, haystack.count - from >= needle.count else { return nil }
        var i = from
        while i + needle.count <= haystack.count {
            if haystack[i] == needle[0] && haystack[i..<(i + needle.count)].elementsEqual(needle) {
                return i + needle.count
            }
            i += 1
        }
        return nil
    }
}
