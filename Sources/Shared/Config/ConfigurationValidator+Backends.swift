/// `backends:`: types, endpoints, TLS, and the bucket routes (globs, renames, key prefixes,
/// regions, the default backend).
extension ConfigurationValidator {
    func validateBackends() throws {
        var names = Set<String>()
        var defaultBackend: String?
        for (index, backend) in config.backends.enumerated() {
            let field = "backends[\(index)]"
            if backend.name.isEmpty { throw config.error("\(field).name", "must not be empty") }
            if !names.insert(backend.name).inserted {
                throw config.error("\(field).name", "backend '\(backend.name)' is configured twice")
            }
            if backend.isDefault {
                if let other = defaultBackend {
                    throw config.error("\(field).default", "backend '\(other)' is already the default; only one backend can be")
                }
                defaultBackend = backend.name
                if !backend.regions.isEmpty {
                    throw config.error(
                        "\(field).regions", "a default backend takes every request no other backend routes; regions cannot restrict it")
                }
            } else if backend.buckets.isEmpty {
                throw config.error("\(field).buckets", "at least one bucket pattern is required (or make the backend the default)")
            }
            for (i, route) in backend.buckets.enumerated() {
                try validate(route, field: "\(field).buckets[\(i)]")
            }
            for (i, region) in backend.regions.enumerated() where !Self.isRegionName(region) {
                throw config.error("\(field).regions[\(i)]", "expected a region name such as eu-central-1, got '\(region)'")
            }
            switch backend.type {
            case .filesystem:
                if (backend.path ?? "").isEmpty {
                    throw config.error("\(field).path", "required for a filesystem backend")
                }
                if backend.addressing != .path { throw config.error("\(field).addressing", "only for s3 backends") }
                if backend.caBundle != nil { throw config.error("\(field).caBundle", "only for s3 backends") }
                if backend.insecureSkipTLSVerify { throw config.error("\(field).insecureSkipTLSVerify", "only for s3 backends") }
                if backend.webIdentity != nil || backend.anonymous || backend.accessKeyId != nil {
                    throw config.error(field, "credentials (accessKeyId, webIdentity, anonymous) are only for s3 backends")
                }
            case .s3:
                guard let endpoint = backend.endpoint, endpoint.hasPrefix("http://") || endpoint.hasPrefix("https://") else {
                    throw config.error("\(field).endpoint", "required for an s3 backend: an http(s) URL")
                }
                if let problem = Self.endpointProblem(endpoint) { throw config.error("\(field).endpoint", problem) }
                if (backend.accessKeyId == nil) != (backend.secretAccessKey == nil) {
                    throw config.error("\(field).secretAccessKey", "accessKeyId and secretAccessKey go together")
                }
                if !(1...4096).contains(backend.maxConnections) {
                    throw config.error("\(field).maxConnections", "must be between 1 and 4096")
                }
                // Zero would mean "no timeout" to the HTTP client: a dead backend would hang requests.
                if !(1...3600).contains(backend.connectTimeoutSeconds) {
                    throw config.error("\(field).connectTimeoutSeconds", "must be between 1 and 3600")
                }
                if !(1...86400).contains(backend.readTimeoutSeconds) {
                    throw config.error("\(field).readTimeoutSeconds", "must be between 1 and 86400")
                }
                if !(0...10).contains(backend.retries) {
                    throw config.error("\(field).retries", "must be between 0 and 10")
                }
                let https = endpoint.hasPrefix("https://")
                if let bundle = backend.caBundle {
                    if bundle.isEmpty { throw config.error("\(field).caBundle", "must name a PEM file") }
                    if !https { throw config.error("\(field).caBundle", "the endpoint is not https") }
                    if backend.insecureSkipTLSVerify {
                        throw config.error("\(field).insecureSkipTLSVerify", "contradicts caBundle: choose one")
                    }
                }
                if backend.insecureSkipTLSVerify && !https {
                    throw config.error("\(field).insecureSkipTLSVerify", "the endpoint is not https")
                }
                try validateBackendCredentials(backend, field: field)
            }
        }
    }

