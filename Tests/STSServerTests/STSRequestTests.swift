import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import Testing

@testable import STSServer
@testable import Shared

@Suite struct STSRequestTests {
    @Test func queryAndFormMerge() throws {
        let parameters = try STSParameters(query: "Action=AssumeRoleWithWebIdentity&Version=2011-06-15", form: "RoleArn=arn%3Aaws&WebIdentityToken=a.b.c%0A")
        #expect(try parameters.required("Action") == "AssumeRoleWithWebIdentity")
        #expect(try parameters.single("RoleArn") == "arn:aws")
        #expect(try parameters.single("WebIdentityToken") == "a.b.c\n")
        #expect(try parameters.single("Missing") == nil)
    }

    @Test func repeatedParameterIsAValidationError() throws {
        let parameters = try STSParameters(query: "RoleArn=a", form: "RoleArn=b")
        #expect(throws: STSError.self) { try parameters.single("RoleArn") }
    }

    @Test func missingParameterIsNamed() throws {
        let parameters = try STSParameters(query: nil, form: "Action=AssumeRoleWithWebIdentity")
        do {
            _ = try parameters.required("RoleArn")
            Issue.record("no error")
        } catch {
            #expect(error.code == "MissingParameter")
            #expect(error.message.contains("RoleArn"))
        }
    }

    @Test func policyARNsInMemberOrder() throws {
        let parameters = try STSParameters(query: nil, form: "PolicyArns.member.2.arn=b&PolicyArns.member.1.arn=a&PolicyArns.member.10.arn=c")
        #expect(parameters.policyARNs() == ["a", "b", "c"])
    }

    /// Constraints from the STS model, with AWS's wording.
    @Test(arguments: [
        ("x", "roleSessionName", "have length greater than or equal to 2"),
        (String(repeating: "a", count: 65), "roleSessionName", "have length less than or equal to 64"),
        ("bad name", "roleSessionName", "satisfy regular expression pattern"),
        ("bad/name", "roleSessionName", "satisfy regular expression pattern"),
    ])
    func sessionNameConstraints(value: String, member: String, constraint: String) {
        do {
            try STSRequestValidator.roleSessionName(value)
            Issue.record("accepted \(value)")
        } catch {
            #expect(error.code == "ValidationError")
            #expect(error.status == 400)
            #expect(error.message.hasPrefix("1 validation error detected: Value '"))
            #expect(error.message.contains("at '\(member)' failed to satisfy constraint: Member must \(constraint)"))
        }
    }

    @Test(arguments: ["alice", "a_b+c=d,e.f@g-h", "ab"])
    func validSessionNames(value: String) throws {
        try STSRequestValidator.roleSessionName(value)
    }

    @Test func durationBounds() throws {
        #expect(try STSRequestValidator.durationSeconds(nil) == nil)
        #expect(try STSRequestValidator.durationSeconds("900") == 900)
        #expect(try STSRequestValidator.durationSeconds("43200") == 43200)
        #expect(throws: STSError.self) { try STSRequestValidator.durationSeconds("899") }
        #expect(throws: STSError.self) { try STSRequestValidator.durationSeconds("43201") }
        #expect(throws: STSError.self) { try STSRequestValidator.durationSeconds("12x") }
    }

    @Test func roleARNLength() {
        #expect(throws: STSError.self) { try STSRequestValidator.roleARN("arn:aws:iam::1:r") }
        #expect(throws: Never.self) { try STSRequestValidator.roleARN("arn:aws:iam::123456789012:role/x") }
    }

    @Test func tokenIsNeverEchoedInValidationErrors() {
        let token = String(repeating: "s", count: 20001)
        do {
            try STSRequestValidator.webIdentityToken(token)
            Issue.record("accepted")
        } catch {
            #expect(!error.message.contains("sss"))
        }
    }

    @Test func errorXMLHasAWSShape() {
        let xml = STSError.invalidIdentityToken("bad <token>").xml(requestID: "req-1")
        #expect(xml.contains("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"))
        #expect(xml.contains("<Error>\n    <Type>Sender</Type>\n    <Code>InvalidIdentityToken</Code>\n    <Message>bad &lt;token&gt;</Message>\n  </Error>"))
        #expect(xml.contains("</Error>\n  <RequestId>req-1</RequestId>\n</ErrorResponse>"))
    }

