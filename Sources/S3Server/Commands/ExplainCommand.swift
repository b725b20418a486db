import ArgumentParser
import Foundation
import Logging
import Shared

/// `S3Server explain`: evaluates one request for one role offline, with the configured policies,
/// and prints the decision with the statements behind it. Exit status 0 when allowed, 1 when
/// denied, 2 for a bad configuration.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Explain whether a role's session may perform an S3 request, and which statements decide it.",
        discussion: """
            Either name the S3 request as the server would see it:
              S3Server explain --config etc/dev.yaml --role arn:aws:iam::000000000000:role/developer \\
                --request "PUT /reports/2026/q1.csv" --header "x-amz-acl: public-read"
            or the actions and resources directly:
              S3Server explain --config etc/dev.yaml --role … --action s3:GetObject --resource arn:aws:s3:::reports/q1.csv
            Or evaluate policy files without a configuration:
              S3Server explain --policy policies/home-prefix.json --subject alice --request "GET /home/alice/notes.txt"
            """)

    @Option(name: .long, help: "Path to the Portcullis YAML configuration.")
    var config: String = "etc/portcullis.yaml"

    @Option(name: .long, help: "The role ARN the session belongs to (its policies come from the configuration).")
    var role: String?

    @Option(name: .long, help: "A permission policy file to evaluate instead of a configured role's (repeatable).")
    var policy: [String] = []

    @Option(name: .long, help: "An S3 request line: \"METHOD /bucket/key?query\" (path-style, percent-encoded as on the wire).")
    var request: String?

    @Option(name: .long, help: "A request header for --request, \"Name: value\" (repeatable).")
    var header: [String] = []

    @Option(name: .long, help: "An IAM action (repeatable, paired with --resource in order).")
    var action: [String] = []

    @Option(name: .long, help: "A resource ARN (repeatable, paired with --action in order).")
    var resource: [String] = []

    @Option(name: .long, help: "A condition key value, \"key=value\" (repeatable; repeated keys give several values).")
    var context: [String] = []

    @Option(name: .long, help: "A session tag (aws:PrincipalTag), \"key=value\" (repeatable).")
    var tag: [String] = []

    @Option(name: .long, help: "A frozen token claim for ${jwt:…}, \"claim=value\" (repeatable).")
    var claim: [String] = []

    @Option(name: .long, help: "The OIDC subject (jwt:sub).")
    var subject: String = "explain"

    @Option(name: .long, help: "The role session name.")
    var sessionName: String = "explain"

    @Option(name: .long, help: "A file holding a session policy (as passed to STS in Policy).")
    var sessionPolicy: String?

    @Option(name: .long, help: "A managed session policy ARN, as passed to STS in PolicyArns (repeatable).")
    var policyArn: [String] = []

    @Option(name: .long, help: "The caller's IP address (aws:SourceIp).")
    var sourceIp: String?

    @Flag(name: .long, help: "The request arrived over TLS (aws:SecureTransport).")
    var secure = false

    func validate() throws {
        guard (request == nil) != action.isEmpty else { throw ValidationError("give either --request or --action/--resource") }
        guard action.count == resource.count else { throw ValidationError("every --action needs its --resource") }
        guard (role == nil) != policy.isEmpty else { throw ValidationError("give either --role or --policy") }
    }

    func run() throws {
        let region: String
        let roles: RoleCatalog
        let roleARN: String
        do {
            if policy.isEmpty {
                let configuration = try ConfigurationLoader.load(path: config, environment: ProcessInfo.processInfo.environment)
                region = configuration.s3.region
                roles = try RoleCatalog(config: configuration)
                roleARN = role ?? ""
            } else {
                (region, roleARN) = ("us-east-1", "arn:aws:iam::000000000000:role/explain")
                roles = try Self.catalog(policyFiles: policy, roleARN: roleARN)
            }
        } catch {
            FileHandle.standardError.write(Data("\(error)\n".utf8))
            throw ExitCode(2)
        }
        var session = PolicyExplainer.Session(role: roleARN, sessionName: sessionName, subject: subject)
        session.tags = Dictionary(try pairs(tag, option: "--tag").map { ($0.0, $0.1) }) { _, last in last }
        session.claims = Dictionary(grouping: try pairs(claim, option: "--claim"), by: \.0).mapValues { $0.map(\.1) }
        if let sessionPolicy {
            guard let data = FileManager.default.contents(atPath: sessionPolicy) else {
                throw ValidationError("cannot read --session-policy \(sessionPolicy)")
            }
            session.sessionPolicy = String(decoding: data, as: UTF8.self)
        }
        session.policyARNs = policyArn
        let subject: PolicyExplainer.Subject
        if let request {
            let parts = request.split(separator: " ", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--request must be \"METHOD /path\"") }
            let headers = try header.map { line -> (String, String) in
                guard let colon = line.firstIndex(of: ":") else { throw ValidationError("--header must be \"Name: value\"") }
                return (String(line[..<colon]), line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces))
            }
            subject = .request(method: parts[0], target: parts[1], headers: headers)
        } else {
            subject = .permissions(zip(action, resource).map { S3Operation.Permission(action: $0, resource: $1) })
        }
        let conditions = Dictionary(grouping: try pairs(context, option: "--context"), by: \.0).mapValues { $0.map(\.1) }
        let explainer = PolicyExplainer(authorizer: S3Authorizer(roles: LiveRoleCatalog(roles), region: region))
        let explanation = explainer.explain(
            subject, session: session, conditions: conditions, sourceIP: sourceIp, secure: secure, now: ISO8601.now())
        print(explanation.text)
        if !explanation.allowed { throw ExitCode(1) }
    }

    /// A stand-in role holding the given policy files, for `--policy`.
    static func catalog(policyFiles: [String], roleARN: String) throws -> RoleCatalog {
        let policies = try policyFiles.map { path in
            guard let data = FileManager.default.contents(atPath: path) else { throw ValidationError("cannot read --policy \(path)") }
            return try Policy(json: [UInt8](data), source: path, kind: .identity)
        }
        let trust = try Policy(
            json: #"{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"*"}]}"#, source: "explain",
            kind: .trust)
        return RoleCatalog(roles: [
            .init(arn: roleARN, name: "explain", id: RoleID.forRole(arn: roleARN), trustPolicy: trust, permissionPolicies: policies,
                  maxSessionDuration: 3600)
        ])
    }

    private func pairs(_ values: [String], option: String) throws -> [(String, String)] {
        try values.map { value in
            guard let equals = value.firstIndex(of: "=") else { throw ValidationError("\(option) must be \"key=value\"") }
            return (String(value[..<equals]), String(value[value.index(after: equals)...]))
        }
    }
}
