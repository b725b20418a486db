import Foundation
import Testing

@testable import Shared

/// The shipped samples must stay valid as the schema evolves.
@Suite struct SampleConfigurationTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path

    @Test(arguments: ["etc/portcullis.yaml", "etc/dev.yaml"])
    func sampleLoads(path: String) throws {
        let config = try ConfigurationLoader.load(path: "\(Self.root)/\(path)", environment: [:])
        #expect(!config.roles.isEmpty)
        #expect(!config.backends.isEmpty)
        // Every policy the sample names parses.
        _ = try RoleCatalog(config: config)
    }
}
