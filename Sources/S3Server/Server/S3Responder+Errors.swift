import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Shared

/// How body, framing and backend failures are answered in S3's terms.
extension S3Responder {
    /// Reads a small request body whole (an XML document the request is authorised on), once it
    /// verified; over `limit` bytes is the XML size error, a failed check the body's own error.
    func collectVerifiedBody(_ body: BackendRequestBody, outcome: BodyOutcome, limit: Int) async throws(S3Error) -> [UInt8] {
        var bytes: [UInt8] = []
        do {
            for try await buffer in body {
                guard bytes.count + buffer.readableBytes <= limit else { throw S3Error.xmlTooLarge(maximum: limit) }
                bytes += buffer.readableBytesView
            }
        } catch {
            throw bodyError(outcome) ?? (error as? S3Error) ?? .incompleteBody
        }
        if let error = bodyError(outcome) { throw error }
        return bytes
    }

    func bodyError(_ outcome: BodyOutcome) -> S3Error? {
        switch outcome.current {
        case .failed(.sha256Mismatch): .contentSHA256Mismatch
        case .failed(.md5Mismatch): .badDigest
        case .failed(.checksumMismatch(let algorithm)):
            S3Error("BadDigest", "The \(algorithm.sdkName) you specified did not match the calculated checksum.", status: 400)
        case .failed(.tooShort), .failed(.tooLong): .incompleteBody
        case .clientAborted: .incompleteBody
        case .framingFailed(let error): Self.s3Error(for: error)
        default: nil
        }
    }

    /// How S3 answers a broken aws-chunked body.
    static func s3Error(for error: AWSChunkedError) -> S3Error {
        switch error {
        case .chunkSignatureMismatch, .trailerSignatureMismatch, .missingChunkSignature, .missingTrailerSignature:
            S3Error(
                "SignatureDoesNotMatch",
                "The request signature we calculated does not match the signature you provided. Check your key and signing method.",
                status: 403)
        case .incompleteBody, .decodedLengthMismatch:
            .incompleteBody
        case .missingTrailer, .unexpectedTrailer, .duplicateTrailer, .malformedTrailer, .trailerAfterSignature, .trailerSectionTooLong:
            S3Error("MalformedTrailerError", "The request contained trailing data that was not well-formed or did not conform to our published schema.", status: 400)
        default:
            .invalidRequest("The aws-chunked request body is malformed: \(error)")
        }
    }

    static func backendFailure(_ error: any Error, logger: Logger) -> S3Error {
        logger.warning("backend failure", metadata: ["error": "\(error)"])
        return .serviceUnavailable
    }
}
