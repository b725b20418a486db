#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Yams

/// Reads, decodes and validates the YAML configuration.
///
/// Every failure becomes a `ConfigurationError` naming the file and the field, because the
/// person reading it is an operator at startup, not a developer with a debugger.
public enum ConfigurationLoader {
    public static func load(path: String, environment: [String: String]) throws -> PortcullisConfiguration {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw ConfigurationError(file: path, field: "", problem: "cannot read the configuration file")
        }
        var config = try decode(String(decoding: data, as: UTF8.self), source: path)
        config.sourcePath = path
        config.baseDirectory = ConfigurationPaths.directory(of: path)
        applyEnvironment(&config, environment)
        try ConfigurationValidator(config).validate()
        return config
    }

    /// Decodes YAML text, translating decoding failures into file-and-field messages.
    public static func decode(_ yaml: String, source: String) throws -> PortcullisConfiguration {
        do {
            if yaml.trimmingASCIIWhitespace().isEmpty { return PortcullisConfiguration() }
            return try YAMLDecoder().decode(PortcullisConfiguration.self, from: yaml)
        } catch let error as DecodingError {
            throw ConfigurationError(decodingError: error, file: source)
        } catch let error as YamlError {
            throw ConfigurationError(file: source, field: "", problem: "invalid YAML: \(error)")
        } catch let error as ConfigurationError {
            throw error
        } catch {
            throw ConfigurationError(file: source, field: "", problem: "\(error)")
        }
    }

    static func applyEnvironment(_ config: inout PortcullisConfiguration, _ environment: [String: String]) {
        if let value = environment["PORTCULLIS_STS_LISTEN"], !value.isEmpty { config.sts.listen = value }
        if let value = environment["PORTCULLIS_S3_LISTEN"], !value.isEmpty { config.s3.listen = value }
        if let value = environment["PORTCULLIS_S3_ADMIN_LISTEN"], !value.isEmpty { config.s3.adminListen = value }
    }
}

extension ConfigurationError {
    init(decodingError: DecodingError, file: String) {
        switch decodingError {
        case .keyNotFound(let key, let context):
            self.init(file: file, field: renderCodingPath(context.codingPath + [key]), problem: "required but missing")
        case .typeMismatch(let type, let context):
            self.init(file: file, field: renderCodingPath(context.codingPath), problem: "expected \(Self.describe(type))")
        case .valueNotFound(let type, let context):
            self.init(file: file, field: renderCodingPath(context.codingPath), problem: "expected \(Self.describe(type)), found nothing")
        case .dataCorrupted(let context):
            self.init(file: file, field: renderCodingPath(context.codingPath), problem: context.debugDescription)
        @unknown default:
            self.init(file: file, field: "", problem: "\(decodingError)")
        }
    }

    private static func describe(_ type: Any.Type) -> String {
        switch type {
        case is String.Type: "a string"
        case is Int.Type: "an integer"
        case is Bool.Type: "true or false"
        case is [String].Type: "a list of strings"
        default: "\(type)"
        }
    }
}
