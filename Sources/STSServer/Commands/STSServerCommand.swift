import ArgumentParser
import Foundation
import Shared

/// `STSServer run | keygen | dev-token`.
@main
struct STSServerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "STSServer",
        abstract: "Portcullis STS: exchanges OIDC tokens for temporary S3 credentials.",
        subcommands: [RunCommand.self, KeygenCommand.self, DevTokenCommand.self],
        defaultSubcommand: RunCommand.self)

    // Unlike S3Server, STSServer keeps Swift's own executor (see `EventLoopExecutor` for what
    // the event loops would give): each request is ~0.25 ms of RSA and JSON work, and on the
    // event loops that starved some connections' I/O — measured, 3760–4150 instead of 3400–3630
    // sessions/s, but p99 1.5–2.3 s instead of 25 ms.
}

struct KeygenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "keygen",
        abstract: "Write a new session signing key pair and derivation key (existing files are kept).")

    @Option(name: .long, help: "Directory for the key files.")
    var dir: String

    @Option(name: .long, help: "Key id, used in file names and in the configuration.")
    var id: String

    @Flag(name: .long, help: "Also write dev-issuer.pem for the development OIDC issuer.")
    var devIssuer = false

    func run() throws {
        let written = try SessionKeyMaterial.generate(in: dir, id: id, devIssuer: devIssuer)
        for path in written { print("wrote \(path)") }
    }
}

struct DevTokenCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dev-token",
        abstract: "Print an OIDC token from the development issuer (devIssuer.enabled must be true).")

    @Option(name: .long, help: "Path to the Portcullis YAML configuration.")
    var config: String = "etc/dev.yaml"

    @Option(name: .long, help: "The token's subject (sub claim).")
    var subject: String

    @Option(name: .long, help: "Lifetime in seconds.")
    var ttl: Int = 3600

    @Option(name: .long, parsing: .singleValue, help: "Extra claim NAME=VALUE (repeatable).")
    var claim: [String] = []

    func run() throws {
        let configuration: PortcullisConfiguration
        do {
            configuration = try ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
        } catch let error as ConfigurationError {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        guard configuration.devIssuer.enabled else {
            FileHandle.standardError.write(Data("\(config): devIssuer.enabled is false; dev tokens are for development configurations only\n".utf8))
            throw ExitCode(2)
        }
        var extra: [String: String] = [:]
        for item in claim {
            guard let equals = item.firstIndex(of: "=") else { throw ValidationError("--claim takes NAME=VALUE, got \(item)") }
            extra[String(item[..<equals])] = String(item[item.index(after: equals)...])
        }
        let issuer = try DevIssuer(config: configuration)
        print(try issuer.mint(subject: subject, ttl: Int64(ttl), extraClaims: extra))
    }
}
