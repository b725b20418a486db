/// An S3 error raised by the storage layer: the S3 error code, its HTTP status and a message.
///
/// A struct with static factories rather than an enum, so codes can be added without breaking
/// exhaustive switches in the HTTP adapter (the swift-nio `HTTPClientError` pattern). The adapter
/// renders `<Error><Code>…</Code><Message>…</Message>…</Error>` from these fields; any other error
/// thrown by the store (``FSFileIOError``, a failing request body) is a `500 InternalError`
/// or the body's own failure.
struct S3StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The S3 error code, e.g. `NoSuchKey`.
    var code: String
    /// The HTTP status to answer with.
    var httpStatus: Int
    /// Human-readable message, as S3 words it where known.
    var message: String
    /// The bucket or key the error is about (`<BucketName>`, `<Key>`), when meaningful.
    var resource: String?
    /// For `InvalidRange`: the object size, for `Content-Range: bytes */<size>`.
    var actualObjectSize: Int64?

    var description: String { "\(code) (\(httpStatus)): \(message)" }

    static func noSuchBucket(_ bucket: String) -> Self {
        .init(code: "NoSuchBucket", httpStatus: 404, message: "The specified bucket does not exist", resource: bucket)
    }

    static func noSuchKey(_ key: String) -> Self {
        .init(code: "NoSuchKey", httpStatus: 404, message: "The specified key does not exist.", resource: key)
    }

    static func bucketAlreadyOwnedByYou(_ bucket: String) -> Self {
        .init(
            code: "BucketAlreadyOwnedByYou",
            httpStatus: 409,
            message: "Your previous request to create the named bucket succeeded and you already own it.",
            resource: bucket
        )
    }

    static func bucketNotEmpty(_ bucket: String) -> Self {
        .init(code: "BucketNotEmpty", httpStatus: 409, message: "The bucket you tried to delete is not empty", resource: bucket)
    }

    static func invalidBucketName(_ bucket: String) -> Self {
        .init(code: "InvalidBucketName", httpStatus: 400, message: "The specified bucket is not valid.", resource: bucket)
    }

    static func noSuchUpload(_ uploadId: String) -> Self {
        .init(
            code: "NoSuchUpload",
            httpStatus: 404,
            message: "The specified upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.",
            resource: uploadId
        )
    }

    static func invalidPart(_ message: String = "One or more of the specified parts could not be found. The part may not have been uploaded, or the specified entity tag may not match the part's entity tag.") -> Self {
        .init(code: "InvalidPart", httpStatus: 400, message: message)
    }

    /// A checksum the client sent for the whole object differs from the stored bytes'.
    static func badDigest(_ algorithm: String) -> Self {
        .init(code: "BadDigest", httpStatus: 400, message: "The \(algorithm) you specified did not match the calculated checksum.")
    }

    static let invalidPartOrder = Self(
        code: "InvalidPartOrder",
        httpStatus: 400,
        message: "The list of parts was not in ascending order. The parts list must be specified in order by part number."
    )

    static let entityTooSmall = Self(
        code: "EntityTooSmall",
        httpStatus: 400,
        message: "Your proposed upload is smaller than the minimum allowed object size."
    )

    static let entityTooLarge = Self(
        code: "EntityTooLarge",
        httpStatus: 400,
        message: "Your proposed upload exceeds the maximum allowed object size."
    )

    static func invalidRange(actualSize: Int64) -> Self {
        .init(code: "InvalidRange", httpStatus: 416, message: "The requested range is not satisfiable", actualObjectSize: actualSize)
    }

    /// `GET ?partNumber=` beyond the object's parts (a single-PUT object has one).
    static func invalidPartNumber(actualSize: Int64) -> Self {
        .init(code: "InvalidPartNumber", httpStatus: 416, message: "The requested partnumber is not satisfiable", actualObjectSize: actualSize)
    }

    static func invalidArgument(_ message: String) -> Self {
        .init(code: "InvalidArgument", httpStatus: 400, message: message)
    }

    static let incompleteBody = Self(
        code: "IncompleteBody",
        httpStatus: 400,
        message: "You did not provide the number of bytes specified by the Content-Length HTTP header."
    )

    static let keyTooLong = Self(code: "KeyTooLongError", httpStatus: 400, message: "Your key is too long")

    static func invalidRequest(_ message: String) -> Self {
        .init(code: "InvalidRequest", httpStatus: 400, message: message)
    }

    static let malformedXML = Self(
        code: "MalformedXML",
        httpStatus: 400,
        message: "The XML you provided was not well-formed or did not validate against our published schema"
    )
}
