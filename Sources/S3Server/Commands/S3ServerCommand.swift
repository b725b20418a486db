import ArgumentParser
import Foundation
import Hummingbird
import HummingbirdCore
import Logging
import NIOCore
import NIOPosix
import ServiceLifecycle
import Shared
import UnixSignals

/// `S3Server run --config FILE`: the S3 data plane and its admin endpoints.
@main
struct S3ServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "S3Server",
        abstract: "Portcullis S3 front end: verifies session credentials and policies, then proxies to backends.",
        subcommands: [Run.self, ExplainCommand.self],
        defaultSubcommand: Run.self)

    /// The event loops become the global executor before anything else runs (see
    /// ``EventLoopExecutor``); then the usual argument parsing.
    static func main() async {
        EventLoopExecutor.install()
        await main(nil)
    }

    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Serve S3 (the default).")

        @Option(name: .long, help: "Path to the Portcullis YAML configuration.")
        var config: String = "etc/portcullis.yaml"

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let registry = Observability.bootstrap(environment: environment)
            let logger = Logger(label: "portcullis.s3")
            let server: S3ServerAssembly
            do {
                let configuration = try ConfigurationLoader.load(path: config, environment: environment)
                server = try await S3ServerAssembly(config: configuration, environment: environment, logger: logger)
            } catch let error as ConfigurationError {
                logger.critical("invalid configuration", metadata: ["error": .string(error.description)])
                throw ExitCode(2)
            }
            try await server.run(registry: registry)
        }
    }
}
