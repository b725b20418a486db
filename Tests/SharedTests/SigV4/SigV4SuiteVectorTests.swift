import Foundation
import Shared
import Testing

/// The 38 `v4/` cases of the AWS signing test suite (service `service`, not `s3`).
///
/// The `normalize: false` cases exercise S3's path rule (`.s3`: encode once, never normalise);
/// the `normalize: true` cases use the generic-service `.normalized` mode, which only the signer
/// needs in production terms but which lets every case run against the verifier too. The generic
/// suite signs the body's SHA-256 (the empty hash for GETs), so the payload hash is passed in.
@Suite("SigV4 suite vectors (v4/)")
struct SigV4SuiteVectorTests {
    struct Case {
        var name: String
        var context: V4Context
        var request: RawHTTPRequest
        var pathMode: SigV4PercentEncoding.PathMode { context.normalize ? .normalized : .s3 }
        var payloadHash: String { SigV4SigningKey.sha256Hex(bytes: request.body) }
        var date: AmzDate { AmzDate(parsing: "20150830T123600Z")! }
        var signSessionToken: Bool { !(context.omit_session_token ?? false) }

        init(_ name: String) throws {
            self.name = name
            context = try JSONDecoder().decode(V4Context.self, from: SigV4Vectors.readData("v4/\(name)/context.json"))
            request = RawHTTPRequest(try SigV4Vectors.read("v4/\(name)/request.txt"))
        }

        func expected(_ file: String) throws -> String {
            try SigV4Vectors.read("v4/\(name)/\(file)").trimmingTrailingNewlines
        }

        var signer: SigV4Signer {
            SigV4Signer(
                accessKeyID: context.credentials.access_key_id,
                secretAccessKey: context.credentials.secret_access_key,
                sessionToken: context.credentials.token,
                region: context.region,
                service: context.service
            )
        }

        var verifier: SigV4Verifier {
            SigV4Verifier(
                options: .init(
                    service: context.service,
                    region: context.region,
                    pathMode: pathMode,
                    // post-sts-header-after sends its token unsigned on purpose (an STS habit S3 rejects).
                    requireSignedAmzHeaders: signSessionToken,
                    requireContentSHA256: false
                )
            )
        }
    }

    @Test("timestamp in every context is 2015-08-30T12:36:00Z", arguments: SigV4Vectors.v4Cases)
    func timestamp(name: String) throws {
        let testCase = try Case(name)
        #expect(testCase.context.timestamp == "2015-08-30T12:36:00Z")
        #expect(testCase.date.epochSeconds == 1_440_938_160)
    }

    @Test("signer: header signing", arguments: SigV4Vectors.v4Cases)
    func signHeaders(name: String) throws {
        let testCase = try Case(name)
        let signed = testCase.signer.sign(
            method: testCase.request.method,
            path: SigV4PercentEncoding.canonicalURI(rawPath: testCase.request.path, mode: testCase.pathMode),
            query: testCase.request.queryPairs,
            headers: testCase.request.headers,
            payloadHash: testCase.payloadHash,
            date: testCase.date,
            addContentSHA256Header: testCase.context.sign_body,
            signSessionToken: testCase.signSessionToken
        )
        #expect(signed.canonicalRequest.text == (try testCase.expected("header-canonical-request.txt")))
        #expect(signed.stringToSign == (try testCase.expected("header-string-to-sign.txt")))
        #expect(signed.signature == (try testCase.expected("header-signature.txt")))
        let signedRequest = RawHTTPRequest(try testCase.expected("header-signed-request.txt") + "\n")
        #expect(signed.authorization == signedRequest.header("authorization"))
    }

    @Test("signer: presigning", arguments: SigV4Vectors.v4Cases)
    func presign(name: String) throws {
        let testCase = try Case(name)
        let presigned = testCase.signer.presign(
            method: testCase.request.method,
            path: SigV4PercentEncoding.canonicalURI(rawPath: testCase.request.path, mode: testCase.pathMode),
            query: testCase.request.queryPairs,
            headers: testCase.request.headers,
            expires: testCase.context.expiration_in_seconds,
            date: testCase.date,
            payloadHash: testCase.payloadHash,
            signSessionToken: testCase.signSessionToken
        )
        #expect(presigned.canonicalRequest.text == (try testCase.expected("query-canonical-request.txt")))
        #expect(presigned.stringToSign == (try testCase.expected("query-string-to-sign.txt")))
        #expect(presigned.signature == (try testCase.expected("query-signature.txt")))
    }

    @Test("verifier: header-signed request verifies", arguments: SigV4Vectors.v4Cases)
    func verifyHeaderSigned(name: String) throws {
        let testCase = try Case(name)
        let request = RawHTTPRequest(try testCase.expected("header-signed-request.txt") + "\n").sigV4Request
        let verifier = testCase.verifier
        let auth = try #require(try verifier.authorization(for: request))
        #expect(auth.location == .header)
        let verified = try verifier.verify(
            auth,
            request: request,
            secretAccessKey: testCase.context.credentials.secret_access_key,
            now: testCase.date.epochSeconds,
            payloadHash: testCase.payloadHash
        )
        #expect(verified.canonicalRequest.text == (try testCase.expected("header-canonical-request.txt")))
        #expect(verified.seedSignature == (try testCase.expected("header-signature.txt")))
    }

    @Test("verifier: presigned request verifies", arguments: SigV4Vectors.v4Cases)
    func verifyQuerySigned(name: String) throws {
        let testCase = try Case(name)
        // With omit_session_token the token is appended after signing and left out of the
        // canonical query — a generic-service habit. S3 signs every query parameter except
        // X-Amz-Signature, so the S3 verifier (rightly) rejects this one variant.
        let rejected = !testCase.signSessionToken
        let request = RawHTTPRequest(try testCase.expected("query-signed-request.txt") + "\n").sigV4Request
        let verifier = testCase.verifier
        let auth = try #require(try verifier.authorization(for: request))
        #expect(auth.location == .query(expiresSeconds: 3600))
        do {
            let verified = try verifier.verify(
                auth,
                request: request,
                secretAccessKey: testCase.context.credentials.secret_access_key,
                now: testCase.date.epochSeconds + 60,
                payloadHash: testCase.payloadHash
            )
            #expect(!rejected)
            #expect(verified.canonicalRequest.text == (try testCase.expected("query-canonical-request.txt")))
        } catch {
            guard case .signatureDoesNotMatch? = error as? SigV4Error else {
                Issue.record("unexpected \(error)")
                return
            }
            #expect(rejected)
        }
    }
}