    /// A bucket route: a valid name or glob, a rename that names one bucket per client bucket,
    /// a usable key prefix.
    private func validate(_ route: BucketRouteSettings, field: String) throws {
        guard Self.isBucketGlob(route.bucket) else {
            throw config.error(
                "\(field).bucket",
                "expected a bucket name or a glob of lowercase letters, digits, '.', '-', '*' and '?', got '\(route.bucket)'")
        }
        if let target = route.backendBucket {
            if route.isGlob {
                // A glob can only be renamed when each matching name yields its own backend
                // name: one `*` on each side, the matched part carried over.
                let stars = route.bucket.filter { $0 == "*" }.count
                guard stars == 1, !route.bucket.contains("?"), target.filter({ $0 == "*" }).count == 1, !target.contains("?") else {
                    throw config.error(
                        "\(field).backendBucket",
                        "renaming the glob '\(route.bucket)' needs exactly one '*' in both bucket and backendBucket (and no '?'), "
                            + "so that each bucket maps to its own backend bucket")
                }
                guard Self.isBucketGlob(target) else {
                    throw config.error("\(field).backendBucket", "not a valid bucket name pattern: '\(target)'")
                }
            } else if !Self.isBucketGlob(target) || target.contains("*") || target.contains("?") || target.utf8.count < 3 {
                throw config.error("\(field).backendBucket", "not a valid bucket name: '\(target)'")
            }
        }
        if let prefix = route.keyPrefix {
            if prefix.isEmpty { throw config.error("\(field).keyPrefix", "must not be empty (leave it out for none)") }
            if prefix.utf8.count > 512 { throw config.error("\(field).keyPrefix", "longer than 512 bytes") }
            if prefix.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7F }) {
                throw config.error("\(field).keyPrefix", "must not contain control characters")
            }
        }
    }

    /// Bucket-name characters plus `*` and `?`, 1–63 long.
    static func isBucketGlob(_ text: String) -> Bool {
        (1...63).contains(text.utf8.count)
            && text.utf8.allSatisfy { byte in
                (0x61...0x7A).contains(byte) || (0x30...0x39).contains(byte) || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
                    || byte == UInt8(ascii: "*") || byte == UInt8(ascii: "?")
            }
    }

    static func isRegionName(_ text: String) -> Bool {
        !text.isEmpty && text.utf8.count <= 64
            && text.utf8.allSatisfy { (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == UInt8(ascii: "-") }
    }
}

extension ConfigurationValidator {
    /// Why an `s3` endpoint is not `http(s)://host[:port]` (a trailing `/` allowed), or nil.
    ///
    /// The proxy builds each upstream URL and the signed `Host` from exactly that: a path or query
    /// would be lost from the signature or sent where it does not belong, and user information
    /// would travel in the `Host` header.
    static func endpointProblem(_ endpoint: String) -> String? {
        guard let schemeEnd = endpoint.range(of: "://") else { return "expected an http(s) URL" }
        var authority = endpoint[schemeEnd.upperBound...]
        while authority.hasSuffix("/") { authority.removeLast() }
        if authority.contains("@") {
            return "must not contain user information; configure the backend's credentials instead"
        }
        if authority.contains(where: { $0 == "/" || $0 == "?" || $0 == "#" }) {
            return "must be scheme://host[:port], without a path, query or fragment"
        }
        var host = authority
        var port: Substring?
        if authority.hasPrefix("[") {
            guard let close = authority.firstIndex(of: "]") else { return "an IPv6 address needs its closing ]" }
            host = authority[...close]
            let after = authority[authority.index(after: close)...]
            if !after.isEmpty {
                guard after.hasPrefix(":") else { return "expected :port after the IPv6 address" }
                port = after.dropFirst()
            }
        } else if let colon = authority.lastIndex(of: ":") {
            host = authority[..<colon]
            port = authority[authority.index(after: colon)...]
        }
        if host.isEmpty || host == "[]" { return "has no host" }
        if let port, !(port.allSatisfy { $0.isASCII && $0.isNumber } && (Int(port).map { (1...65535).contains($0) } ?? false)) {
            return "the port must be a number from 1 to 65535"
        }
        return nil
    }
}
