import AsyncHTTPClient
import NIOCore
import NIOSSL
import Testing

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

@testable import S3Server

@Suite struct UpstreamFailureTests {
    @Test(arguments: [
        (HTTPClientError.connectTimeout as any Error, UpstreamFailure.connectTimeout),
        (HTTPClientError.getConnectionFromPoolTimeout, .connectTimeout),
        (HTTPClientError.tlsHandshakeTimeout, .connectTimeout),
        (HTTPClientError.readTimeout, .timeout),
        (HTTPClientError.writeTimeout, .timeout),
        (HTTPClientError.deadlineExceeded, .timeout),
        (HTTPClientError.remoteConnectionClosed, .connectionLost),
        (HTTPClientError.cancelled, .cancelled),
        (HTTPClientError.invalidURL, .other),
        (IOError(errnoCode: ECONNREFUSED, reason: "connect"), .connectRefused),
        (IOError(errnoCode: EHOSTUNREACH, reason: "connect"), .connectRefused),
        (IOError(errnoCode: ETIMEDOUT, reason: "connect"), .connectTimeout),
        (IOError(errnoCode: ECONNRESET, reason: "read"), .connectionLost),
        (IOError(errnoCode: EPIPE, reason: "write"), .connectionLost),
        (IOError(errnoCode: ENOSPC, reason: "write"), .other),
        (ChannelError.connectTimeout(.seconds(1)), .connectTimeout),
        (ChannelError.ioOnClosedChannel, .connectionLost),
        (ChannelError.eof, .connectionLost),
        (NIOSSLError.unableToValidateCertificate, .tls),
        (NIOSSLError.uncleanShutdown, .connectionLost),
        (CancellationError(), .cancelled),
        (UploadStalled(), .timeout),
        (S3Error.internalError, .other),
    ])
    func classifies(error: any Error, expected: UpstreamFailure) {
        #expect(UpstreamFailure(error) == expected)
    }

    /// Every transport failure is an answer AWS SDKs retry: 503 for the transient ones, 500 else.
    @Test(arguments: [
        (UpstreamFailure.connectRefused, "ServiceUnavailable", 503),
        (.connectTimeout, "ServiceUnavailable", 503),
        (.connectionLost, "ServiceUnavailable", 503),
        (.timeout, "ServiceUnavailable", 503),
        (.tls, "InternalError", 500),
        (.other, "InternalError", 500),
    ])
    func mapsToS3Error(failure: UpstreamFailure, code: String, status: Int) {
        #expect(failure.s3Error.code == code)
        #expect(failure.s3Error.status == status)
    }
}