    @Test func resultXMLCarriesEveryField() throws {
        let result = AssumeRoleWithWebIdentityResult(
            subject: "alice", audience: "portcullis", assumedRoleARN: "arn:aws:sts::000000000000:assumed-role/dev/s1",
            assumedRoleID: "AROAX:s1", accessKeyID: "ASIAAAAAAAAAAAAAAAAA", secretAccessKey: "secret+/x", sessionToken: "tok",
            expiration: 1_369_353_600, provider: "https://idp", packedPolicySize: nil)
        let xml = result.xml(requestID: "r")
        for fragment in [
            "<SubjectFromWebIdentityToken>alice</SubjectFromWebIdentityToken>", "<Audience>portcullis</Audience>",
            "<Arn>arn:aws:sts::000000000000:assumed-role/dev/s1</Arn>", "<AssumedRoleId>AROAX:s1</AssumedRoleId>",
            "<SessionToken>tok</SessionToken>", "<SecretAccessKey>secret+/x</SecretAccessKey>",
            "<Expiration>2013-05-24T00:00:00Z</Expiration>", "<AccessKeyId>ASIAAAAAAAAAAAAAAAAA</AccessKeyId>",
            "<Provider>https://idp</Provider>", "<RequestId>r</RequestId>",
        ] {
            #expect(xml.contains(fragment), "\(fragment)")
        }
        // The response must parse as XML.
        let parser = XMLParser(data: Data(xml.utf8))
        #expect(parser.parse())
    }

    @Test func providerIDDropsSchemeAndTrailingSlash() {
        #expect(OIDCProviderID.from(issuer: "https://token.actions.githubusercontent.com") == "token.actions.githubusercontent.com")
        #expect(OIDCProviderID.from(issuer: "http://127.0.0.1:8090/dev-issuer/") == "127.0.0.1:8090/dev-issuer")
    }

    @Test func sessionTagsAcceptAWSAndCephShapes() throws {
        let aws: JSONValue = .object([
            "principal_tags": .object(["team": .array([.string("data")]), "cost": .array([.string("42")])]),
            "transitive_tag_keys": .array([.string("team")]),
        ])
        let parsed = try SessionTagsClaim.parse(aws)
        #expect(parsed?.tags == ["team": "data", "cost": "42"])
        #expect(parsed?.transitiveKeys == ["team"])
        let ceph: JSONValue = .array([.object(["principal_tags": .object(["dept": .array([.string("eng"), .string("mkt")])])])])
        #expect(try SessionTagsClaim.parse(ceph)?.tags == ["dept": "eng"])
        #expect(try SessionTagsClaim.parse(nil) == nil)
        #expect(try SessionTagsClaim.parse(.object(["principal_tags": .object([:])]))?.tags == [:])
    }

    /// Tag sets AWS refuses are refused, never trimmed: (claim, expected code, message fragment).
    @Test(arguments: [
        (JSONValue.string("team=a"), "InvalidIdentityToken", "malformed"),
        (.object(["tags": .object([:])]), "InvalidIdentityToken", "malformed"),
        (.array([]), "InvalidIdentityToken", "malformed"),
        (.array([.object(["principal_tags": .object([:])]), .object(["principal_tags": .object([:])])]), "InvalidIdentityToken", "malformed"),
        (.object(["principal_tags": .object(["team": .array([])])]), "InvalidIdentityToken", "malformed"),
        (.object(["principal_tags": .object(["team": .object([:])])]), "InvalidIdentityToken", "malformed"),
        (.object(["principal_tags": .object(["team": .string("a")]), "transitive_tag_keys": .string("team")]), "InvalidIdentityToken", "malformed"),
        (.object(["principal_tags": .object(Dictionary(uniqueKeysWithValues: (0...50).map { ("k\($0)", JSONValue.string("v")) }))]),
         "ValidationError", "less than or equal to 50"),
        (.object(["principal_tags": .object([String(repeating: "k", count: 129): .string("v")])]), "ValidationError", "less than or equal to 128"),
        (.object(["principal_tags": .object(["k": .string(String(repeating: "v", count: 257))])]), "ValidationError", "less than or equal to 256"),
        (.object(["principal_tags": .object(["": .string("v")])]), "ValidationError", "greater than or equal to 1"),
        (.object(["principal_tags": .object(["team;drop": .string("v")])]), "ValidationError", "regular expression"),
        (.object(["principal_tags": .object(["team": .string("a\u{0}b")])]), "ValidationError", "regular expression"),
        (.object(["principal_tags": .object(["aws:team": .string("v")])]), "ValidationError", "reserved"),
        (.object(["principal_tags": .object(["team": .string("a"), "Team": .string("b")])]), "ValidationError", "case insensitive"),
        (.object(["principal_tags": .object(["team": .string("a")]), "transitive_tag_keys": .array([.string("cost")])]), "ValidationError", "not one of the session tags"),
    ])
    func sessionTagsOverAWSLimitsAreRefused(claim: JSONValue, code: String, fragment: String) {
        do {
            _ = try SessionTagsClaim.parse(claim)
            Issue.record("accepted \(claim)")
        } catch {
            #expect(error.code == code)
            #expect(error.message.contains(fragment), "\(error.message)")
        }
    }

