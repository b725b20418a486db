import Crypto
import CryptoExtras
import Foundation
import Logging
import Synchronization
import Testing

@testable import Shared

/// In-memory ``OIDCDocumentFetcher``: serves documents by URL, counts requests, injects failures.
final class FakeFetcher: OIDCDocumentFetcher {
    private struct State {
        var documents: [String: OIDCFetchedDocument] = [:]
        var failing: Set<String> = []
        var counts: [String: Int] = [:]
    }

    private let state = Mutex(State())
    private let delay: Duration?

    init(delay: Duration? = nil) {
        self.delay = delay
    }

    func fetch(url: String) async throws -> OIDCFetchedDocument {
        let document = state.withLock { state -> OIDCFetchedDocument? in
            state.counts[url, default: 0] += 1
            return state.failing.contains(url) ? nil : state.documents[url]
        }
        if let delay { try await Task.sleep(for: delay) }
        guard let document else { throw OIDCFetchError("fake: \(url) unavailable") }
        return document
    }

    func serve(_ url: String, json: JSONValue, maxAge: Int? = nil) {
        let body = [UInt8](try! JSONEncoder().encode(json))
        state.withLock { $0.documents[url] = OIDCFetchedDocument(body: body, cacheControlMaxAge: maxAge) }
    }

    func setFailing(_ url: String, _ failing: Bool) {
        state.withLock { state in
            if failing { state.failing.insert(url) } else { state.failing.remove(url) }
        }
    }

    func count(_ url: String) -> Int {
        state.withLock { $0.counts[url, default: 0] }
    }
}

/// How a test token is signed.
enum TestSigner {
    case rs256(_RSA.Signing.PrivateKey)
    case ps256(_RSA.Signing.PrivateKey)
    case es256(P256.Signing.PrivateKey)
    case edDSA(Curve25519.Signing.PrivateKey)
    case hs256([UInt8])
    case unsigned

    func sign(_ input: [UInt8]) throws -> [UInt8] {
        switch self {
        case .rs256(let key):
            return Array(try key.signature(for: SHA256.hash(data: input), padding: .insecurePKCS1v1_5).rawRepresentation)
        case .ps256(let key):
            return Array(try key.signature(for: SHA256.hash(data: input), padding: .PSS).rawRepresentation)
        case .es256(let key):
            return Array(try key.signature(for: input).rawRepresentation)
        case .edDSA(let key):
            return Array(try key.signature(for: input))
        case .hs256(let secret):
            return Array(HMAC<SHA256>.authenticationCode(for: input, using: SymmetricKey(data: secret)))
        case .unsigned:
            return []
        }
    }
}

/// Keys generated once per test process (RSA generation is slow) and their JWKs.
enum TestKeys {
    static let rsa = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let rsa2 = try! _RSA.Signing.PrivateKey(keySize: .bits2048)
    static let p256 = P256.Signing.PrivateKey()
    static let ed25519 = Curve25519.Signing.PrivateKey()

    static func rsaJWK(_ key: _RSA.Signing.PrivateKey, kid: String?, alg: String? = "RS256", use: String? = "sig") -> JSONValue {
        let primitives = try! key.publicKey.getKeyPrimitives()
        var members: [String: JSONValue] = [
            "kty": .string("RSA"),
            "n": .string(base64URL(primitives.modulus)),
            "e": .string(base64URL(primitives.publicExponent)),
        ]
        if let kid { members["kid"] = .string(kid) }
        if let alg { members["alg"] = .string(alg) }
        if let use { members["use"] = .string(use) }
        return .object(members)
    }

    static func p256JWK(_ key: P256.Signing.PrivateKey, kid: String?, alg: String? = "ES256") -> JSONValue {
        let raw = Array(key.publicKey.rawRepresentation)
        var members: [String: JSONValue] = [
            "kty": .string("EC"), "crv": .string("P-256"),
            "x": .string(base64URL(raw[0..<32])), "y": .string(base64URL(raw[32..<64])),
        ]
        if let kid { members["kid"] = .string(kid) }
        if let alg { members["alg"] = .string(alg) }
        return .object(members)
    }

    static func ed25519JWK(_ key: Curve25519.Signing.PrivateKey, kid: String) -> JSONValue {
        .object([
            "kty": .string("OKP"), "crv": .string("Ed25519"), "kid": .string(kid),
            "x": .string(base64URL(key.publicKey.rawRepresentation)),
        ])
    }
}

func base64URL(_ bytes: some DataProtocol) -> String {
    Data(bytes).base64EncodedString()
        .replacingOccurrences(of: "+", with: "-")
        .replacingOccurrences(of: "/", with: "_")
        .replacingOccurrences(of: "=", with: "")
}

