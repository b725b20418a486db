/// The checksum algorithms of S3's flexible checksums.
///
/// A client names the algorithm in two ways: as a header or trailer name (`x-amz-checksum-crc32`,
/// listed in `x-amz-trailer` for aws-chunked uploads) and as an SDK name in
/// `x-amz-sdk-checksum-algorithm` (`CRC32`). The raw value is the lower-case suffix of the header name.
///
/// ```swift
/// let algorithm = ChecksumAlgorithm(headerName: "X-Amz-Checksum-CRC64NVME")  // .crc64nvme
/// algorithm?.headerName  // "x-amz-checksum-crc64nvme"
/// ```
///
/// See https://docs.aws.amazon.com/AmazonS3/latest/userguide/checking-object-integrity.html
public enum ChecksumAlgorithm: String, CaseIterable, Sendable {
    /// CRC-32 (ISO-HDLC, reflected polynomial 0xEDB88320): 4 bytes. botocore's default since 1.36.
    case crc32
    /// CRC-32C (Castagnoli, reflected polynomial 0x82F63B78): 4 bytes.
    case crc32c
    /// CRC-64/NVME (reflected polynomial 0x9A6C9329AC4BC9B5): 8 bytes. aws-cli v2's default.
    case crc64nvme
    /// SHA-1: 20 bytes.
    case sha1
    /// SHA-256: 32 bytes.
    case sha256

    private static let headerPrefix = "x-amz-checksum-"

    /// Recognises a checksum header or trailer name, ignoring ASCII case.
    ///
    /// - Parameters:
    ///   - headerName: a name such as `x-amz-checksum-crc32` or `X-Amz-Checksum-SHA256`.
    /// - Returns: `nil` for any other name, including `x-amz-checksum-type` and `x-amz-checksum-mode`.
    public init?(headerName: String) {
        let name = headerName.lowercased()
        guard name.hasPrefix(Self.headerPrefix) else { return nil }
        self.init(rawValue: String(name.dropFirst(Self.headerPrefix.count)))
    }

    /// Recognises an `x-amz-sdk-checksum-algorithm` value, ignoring ASCII case.
    ///
    /// - Parameters:
    ///   - sdkName: `CRC32`, `CRC32C`, `CRC64NVME`, `SHA1` or `SHA256`.
    /// - Returns: `nil` for any other value.
    public init?(sdkName: String) {
        self.init(rawValue: sdkName.lowercased())
    }

    /// The header and trailer name carrying this checksum, in lower case: `x-amz-checksum-crc32`.
    public var headerName: String { Self.headerPrefix + rawValue }

    /// The name used in `x-amz-sdk-checksum-algorithm` and `x-amz-checksum-algorithm`: `CRC32`.
    public var sdkName: String { rawValue.uppercased() }

    /// The length of the digest in bytes: 4, 4, 8, 20 or 32.
    public var digestByteCount: Int {
        switch self {
        case .crc32, .crc32c: 4
        case .crc64nvme: 8
        case .sha1: 20
        case .sha256: 32
        }
    }
}
