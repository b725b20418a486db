import HTTPTypes
import Testing

@testable import S3Server
@testable import Shared

@Suite struct ForwardedRequestTests {
    let policy = ForwardedRequest.Policy(trustedProxies: ["10.0.0.0/8", "::1/128"].compactMap(IPAddressRange.init))

    func headers(_ pairs: [(String, String)]) -> HTTPFields {
        var fields = HTTPFields()
        for (name, value) in pairs { fields.append(HTTPField(name: HTTPField.Name(name)!, value: value)) }
        return fields
    }

    @Test func untrustedPeersCannotForgeForwardedHeaders() {
        let request = ForwardedRequest(
            peer: "203.0.113.9", authority: "s3.example.com", listenerIsTLS: false,
            headers: headers([("X-Forwarded-For", "1.2.3.4"), ("X-Forwarded-Host", "evil"), ("X-Forwarded-Proto", "https")]),
            policy: policy)
        #expect(request.sourceIP == "203.0.113.9")
        #expect(request.authority == "s3.example.com")
        #expect(!request.secure)
    }

    @Test func trustedProxiesAreBelieved() {
        let request = ForwardedRequest(
            peer: "10.1.2.3", authority: "portcullis:8080", listenerIsTLS: false,
            headers: headers([("X-Forwarded-For", "198.51.100.7, 10.9.9.9"), ("X-Forwarded-Host", "s3.example.com"), ("X-Forwarded-Proto", "https")]),
            policy: policy)
        #expect(request.sourceIP == "198.51.100.7")  // the rightmost address that is not a trusted proxy
        #expect(request.authority == "s3.example.com")
        #expect(request.secure)
    }

    @Test func aClientCannotPrependItsOwnAddress() {
        // The client sent "X-Forwarded-For: 127.0.0.1"; the trusted proxy appended the real address.
        let request = ForwardedRequest(
            peer: "10.1.2.3", authority: nil, listenerIsTLS: true,
            headers: headers([("X-Forwarded-For", "127.0.0.1, 198.51.100.7")]), policy: policy)
        #expect(request.sourceIP == "198.51.100.7")
        #expect(request.secure)
    }
}
