import Foundation
import Shared
import Testing

/// Rejections the S3 verifier must produce, each with AWS's code and message.
@Suite("SigV4Verifier rejections")
struct SigV4VerifierTests {
    static let secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
    static let date = AmzDate(parsing: "20130524T000000Z")!
    static let signer = SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: secret, region: "us-east-1")

    /// A correctly header-signed S3 GET.
    static func signedRequest(extraHeaders: [(name: String, value: String)] = []) -> SigV4Request {
        let headers: [(name: String, value: String)] = [("Host", "127.0.0.1:8080"), ("Range", "bytes=0-9")] + extraHeaders
        let signed = signer.sign(
            method: "GET",
            path: "/bucket/a%20b/c",
            query: [("versionId", "1")],
            headers: headers,
            payloadHash: SigV4SigningKey.emptyPayloadSHA256,
            date: date
        )
        return SigV4Request(method: "GET", rawPath: "/bucket/a%20b/c", rawQuery: "versionId=1", headers: headers + signed.headersToAdd)
    }

    static func presignedRequest(expires: Int64 = 3600, date: AmzDate = date) -> SigV4Request {
        let presigned = signer.presign(method: "GET", path: "/bucket/key", headers: [("host", "s3.local")], expires: expires, date: date)
        return SigV4Request(method: "GET", requestTarget: "/bucket/key?" + presigned.queryString, headers: [("Host", "s3.local")])
    }

    /// Runs parse + verify and returns the error, or `nil` on success.
    static func failure(
        _ request: SigV4Request,
        secret: String = secret,
        now: Int64 = date.epochSeconds,
        options: SigV4Verifier.Options = .init()
    ) -> SigV4Error? {
        let verifier = SigV4Verifier(options: options)
        do {
            guard let auth = try verifier.authorization(for: request) else { return nil }
            _ = try verifier.verify(auth, request: request, secretAccessKey: secret, now: now)
            return nil
        } catch {
            return error
        }
    }

    static func replacingHeader(_ request: SigV4Request, _ name: String, with value: String?) -> SigV4Request {
        var copy = request
        copy.headers = request.headers.compactMap { header in
            guard header.name.lowercased() == name else { return header }
            return value.map { (header.name, $0) }
        }
        return copy
    }

    static func authorizationValue(_ request: SigV4Request) -> String { request.header("authorization")! }

    @Test func validRequestsVerify() {
        #expect(Self.failure(Self.signedRequest()) == nil)
        #expect(Self.failure(Self.signedRequest(), now: Self.date.epochSeconds + 900) == nil)
        #expect(Self.failure(Self.signedRequest(), now: Self.date.epochSeconds - 900) == nil)
        #expect(Self.failure(Self.presignedRequest()) == nil)
        #expect(Self.failure(Self.presignedRequest(), now: Self.date.epochSeconds + 3600) == nil)
    }

    @Test func tamperedSignature() throws {
        let request = Self.signedRequest()
        let original = Self.authorizationValue(request)
        let tampered = String(original.dropLast()) + (original.hasSuffix("0") ? "1" : "0")
        let error = try #require(Self.failure(Self.replacingHeader(request, "authorization", with: tampered)))
        guard case .signatureDoesNotMatch(let mismatch) = error else {
            Issue.record("expected SignatureDoesNotMatch, got \(error)")
            return
        }
        #expect(error.code == "SignatureDoesNotMatch")
        #expect(error.httpStatus == 403)
        #expect(mismatch.accessKeyID == "AKIAIOSFODNN7EXAMPLE")
        #expect(mismatch.signatureProvided == String(tampered.suffix(64)))
        #expect(mismatch.canonicalRequest.hasPrefix("GET\n/bucket/a%20b/c\nversionId=1\nhost:127.0.0.1:8080\nrange:bytes=0-9\n"))
        #expect(mismatch.stringToSign.hasPrefix("AWS4-HMAC-SHA256\n20130524T000000Z\n20130524/us-east-1/s3/aws4_request\n"))
        let details = error.detailElements.map(\.value).joined(separator: "\n")
        #expect(!details.contains(Self.secret))
        #expect(error.detailElements.map(\.name).contains("CanonicalRequestBytes"))
    }

    @Test func tamperedRequest() throws {
        let request = Self.replacingHeader(Self.signedRequest(), "range", with: "bytes=0-99")
        #expect(Self.failure(request)?.code == "SignatureDoesNotMatch")
        var otherPath = Self.signedRequest()
        otherPath.rawPath = "/bucket/a%20b/d"
        #expect(Self.failure(otherPath)?.code == "SignatureDoesNotMatch")
    }

    @Test func wrongSecret() {
        #expect(Self.failure(Self.signedRequest(), secret: "not-the-secret")?.code == "SignatureDoesNotMatch")
        #expect(Self.failure(Self.presignedRequest(), secret: "not-the-secret")?.code == "SignatureDoesNotMatch")
    }

    @Test(arguments: [Int64(901), -901, 86_400])
    func clockSkew(offset: Int64) throws {
        let error = try #require(Self.failure(Self.signedRequest(), now: Self.date.epochSeconds + offset))
        #expect(error == .requestTimeTooSkewed(requestTime: Self.date, serverTime: AmzDate(epochSeconds: Self.date.epochSeconds + offset), maxSkewSeconds: 900))
        #expect(error.code == "RequestTimeTooSkewed")
        #expect(error.httpStatus == 403)
        #expect(error.detailElements.first?.value == "20130524T000000Z")
        #expect(error.detailElements.last?.value == "900000")
    }

    @Test func expiredPresign() throws {
        let error = try #require(Self.failure(Self.presignedRequest(expires: 3600), now: Self.date.epochSeconds + 3601))
        #expect(error.code == "AccessDenied")
        #expect(error.message == "Request has expired")
        #expect(error.detailElements.map(\.name) == ["X-Amz-Expires", "Expires", "ServerTime"])
        #expect(error.detailElements[1].value == "2013-05-24T01:00:00Z")
    }

    @Test func presignFromTheFuture() throws {
        let error = try #require(Self.failure(Self.presignedRequest(), now: Self.date.epochSeconds - 901))
        #expect(error.message == "Request is not valid yet")
        #expect(Self.failure(Self.presignedRequest(), now: Self.date.epochSeconds - 900) == nil)
    }

    @Test(arguments: [
        ("604801", "X-Amz-Expires must be less than a week (in seconds); that is, the given X-Amz-Expires must be less than 604800 seconds"),
        ("-1", "X-Amz-Expires must be non-negative"),
        ("soon", "X-Amz-Expires should be a number"),
    ])
    func badExpires(value: String, message: String) throws {
        var request = Self.presignedRequest()
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "X-Amz-Expires=3600", with: "X-Amz-Expires=\(value)")
        let error = try #require(Self.failure(request))
        #expect(error == .authorizationQueryParametersError(message: message, region: nil))
        #expect(error.httpStatus == 400)
    }

    @Test func presignMissingParameter() throws {
        var request = Self.presignedRequest()
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "X-Amz-Date=", with: "X-Amz-Datum=")
        let error = try #require(Self.failure(request))
        #expect(error.code == "AuthorizationQueryParametersError")
        #expect(
            error.message
                == "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
        )
    }

    @Test func unsignedAmzHeader() throws {
        var request = Self.signedRequest()
        request.headers.append(("X-Amz-Meta-Color", "blue"))
        request.headers.append(("x-amz-acl", "public-read"))
        let error = try #require(Self.failure(request))
        #expect(error == .unsignedHeaders(["x-amz-acl", "x-amz-meta-color"]))
        #expect(error.code == "AccessDenied")
        #expect(error.message == "There were headers present in the request which were not signed")
        #expect(error.detailElements.first?.value == "x-amz-acl, x-amz-meta-color")

        var presigned = Self.presignedRequest()
        presigned.headers.append(("x-amz-acl", "public-read"))
        #expect(Self.failure(presigned) == .unsignedHeaders(["x-amz-acl"]))
    }

    @Test func unsignedHost() throws {
        let request = Self.signedRequest()
        let withoutHost = Self.authorizationValue(request).replacingOccurrences(of: "SignedHeaders=host;", with: "SignedHeaders=")
        #expect(Self.failure(Self.replacingHeader(request, "authorization", with: withoutHost)) == .unsignedHeaders(["host"]))
    }

    @Test(arguments: [
        "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3",
        "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws5_request",
        "Credential=/20130524/us-east-1/s3/aws4_request",
        "Credential=AKIAIOSFODNN7EXAMPLE/2013052/us-east-1/s3/aws4_request",
    ])
    func malformedCredential(credential: String) throws {
        let request = Self.signedRequest()
        let value = Self.authorizationValue(request).replacingOccurrences(
            of: "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request",
            with: credential
        )
        let error = try #require(Self.failure(Self.replacingHeader(request, "authorization", with: value)))
        #expect(
            error
                == .authorizationHeaderMalformed(
                    message:
                        "The authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".",
                    region: nil
                )
        )
        #expect(error.httpStatus == 400)
    }

    @Test func malformedPresignCredential() throws {
        var request = Self.presignedRequest()
        request.rawQuery = request.rawQuery.replacingOccurrences(of: "%2Faws4_request", with: "")
        let error = try #require(Self.failure(request))
        #expect(error.code == "AuthorizationQueryParametersError")
        #expect(error.message.hasPrefix("Error parsing the X-Amz-Credential parameter; the Credential is mal-formed"))
    }

    @Test func missingSignedHeader() {
        let request = Self.replacingHeader(Self.signedRequest(), "range", with: nil)
        #expect(Self.failure(request) == .signedHeaderMissing("range"))
    }

    @Test func wrongService() throws {
        let request = Self.signedRequest()
        let value = Self.authorizationValue(request).replacingOccurrences(of: "/s3/", with: "/iam/")
        let error = try #require(Self.failure(Self.replacingHeader(request, "authorization", with: value)))
        #expect(error.code == "AuthorizationHeaderMalformed")
        #expect(error.message == "The authorization header is malformed; incorrect service \"iam\". This endpoint belongs to \"s3\".")
    }

    @Test func scopeDateDiffersFromAmzDate() throws {
        let request = Self.replacingHeader(Self.signedRequest(), "x-amz-date", with: "20130525T000000Z")
        let error = try #require(Self.failure(request))
        #expect(error.code == "AuthorizationHeaderMalformed")
        #expect(error.message.contains("Invalid credential date \"20130524\""))
    }

    @Test func wrongRegionNamesTheExpectedOne() throws {
        let error = try #require(Self.failure(Self.signedRequest(), options: .init(region: "eu-west-1")))
        #expect(error.code == "AuthorizationHeaderMalformed")
        #expect(error.region == "eu-west-1")
        #expect(error.detailElements.first?.name == "Region")
        #expect(error.detailElements.first?.value == "eu-west-1")
        #expect(error.message == "The authorization header is malformed; the region 'us-east-1' is wrong; expecting 'eu-west-1'")
        #expect(Self.failure(Self.presignedRequest(), options: .init(region: "eu-west-1"))?.region == "eu-west-1")
    }

    @Test func missingContentSHA256() {
        let request = Self.replacingHeader(Self.signedRequest(), "x-amz-content-sha256", with: nil)
        let error = Self.failure(request)
        #expect(error == .missingContentSHA256)
        #expect(error?.message == "Missing required header for this request: x-amz-content-sha256")
        #expect(Self.failure(Self.replacingHeader(Self.signedRequest(), "x-amz-content-sha256", with: "banana")) == .invalidContentSHA256("banana"))
    }

    @Test func missingDate() {
        let request = Self.replacingHeader(Self.signedRequest(), "x-amz-date", with: nil)
        let error = Self.failure(request)
        #expect(error == .missingDate)
        #expect(error?.message == "AWS authentication requires a valid Date or x-amz-date header")
        #expect(Self.failure(Self.replacingHeader(Self.signedRequest(), "x-amz-date", with: "2013-05-24T00:00:00Z")) == .missingDate)
    }

    @Test func headerAndQueryTogether() {
        var request = Self.signedRequest()
        request.rawQuery += "&X-Amz-Algorithm=AWS4-HMAC-SHA256"
        #expect(Self.failure(request) == .multipleAuthMechanisms)
    }

    @Test func otherSchemes() throws {
        let v2 = SigV4Request(method: "GET", requestTarget: "/b/k", headers: [("Authorization", "AWS AKID:c2lnbmF0dXJl")])
        #expect(Self.failure(v2) == .unsupportedAlgorithm("AWS"))
        let v4a = SigV4Request(method: "GET", requestTarget: "/b/k", headers: [("Authorization", "AWS4-ECDSA-P256-SHA256 Credential=x")])
        #expect(Self.failure(v4a)?.code == "InvalidRequest")
        var presigned = Self.presignedRequest()
        presigned.rawQuery = presigned.rawQuery.replacingOccurrences(of: "X-Amz-Algorithm=AWS4-HMAC-SHA256", with: "X-Amz-Algorithm=AWS4-HMAC-SHA1")
        #expect(Self.failure(presigned)?.message == "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
    }

    @Test func anonymousRequestsHaveNoAuthorization() throws {
        let verifier = SigV4Verifier()
        #expect(try verifier.authorization(for: SigV4Request(method: "GET", requestTarget: "/b/k?list-type=2", headers: [("Host", "h")])) == nil)
        let v2Presigned = SigV4Request(method: "GET", requestTarget: "/b/k?AWSAccessKeyId=A&Expires=1&Signature=x", headers: [])
        #expect(try verifier.authorization(for: v2Presigned) == nil)
    }

    @Test(arguments: [
        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders={SH},Signature={SIG}",
        "AWS4-HMAC-SHA256   Signature={SIG} ,  Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders={SH}  ",
        "AWS4-HMAC-SHA256 SignedHeaders={SH}, Signature={SIG}, Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request",
    ])
    func authorizationHeaderLayouts(template: String) throws {
        let request = Self.signedRequest()
        let auth = try #require(try SigV4Authorization.parse(request))
        let value = template.replacingOccurrences(of: "{SH}", with: auth.signedHeaders.joined(separator: ";"))
            .replacingOccurrences(of: "{SIG}", with: auth.signature)
        #expect(Self.failure(Self.replacingHeader(request, "authorization", with: value)) == nil)
    }

    @Test func parsedFields() throws {
        let signer = SigV4Signer(accessKeyID: "AKIAIOSFODNN7EXAMPLE", secretAccessKey: Self.secret, sessionToken: "tok", region: "us-east-1")
        let headers: [(name: String, value: String)] = [("Host", "127.0.0.1:8080"), ("Range", "bytes=0-9")]
        let signed = signer.sign(method: "GET", path: "/b/k", headers: headers, payloadHash: SigV4SigningKey.emptyPayloadSHA256, date: Self.date)
        let request = SigV4Request(method: "GET", rawPath: "/b/k", rawQuery: "", headers: headers + signed.headersToAdd)
        let auth = try #require(try SigV4Authorization.parse(request))
        #expect(auth.accessKeyID == "AKIAIOSFODNN7EXAMPLE")
        #expect(auth.scope == SigV4Scope(date: "20130524", region: "us-east-1", service: "s3"))
        #expect(auth.signedHeaders == ["host", "range", "x-amz-content-sha256", "x-amz-date", "x-amz-security-token"])
        #expect(auth.securityToken == "tok")
        #expect(auth.contentSHA256 == SigV4SigningKey.emptyPayloadSHA256)
        #expect(auth.date == Self.date)
        #expect(Self.failure(request) == nil)
    }

    @Test func sessionTokenTravelsInPresignedQuery() throws {
        let signer = SigV4Signer(accessKeyID: "ASIAEXAMPLE", secretAccessKey: Self.secret, sessionToken: "a+b/c=", region: "us-east-1")
        let presigned = signer.presign(method: "PUT", path: "/b/k", headers: [("host", "h")], expires: 60, date: Self.date)
        #expect(presigned.queryString.contains("X-Amz-Security-Token=a%2Bb%2Fc%3D"))
        let request = SigV4Request(method: "PUT", requestTarget: "/b/k?" + presigned.queryString, headers: [("host", "h")])
        let auth = try #require(try SigV4Verifier().authorization(for: request))
        #expect(auth.securityToken == "a+b/c=")
        #expect(Self.failure(request) == nil)
    }

    @Test func cachedSigningKeyVerifies() throws {
        let request = Self.signedRequest()
        let verifier = SigV4Verifier()
        let auth = try #require(try verifier.authorization(for: request))
        let key = SigV4SigningKey(secretAccessKey: Self.secret, scope: auth.scope)
        let verified = try verifier.verify(auth, request: request, signingKey: key, now: Self.date.epochSeconds)
        #expect(verified.payloadMode == .sha256(SigV4SigningKey.emptyPayloadSHA256))
    }
}
