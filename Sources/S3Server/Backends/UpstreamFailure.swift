import AsyncHTTPClient
import NIOCore
import NIOPosix
import NIOSSL

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// Why a request to an upstream S3 endpoint failed at the transport level (a backend's own
/// HTTP answer, even a 5xx, is not a failure here: it is passed on as it came).
///
/// The kind decides two things: whether the request may be tried again
/// (`UpstreamRetryPolicy`) and which S3 error the client gets. Every kind maps to an answer that
/// AWS SDKs retry by themselves (503 or 500), so a client never hangs on a dead backend and
/// never mistakes a failure for a success.
enum UpstreamFailure: String, Sendable, CaseIterable {
    /// No connection could be made (refused, unreachable, name not resolved): the request never
    /// left this process.
    case connectRefused = "connect_refused"
    /// The connection was not established within `connectTimeoutSeconds` (or no pooled
    /// connection became free in that time).
    case connectTimeout = "connect_timeout"
    /// The connection broke (reset, closed by the peer, broken pipe).
    case connectionLost = "connection_lost"
    /// The backend went silent for `readTimeoutSeconds` (or a write stalled as long).
    case timeout
    /// The TLS handshake failed (certificate not trusted, wrong name, protocol mismatch).
    case tls
    /// The request was cancelled because the client went away.
    case cancelled
    /// Anything else (a malformed answer, an internal error of the HTTP client).
    case other

    /// Classifies an error thrown by AsyncHTTPClient (or the NIO layers under it).
    init(_ error: any Error) {
        switch error {
        case is CancellationError:
            self = .cancelled
        case is UploadStalled:
            self = .timeout
        case let error as HTTPClientError:
            self = Self.classify(error)
        case let error as NIOConnectionError:
            // Happy eyeballs: every address failed (or the name did not resolve).
            if error.dnsAError != nil || error.dnsAAAAError != nil {
                self = .connectRefused
            } else if let first = error.connectionErrors.first {
                let kind = UpstreamFailure(first.error)
                self = kind == .other ? .connectRefused : kind
            } else {
                self = .connectRefused
            }
        case let error as IOError:
            self = Self.classify(errno: error.errnoCode)
        case let error as ChannelError:
            switch error {
            case .connectTimeout: self = .connectTimeout
            case .ioOnClosedChannel, .alreadyClosed, .eof, .outputClosed, .inputClosed: self = .connectionLost
            default: self = .other
            }
        case NIOSSLError.uncleanShutdown:
            // The peer closed TCP without a TLS goodbye: a connection that broke, not a bad handshake.
            self = .connectionLost
        case is NIOSSLError, is BoringSSLError, is NIOSSLExtraError:
            self = .tls
        default:
            self = .other
        }
    }

    private static func classify(_ error: HTTPClientError) -> UpstreamFailure {
        switch error {
        case .connectTimeout, .getConnectionFromPoolTimeout, .tlsHandshakeTimeout:
            .connectTimeout
        case .readTimeout, .writeTimeout, .deadlineExceeded:
            .timeout
        case .remoteConnectionClosed:
            .connectionLost
        case .cancelled, .requestStreamCancelled:
            .cancelled
        default:
            .other
        }
    }

    static func classify(errno code: Int32) -> UpstreamFailure {
        switch code {
        case ECONNREFUSED, EHOSTUNREACH, ENETUNREACH, EADDRNOTAVAIL: .connectRefused
        case ETIMEDOUT: .connectTimeout
        case ECONNRESET, EPIPE, ECONNABORTED: .connectionLost
        default: .other
        }
    }

    /// Whether the request cannot have reached the backend: nothing was sent at all.
    var isBeforeSending: Bool {
        self == .connectRefused || self == .connectTimeout
    }

    /// The S3 error the client gets when this failure ends the request (after any retries).
    /// Transient conditions are 503 ServiceUnavailable, which SDKs retry with backoff; a TLS or
    /// unknown failure is 500 InternalError (retried too, but it points at the configuration).
    var s3Error: S3Error {
        switch self {
        case .connectRefused, .connectTimeout, .connectionLost:
            .serviceUnavailable
        case .timeout:
            S3Error("ServiceUnavailable", "The backend did not answer in time. Please try again.", status: 503)
        case .tls, .other, .cancelled:
            .internalError
        }
    }
}

/// The backend stopped taking an upload's body for `readTimeoutSeconds`.
struct UploadStalled: Error, CustomStringConvertible {
    var description: String { "the backend stopped reading the request body" }
}
