import Testing

@testable import Shared

/// `backends:` routing and TLS settings: what loads, and each mistake named by file and field.
@Suite struct BackendRoutingConfigurationTests {
    func validate(_ backends: String) throws -> PortcullisConfiguration {
        var config = try ConfigurationLoader.decode("backends:\n" + backends, source: "etc/test.yaml")
        config.sourcePath = "etc/test.yaml"
        try ConfigurationValidator(config).validate()
        return config
    }

    /// The endpoint is where requests go and what `Host` is signed: scheme, host and port only.
    @Test(arguments: [
        ("https://s3.example.com", nil),
        ("http://127.0.0.1:9000/", nil),
        ("https://[::1]:8443", nil),
        ("http://[fd00::1]", nil),
        ("https://s3.example.com/prefix", "without a path, query or fragment"),
        ("https://s3.example.com?x=1", "without a path, query or fragment"),
        ("https://s3.example.com#f", "without a path, query or fragment"),
        ("https://key:secret@s3.example.com", "must not contain user information"),
        ("https://", "has no host"),
        ("https://:9000", "has no host"),
        ("https://s3.example.com:", "the port must be a number from 1 to 65535"),
        ("https://s3.example.com:0", "the port must be a number from 1 to 65535"),
        ("https://s3.example.com:+80", "the port must be a number from 1 to 65535"),
        ("https://s3.example.com:65536", "the port must be a number from 1 to 65535"),
        ("https://[::1", "needs its closing ]"),
        ("https://[::1]x", "expected :port after the IPv6 address"),
    ] as [(String, String?)])
    func endpointIsSchemeHostAndPort(endpoint: String, problem: String?) throws {
        let backend = "  - { name: a, type: s3, endpoint: '\(endpoint)', anonymous: true }"
        guard let problem else {
            #expect(try validate(backend).backends[0].endpoint == endpoint)
            return
        }
        #expect {
            try validate(backend)
        } throws: { error in
            "\(error)".hasPrefix("etc/test.yaml: backends[0].endpoint: ") && "\(error)".contains(problem)
        }
    }

    @Test func plainGlobsStillLoad() throws {
        let config = try validate("  - { name: a, type: filesystem, path: d, buckets: ['logs-*', data] }")
        #expect(config.backends[0].buckets == [BucketRouteSettings(bucket: "logs-*"), BucketRouteSettings(bucket: "data")])
        #expect(config.backends[0].regions.isEmpty)
        #expect(!config.backends[0].isDefault)
    }

    @Test func bucketsDefaultToEverythingExceptOnTheDefaultBackend() throws {
        let config = try validate(
            """
              - { name: a, type: filesystem, path: d }
              - { name: b, type: filesystem, path: e, default: true }
            """)
        #expect(config.backends[0].buckets == [BucketRouteSettings(bucket: "*")])
        #expect(config.backends[1].buckets.isEmpty)
        #expect(config.backends[1].isDefault)
    }

    @Test func mappedRoutesRegionsAndTLSLoad() throws {
        let config = try validate(
            """
              - name: corp
                type: s3
                endpoint: https://s3.example.com:8443
                anonymous: true
                addressing: virtual
                caBundle: ca.pem
                regions: [eu-central-1]
                buckets:
                  - "logs-*"
                  - { bucket: team-a, backendBucket: corp-team-a, keyPrefix: "portcullis/" }
                  - { bucket: "proj-*", backendBucket: "corp-proj-*" }
            """)
        let backend = config.backends[0]
        #expect(backend.addressing == .virtual)
        #expect(backend.caBundle == "ca.pem")
        #expect(backend.regions == ["eu-central-1"])
        #expect(backend.buckets[1] == BucketRouteSettings(bucket: "team-a", backendBucket: "corp-team-a", keyPrefix: "portcullis/"))
        #expect(backend.buckets[2].backendBucket == "corp-proj-*")
    }

    @Test(arguments: [
        ("  - { name: a, type: filesystem, path: d, buckets: ['Logs'] }", "etc/test.yaml: backends[0].buckets[0].bucket: expected a bucket name or a glob"),
        ("  - { name: a, type: filesystem, path: d, buckets: ['a[b]'] }", "etc/test.yaml: backends[0].buckets[0].bucket: expected a bucket name or a glob"),
        ("  - { name: a, type: filesystem, path: d, buckets: [''] }", "etc/test.yaml: backends[0].buckets[0].bucket: expected a bucket name or a glob"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: 'x-*', backendBucket: y }] }",
         "etc/test.yaml: backends[0].buckets[0].backendBucket: renaming the glob 'x-*' needs exactly one '*'"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: 'x-*-*', backendBucket: 'y-*' }] }",
         "etc/test.yaml: backends[0].buckets[0].backendBucket: renaming the glob"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: 'x-?', backendBucket: 'y-*' }] }",
         "etc/test.yaml: backends[0].buckets[0].backendBucket: renaming the glob"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: x, backendBucket: 'Bad_Name' }] }",
         "etc/test.yaml: backends[0].buckets[0].backendBucket: not a valid bucket name"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: x, keyPrefix: '' }] }",
         "etc/test.yaml: backends[0].buckets[0].keyPrefix: must not be empty"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ bucket: x, prefix: p/ }] }", "etc/test.yaml: backends[0].buckets[0].prefix: unknown key"),
        ("  - { name: a, type: filesystem, path: d, buckets: [{ backendBucket: y }] }", "etc/test.yaml: backends[0].buckets[0].bucket:"),
        ("  - { name: a, type: filesystem, path: d, buckets: [] }", "etc/test.yaml: backends[0].buckets: at least one bucket pattern"),
        ("  - { name: a, type: filesystem, path: d, default: true }\n  - { name: b, type: filesystem, path: e, default: true }",
         "etc/test.yaml: backends[1].default: backend 'a' is already the default"),
        ("  - { name: a, type: filesystem, path: d, default: true, regions: [eu-west-1] }",
         "etc/test.yaml: backends[0].regions: a default backend takes every request"),
        ("  - { name: a, type: filesystem, path: d, regions: ['EU West'] }", "etc/test.yaml: backends[0].regions[0]: expected a region name"),
        ("  - { name: a, type: filesystem, path: d, addressing: virtual }", "etc/test.yaml: backends[0].addressing: only for s3 backends"),
        ("  - { name: a, type: s3, endpoint: 'https://x', addressing: sideways }", "etc/test.yaml: backends[0].addressing:"),
        ("  - { name: a, type: s3, endpoint: 'http://x', caBundle: ca.pem }", "etc/test.yaml: backends[0].caBundle: the endpoint is not https"),
        ("  - { name: a, type: s3, endpoint: 'http://x', insecureSkipTLSVerify: true }",
         "etc/test.yaml: backends[0].insecureSkipTLSVerify: the endpoint is not https"),
        ("  - { name: a, type: s3, endpoint: 'https://x', caBundle: ca.pem, insecureSkipTLSVerify: true }",
         "etc/test.yaml: backends[0].insecureSkipTLSVerify: contradicts caBundle"),
        ("  - { name: a, type: s3, endpoint: 'https://x', insecureSkipTlsVerify: true }", "etc/test.yaml: backends[0].insecureSkipTlsVerify: unknown key"),
        ("  - { name: a, type: filesystem, path: d }\n  - { name: a, type: filesystem, path: e }", "etc/test.yaml: backends[1].name: backend 'a' is configured twice"),
    ])
    func badRoutingNamesFileAndField(backends: String, expected: String) {
        do {
            _ = try validate(backends)
            Issue.record("accepted: \(backends)")
        } catch {
            #expect(String(describing: error).hasPrefix(expected), "\(error)")
        }
    }
}
