#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto

/// Loads and creates the key files named in `sessionKeys:`.
public enum SessionKeyMaterial {
    /// The signer STSServer uses: the `signing` key and the active derivation key.
    public static func signer(from config: PortcullisConfiguration) throws -> SessionTokenSigner {
        guard let signing = config.sessionKeys.signing else {
            throw config.error("sessionKeys.signing", "required by STSServer")
        }
        let key = try wrap(config, "sessionKeys.signing.file") {
            try P256.Signing.PrivateKey(pemRepresentation: try readText(config.path(signing.file)))
        }
        let derivations = try derivations(from: config)
        let activeID = config.sessionKeys.activeDerivation ?? derivations.first?.id
        guard let active = derivations.first(where: { $0.id == activeID }) else {
            throw config.error("sessionKeys.derivation", "at least one derivation key is required")
        }
        return SessionTokenSigner(keyID: signing.id, key: key, derivation: active)
    }

    /// The verifier S3Server (and STSServer, for GetCallerIdentity) uses.
    public static func verifier(from config: PortcullisConfiguration) throws -> SessionTokenVerifier {
        var keys: [String: P256.Signing.PublicKey] = [:]
        for (index, entry) in config.sessionKeys.verification.enumerated() {
            keys[entry.id] = try wrap(config, "sessionKeys.verification[\(index)].file") {
                try P256.Signing.PublicKey(pemRepresentation: try readText(config.path(entry.file)))
            }
        }
        if keys.isEmpty {
            throw config.error("sessionKeys.verification", "at least one verification key is required")
        }
        let derivations = try derivations(from: config)
        if derivations.isEmpty {
            throw config.error("sessionKeys.derivation", "at least one derivation key is required")
        }
        return SessionTokenVerifier(verificationKeys: keys, derivations: derivations)
    }

    /// STSServer's verifier (GetCallerIdentity): the configured verification keys plus the
    /// signing key's own public half, so that an STS-only configuration needs no extra entry.
    public static func stsVerifier(from config: PortcullisConfiguration) throws -> SessionTokenVerifier {
        var keys: [String: P256.Signing.PublicKey] = [:]
        for (index, entry) in config.sessionKeys.verification.enumerated() {
            keys[entry.id] = try wrap(config, "sessionKeys.verification[\(index)].file") {
                try P256.Signing.PublicKey(pemRepresentation: try readText(config.path(entry.file)))
            }
        }
        if let signing = config.sessionKeys.signing, keys[signing.id] == nil {
            keys[signing.id] = try wrap(config, "sessionKeys.signing.file") {
                try P256.Signing.PrivateKey(pemRepresentation: try readText(config.path(signing.file))).publicKey
            }
        }
        return SessionTokenVerifier(verificationKeys: keys, derivations: try derivations(from: config))
    }

    static func derivations(from config: PortcullisConfiguration) throws -> [SecretKeyDerivation] {
        try config.sessionKeys.derivation.enumerated().map { index, entry in
            try wrap(config, "sessionKeys.derivation[\(index)].file") {
                let path = config.path(entry.file)
                guard let bytes = Base64URL.decodeStandard(try readText(path)), bytes.count >= 32 else {
                    throw SessionKeyError.invalidDerivationKey(path: path)
                }
                return try SecretKeyDerivation(id: entry.id, keyBytes: bytes)
            }
        }
    }

    static func readText(_ path: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else { throw SessionKeyError.unreadable(path: path) }
        return String(decoding: data, as: UTF8.self)
    }

    private static func wrap<T>(_ config: PortcullisConfiguration, _ field: String, _ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as SessionKeyError {
            throw config.error(field, error.description)
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw config.error(field, "not a valid P-256 PEM key (\(error))")
        }
    }

    // MARK: Generation

    /// Writes a new signing key pair and derivation key into `directory`, skipping files that
    /// exist, and returns the paths written. Files are created readable by the owner only.
    @discardableResult
    public static func generate(in directory: String, id: String, devIssuer: Bool) throws -> [String] {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        var written: [String] = []
        let signingPath = "\(directory)/session-signing-\(id).pem"
        let publicPath = "\(directory)/session-signing-\(id).pub.pem"
        if !FileManager.default.fileExists(atPath: signingPath) {
            let key = P256.Signing.PrivateKey()
            try writeSecret(key.pemRepresentation + "\n", to: signingPath)
            try (key.publicKey.pemRepresentation + "\n").write(toFile: publicPath, atomically: true, encoding: .utf8)
            written += [signingPath, publicPath]
        } else if !FileManager.default.fileExists(atPath: publicPath) {
            let key = try P256.Signing.PrivateKey(pemRepresentation: try readText(signingPath))
            try (key.publicKey.pemRepresentation + "\n").write(toFile: publicPath, atomically: true, encoding: .utf8)
            written.append(publicPath)
        }
        let derivationPath = "\(directory)/derivation-\(id).key"
        if !FileManager.default.fileExists(atPath: derivationPath) {
            var generator = SystemRandomNumberGenerator()
            let bytes = (0..<32).map { _ in UInt8.random(in: .min ... .max, using: &generator) }
            try writeSecret(Base64.encode(bytes) + "\n", to: derivationPath)
            written.append(derivationPath)
        }
        let issuerPath = "\(directory)/dev-issuer.pem"
        if devIssuer && !FileManager.default.fileExists(atPath: issuerPath) {
            try writeSecret(P256.Signing.PrivateKey().pemRepresentation + "\n", to: issuerPath)
            written.append(issuerPath)
        }
        return written
    }

    private static func writeSecret(_ text: String, to path: String) throws {
        guard FileManager.default.createFile(atPath: path, contents: Data(text.utf8), attributes: [.posixPermissions: 0o600]) else {
            throw SessionKeyError.unreadable(path: path)
        }
    }
}

extension Base64URL {
    /// Decodes standard base64 (with or without padding), ignoring surrounding whitespace.
    public static func decodeStandard(_ text: String) -> [UInt8]? {
        Base64.decode(text.trimmingASCIIWhitespace())
    }
}
