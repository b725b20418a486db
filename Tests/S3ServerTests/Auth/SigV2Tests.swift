import Testing

@testable import S3Server
@testable import Shared

/// SigV2 against signatures produced by botocore's `HmacV1QueryAuth` / `HmacV1Auth`.
@Suite struct SigV2Tests {
    let secret = "secretsecretsecretsecretsecretsecretsecr"

    @Test func presignedQueryMatchesBotocore() throws {
        let url = "/bkt/a%20b%24c.txt?response-content-type=text%2Fplain&x-id=GetObject&AWSAccessKeyId=ASIAAAAAAAAAAAAAAAAA"
            + "&Signature=%2FY3Ou1L4UKYLqF5smqg9XAq%2B5wQ%3D&x-amz-security-token=tok%2Ben%2F%3D%3D&Expires=1700000000"
        let target = try RequestTarget(url)
        let auth = try #require(try SigV2Authorization.parse(authorizationHeader: nil, query: target.query, securityTokenHeader: nil))
        #expect(auth.accessKeyID == "ASIAAAAAAAAAAAAAAAAA")
        #expect(auth.securityToken == "tok+en/==")
        #expect(auth.location == .query(expires: 1_700_000_000))
        let stringToSign = SigV2StringToSign.build(
            method: "GET", rawPath: String(target.rawPath), query: target.query, headers: [], dateValue: "1700000000",
            securityToken: auth.securityToken, isPresigned: true)
        #expect(stringToSign == "GET\n\n\n1700000000\nx-amz-security-token:tok+en/==\n/bkt/a%20b%24c.txt?response-content-type=text/plain")
        #expect(SigV2StringToSign.isValid(auth.signature, stringToSign: stringToSign, secret: secret))
        #expect(!SigV2StringToSign.isValid(auth.signature, stringToSign: stringToSign, secret: secret + "x"))
    }

    @Test func headerStringToSignFollowsBotocore() {
        let headers: [(name: String, value: String)] = [
            ("Content-Type", "text/plain"), ("x-amz-meta-a", "  b  "), ("x-amz-security-token", "tok+en/=="),
            ("Date", "Tue, 01 Dec 2026 13:24:59 GMT"),
        ]
        let target = try! RequestTarget("/bkt/key?uploadId=abc&partNumber=2")
        let text = SigV2StringToSign.build(
            method: "PUT", rawPath: "/bkt/key", query: target.query, headers: headers,
            dateValue: "Tue, 01 Dec 2026 13:24:59 GMT", securityToken: "tok+en/==", isPresigned: false)
        #expect(text == "PUT\n\ntext/plain\nTue, 01 Dec 2026 13:24:59 GMT\nx-amz-meta-a:b\nx-amz-security-token:tok+en/==\n/bkt/key?partNumber=2&uploadId=abc")
    }

    @Test func incompleteQueryAuthIsAnError() {
        #expect(throws: SigV2Authorization.ParseError.missingQueryParameters) {
            try SigV2Authorization.parse(authorizationHeader: nil, query: [("AWSAccessKeyId", "A")], securityTokenHeader: nil)
        }
        #expect(throws: SigV2Authorization.ParseError.malformedHeader) {
            try SigV2Authorization.parse(authorizationHeader: "AWS nocolon", query: [], securityTokenHeader: nil)
        }
    }
}