func jsonBytes(_ value: JSONValue) -> [UInt8] {
    let encoder = JSONEncoder()
    encoder.outputFormatting = .sortedKeys
    return [UInt8](try! encoder.encode(value))
}

/// Builds a compact JWS by hand, so tests control every header field (including `none` and `HS256`).
func mint(header: [String: JSONValue], claims: [String: JSONValue], signer: TestSigner) throws -> String {
    let input = base64URL(jsonBytes(.object(header))) + "." + base64URL(jsonBytes(.object(claims)))
    return input + "." + base64URL(try signer.sign(Array(input.utf8)))
}

/// The standard fixture: one issuer with discovery, a JWKS URL and a fixed clock.
struct Fixture {
    static let issuer = "https://idp.example.com"
    static let discoveryURL = "https://idp.example.com/.well-known/openid-configuration"
    static let jwksURL = "https://idp.example.com/keys"
    static let audience = "portcullis"
    static let t0 = Date(timeIntervalSince1970: 1_700_000_000)

    let fetcher: FakeFetcher
    let verifier: OIDCVerifier

    init(
        keys: [JSONValue],
        allowedAlgorithms: [String] = ["RS256", "ES256"],
        audiences: [String] = [Fixture.audience],
        fetcher: FakeFetcher = FakeFetcher(),
        jwksMaxAge: Int? = nil,
        maxTokenAgeSeconds: Int? = nil,
        sharedSecret: [UInt8]? = nil
    ) throws {
        fetcher.serve(
            Self.discoveryURL,
            json: .object(["issuer": .string(Self.issuer), "jwks_uri": .string(Self.jwksURL)])
        )
        fetcher.serve(Self.jwksURL, json: .object(["keys": .array(keys)]), maxAge: jwksMaxAge)
        let configuration = OIDCProviderConfiguration(
            name: "test-idp",
            issuer: Self.issuer,
            audiences: audiences,
            allowedAlgorithms: allowedAlgorithms,
            maxTokenAgeSeconds: maxTokenAgeSeconds,
            sharedSecret: sharedSecret.map(OIDCSharedSecret.init)
        )
        self.fetcher = fetcher
        self.verifier = try OIDCVerifier(providers: [configuration], fetcher: fetcher, logger: quietLogger)
    }

    func setKeys(_ keys: [JSONValue], maxAge: Int? = nil) {
        fetcher.serve(Self.jwksURL, json: .object(["keys": .array(keys)]), maxAge: maxAge)
    }

    var jwksFetches: Int { fetcher.count(Self.jwksURL) }
    var discoveryFetches: Int { fetcher.count(Self.discoveryURL) }

    /// Claims of a valid token at ``t0``, with `changes` applied (`.null` removes a claim).
    static func claims(_ changes: [String: JSONValue] = [:]) -> [String: JSONValue] {
        var claims: [String: JSONValue] = [
            "iss": .string(issuer),
            "sub": .string("user-1"),
            "aud": .string(audience),
            "iat": .number(t0.timeIntervalSince1970 - 10),
            "exp": .number(t0.timeIntervalSince1970 + 3600),
            "email": .string("user@example.com"),
            "groups": .array([.string("dev"), .string("ops")]),
        ]
        for (name, value) in changes {
            claims[name] = value == .null ? nil : value
        }
        return claims
    }

    static func header(alg: String, kid: String?) -> [String: JSONValue] {
        var header: [String: JSONValue] = ["alg": .string(alg), "typ": .string("JWT")]
        if let kid { header["kid"] = .string(kid) }
        return header
    }

    static func rs256(kid: String? = "rsa-1", key: _RSA.Signing.PrivateKey = TestKeys.rsa, _ changes: [String: JSONValue] = [:]) throws -> String {
        try mint(header: header(alg: "RS256", kid: kid), claims: claims(changes), signer: .rs256(key))
    }

    static func es256(kid: String? = "ec-1", _ changes: [String: JSONValue] = [:]) throws -> String {
        try mint(header: header(alg: "ES256", kid: kid), claims: claims(changes), signer: .es256(TestKeys.p256))
    }
}

/// Runs `body` and returns the ``OIDCError`` it threw, recording an issue if it succeeded.
func verifyError(
    _ verifier: OIDCVerifier,
    _ token: String,
    now: Date = Fixture.t0,
    sourceLocation: SourceLocation = #_sourceLocation
) async -> OIDCError? {
    do {
        let identity = try await verifier.verify(token: token, now: now)
        Issue.record("expected failure, got identity for \(identity.subject)", sourceLocation: sourceLocation)
        return nil
    } catch {
        return error
    }
}

/// Tests provoke fetch failures on purpose; keep their log lines out of the test output.
let quietLogger = Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() })
