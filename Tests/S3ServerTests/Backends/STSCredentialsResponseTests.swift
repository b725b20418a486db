import Foundation
import Testing

@testable import S3Server
@testable import Shared

/// Reading an STS AssumeRoleWithWebIdentity answer (success or ErrorResponse), bounded and strict.
@Suite struct STSCredentialsResponseTests {
    static let success = """
        <AssumeRoleWithWebIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
          <AssumeRoleWithWebIdentityResult>
            <SubjectFromWebIdentityToken>system:serviceaccount:ns:portcullis</SubjectFromWebIdentityToken>
            <AssumedRoleUser><Arn>arn:aws:sts::123456789012:assumed-role/proxy/portcullis</Arn><AssumedRoleId>AROA:portcullis</AssumedRoleId></AssumedRoleUser>
            <Credentials>
              <SessionToken>tok/en+==</SessionToken>
              <SecretAccessKey>sec&amp;ret</SecretAccessKey>
              <Expiration>2026-12-01T20:00:00Z</Expiration>
              <AccessKeyId>ASIAEXAMPLE</AccessKeyId>
            </Credentials>
            <Audience>sts.amazonaws.com</Audience>
          </AssumeRoleWithWebIdentityResult>
          <ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>
        </AssumeRoleWithWebIdentityResponse>
        """
    static let expected = BackendCredentials(
        accessKeyID: "ASIAEXAMPLE", secretAccessKey: "sec&ret", sessionToken: "tok/en+==", expiration: 1_796_155_200)

    struct Case: Sendable, CustomTestStringConvertible {
        let name: String
        let body: String
        let expected: STSCredentialsResponse?
        var testDescription: String { name }
    }

    static let cases: [Case] = [
        Case(name: "success, namespaced, fields in any order", body: success, expected: .credentials(expected)),
        Case(name: "prefixed namespace",
             body: success.replacingOccurrences(of: "<AssumeRole", with: "<sts:AssumeRole").replacingOccurrences(of: "</AssumeRole", with: "</sts:AssumeRole")
                .replacingOccurrences(of: "xmlns=", with: "xmlns:sts="),
             expected: .credentials(expected)),
        Case(name: "CDATA token",
             body: success.replacingOccurrences(of: "tok/en+==", with: "<![CDATA[tok/en+==]]>"), expected: .credentials(expected)),
        Case(name: "STS error",
             body: """
                <ErrorResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><Error><Type>Sender</Type>\
                <Code>InvalidIdentityToken</Code><Message>Token expired</Message></Error><RequestId>x</RequestId></ErrorResponse>
                """,
             expected: .error(code: "InvalidIdentityToken", message: "Token expired")),
        Case(name: "error without a code", body: "<ErrorResponse><Error><Message>m</Message></Error></ErrorResponse>", expected: nil),
        Case(name: "cut short", body: String(success.prefix(success.count - 40)), expected: nil),
        Case(name: "no session token", body: success.replacingOccurrences(of: "<SessionToken>tok/en+==</SessionToken>", with: ""), expected: nil),
        Case(name: "empty secret", body: success.replacingOccurrences(of: "sec&amp;ret", with: ""), expected: nil),
        Case(name: "bad expiration", body: success.replacingOccurrences(of: "2026-12-01T20:00:00Z", with: "tomorrow"), expected: nil),
        Case(name: "a DTD is refused", body: "<!DOCTYPE x [<!ENTITY a \"b\">]>" + success, expected: nil),
        Case(name: "some other document", body: "<ListAllMyBucketsResult/>", expected: nil),
        Case(name: "not XML", body: "{\"Credentials\": {}}", expected: nil),
        Case(name: "a repeated AccessKeyId keeps the first",
             body: success.replacingOccurrences(of: "<AccessKeyId>ASIAEXAMPLE</AccessKeyId>",
                                                with: "<AccessKeyId>ASIAEXAMPLE</AccessKeyId><AccessKeyId>ASIAOTHER</AccessKeyId>"),
             expected: .credentials(expected)),
    ]

    @Test(arguments: cases)
    func parse(_ c: Case) {
        #expect(STSCredentialsResponse.parse(Array(c.body.utf8)) == c.expected)
    }

    @Test func oversizedAnswerIsRefused() {
        let padded = Self.success.replacingOccurrences(
            of: "<Audience>", with: "<Pad>" + String(repeating: "x", count: STSCredentialsResponse.maximumSize) + "</Pad><Audience>")
        #expect(STSCredentialsResponse.parse(Array(padded.utf8)) == nil)
    }

    @Test func requestFormEncodesEveryValue() {
        let form = STSWebIdentityClient.form(
            roleArn: "arn:aws:iam::123456789012:role/proxy", sessionName: "portcullis", durationSeconds: 900, token: "a.b+c/d=")
        #expect(form == "Action=AssumeRoleWithWebIdentity&Version=2011-06-15&RoleArn=arn%3Aaws%3Aiam%3A%3A123456789012%3Arole%2Fproxy"
            + "&RoleSessionName=portcullis&DurationSeconds=900&WebIdentityToken=a.b%2Bc%2Fd%3D")
        #expect(FormURLEncoding.parse(form)?.last?.value == "a.b+c/d=")
    }
}
