/// Finds the bucket in a virtual-hosted-style Host (`bucket.s3.example.com`), following
/// wire-semantics §6: port stripped, lowercased, trailing dot dropped, longest base domain first.
/// A Host that is a base domain, or matches none (an IP address, an internal service name), is
/// path-style, so S3Server stays reachable however it is addressed.
struct VirtualHostResolver: Sendable {
    private let baseDomains: [String]

    init(baseDomains: [String]) {
        self.baseDomains = baseDomains.map { $0.lowercased() }.sorted { $0.utf8.count > $1.utf8.count }
    }

    /// The bucket named by `authority`, or nil for path-style.
    func bucket(forAuthority authority: String?) throws(S3Error) -> String? {
        guard !baseDomains.isEmpty, let authority else { return nil }
        var host = Substring(authority.lowercased())
        if host.hasPrefix("[") { return nil }  // an IPv6 literal is never virtual-hosted
        if let colon = host.lastIndex(of: ":") { host = host[..<colon] }
        if host.hasSuffix(".") { host = host.dropLast() }
        for domain in baseDomains {
            if host == domain { return nil }
            if host.hasSuffix("." + domain) {
                let bucket = String(host.dropLast(domain.utf8.count + 1))
                // Bucket names may contain dots; anything else is not a bucket we can serve.
                guard BucketName.isValid(bucket) else {
                    throw S3Error("InvalidBucketName", "The specified bucket is not valid.", status: 400, details: [("BucketName", bucket)])
                }
                return bucket
            }
        }
        return nil
    }
}