    @Test func sessionTagsAtTheLimitsAreAccepted() throws {
        var tags: [String: JSONValue] = [:]
        for i in 0..<50 { tags["k\(i)"] = .array([.string("v")]) }
        #expect(try SessionTagsClaim.parse(.object(["principal_tags": .object(tags)]))?.tags.count == 50)
        let long: JSONValue = .object(["principal_tags": .object([
            String(repeating: "k", count: 128): .string(String(repeating: "v", count: 256)),
            "Unicode Straße 7 @ 1:2/3=4+5-6_.": .string(""),
        ])])
        #expect(try SessionTagsClaim.parse(long)?.tags.count == 2)
    }

    @Test func frozenClaimsAreBounded() {
        var claims: [String: JSONValue] = ["exp": .number(1), "email": .string("a@b"), "groups": .array([.string("x"), .string("y")])]
        claims["huge"] = .string(String(repeating: "h", count: 1000))
        for i in 0..<100 { claims["z\(i)"] = .string("v") }
        let frozen = FrozenClaims.freeze(claims)
        #expect(frozen["exp"] == nil)
        #expect(frozen["huge"] == nil)
        #expect(frozen["email"] == ["a@b"])
        #expect(frozen.count <= 50)
    }

    @Test func claimsDifferingOnlyInCaseAreDropped() {
        let frozen = FrozenClaims.freeze(["sub": .string("alice"), "Sub": .string("admin"), "email": .string("a@b")])
        #expect(frozen["sub"] == nil)
        #expect(frozen["Sub"] == nil)
        #expect(frozen["email"] == ["a@b"])
    }

    @Test func frozenClaimsFollowTheProvidersSelection() {
        let claims: [String: JSONValue] = [
            "email": .string("a@b"), "groups": .array([.string("x")]), "name": .string("Alice"), "exp": .number(1),
        ]
        #expect(FrozenClaims.freeze(claims, selecting: ["groups", "exp", "missing"]) == ["groups": ["x"]])
        #expect(FrozenClaims.freeze(claims, selecting: []) == [:])
        #expect(FrozenClaims.freeze(claims).keys.sorted() == ["email", "groups", "name"])
    }

    @Test func frozenClaimsStayWithinTheirByteBudget() {
        var claims: [String: JSONValue] = [:]
        for i in 0..<40 { claims["c\(i)"] = .array((0..<20).map { _ in .string(String(repeating: "g", count: 200)) }) }
        let frozen = FrozenClaims.freeze(claims)
        let size = frozen.reduce(0) { $0 + $1.key.utf8.count + $1.value.reduce(0) { $0 + $1.utf8.count + 3 } }
        #expect(size <= FrozenClaims.maximumBytes)
    }
}

@Suite struct STSThrottleTests {
    @Test func budgetsPerAddressAndPerVerifiedProvider() throws {
        let yaml = """
            providers:
              - { name: corp, issuer: "https://idp.example", audiences: [portcullis] }
            """
        let config = try ConfigurationLoader.decode(yaml, source: "t.yaml")
        var settings = STSRateLimitSettings()
        settings.perSourceIp = RateLimitSettings(requestsPerSecond: 1, burst: 2)
        settings.perProvider = RateLimitSettings(requestsPerSecond: 1, burst: 1)
        var throttle = STSThrottle(settings: settings, providers: config.providers)
        throttle.now = { 50 }
        try throttle.admit(sourceIP: "192.0.2.1")
        try throttle.admit(sourceIP: "192.0.2.1")
        #expect(throws: STSError.self) { try throttle.admit(sourceIP: "192.0.2.1") }
        try throttle.admit(sourceIP: "192.0.2.2")
        try throttle.admit(verifiedIssuer: "https://idp.example")
        #expect(throws: STSError.self) { try throttle.admit(verifiedIssuer: "https://idp.example") }
        try throttle.admit(verifiedIssuer: "https://other.example")
    }
}
