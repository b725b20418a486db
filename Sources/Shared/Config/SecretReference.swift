#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif

/// Where a secret comes from. Secrets are never written into the main configuration file in
/// production: `{file: PATH}` or `{env: NAME}`; `{value: …}` exists for tests and local setups.
public enum SecretReference: Sendable, Equatable, Decodable {
    case value(String)
    case environment(String)
    case file(String)

    enum CodingKeys: String, CodingKey, CaseIterable {
        case value, env, file
    }

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        let present = container.allKeys
        guard present.count == 1, let key = present.first else {
            throw DecodingError.dataCorrupted(
                .init(codingPath: decoder.codingPath, debugDescription: "exactly one of 'value', 'env' or 'file' is required")
            )
        }
        let text = try container.decode(String.self, forKey: key)
        switch key {
        case .value: self = .value(text)
        case .env: self = .environment(text)
        case .file: self = .file(text)
        }
    }

    /// Reads the secret. Relative files resolve against `baseDirectory`.
    public func resolve(baseDirectory: String, environment: [String: String]) throws -> String {
        switch self {
        case .value(let text):
            return text
        case .environment(let name):
            guard let text = environment[name], !text.isEmpty else {
                throw SecretResolutionError(problem: "environment variable \(name) is not set")
            }
            return text
        case .file(let path):
            let full = ConfigurationPaths.resolve(path, against: baseDirectory)
            guard let data = FileManager.default.contents(atPath: full) else {
                throw SecretResolutionError(problem: "cannot read file \(full)")
            }
            return String(decoding: data, as: UTF8.self).trimmingASCIIWhitespace()
        }
    }
}

/// Why a secret could not be read; wrapped into a `ConfigurationError` by the loader.
public struct SecretResolutionError: Error, Sendable {
    public let problem: String
}

/// Path helpers for configuration: relative paths are relative to the configuration file.
public enum ConfigurationPaths {
    public static func resolve(_ path: String, against baseDirectory: String) -> String {
        if path.hasPrefix("/") { return path }
        if baseDirectory.isEmpty || baseDirectory == "." { return path }
        return baseDirectory + "/" + path
    }

    public static func directory(of file: String) -> String {
        guard let slash = file.lastIndex(of: "/") else { return "." }
        let dir = String(file[..<slash])
        return dir.isEmpty ? "/" : dir
    }
}
