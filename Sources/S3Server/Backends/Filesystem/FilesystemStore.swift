import Shared
#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif
#if canImport(FoundationEssentials)
import FoundationEssentials
#else
import Foundation
#endif
import Crypto
import NIOCore
import NIOPosix

/// An S3 object store on a local folder: the storage layer of the filesystem backend.
///
/// It knows nothing about HTTP. The HTTP adapter maps S3 requests onto these calls and renders
/// results with ``S3XML``; ``S3StoreError`` carries the S3 code and status for failures.
///
/// ## Layout
///
/// ```
/// <root>/<bucket>/bucket.json             creation date
/// <root>/<bucket>/objects/<h0h1>/<h>.obj  one object: payload + JSON record trailer (FSObjectFile)
/// <root>/<bucket>/tmp/                    in-flight PUTs and part uploads
/// <root>/<bucket>/uploads/<uploadId>/     upload.json + part-NNNNN files
/// <root>/.staging/                        buckets being created or deleted
/// ```
///
/// `h` is the SHA-256 hex of the key's UTF-8 bytes. Keys never become paths, so any key —
/// `..`, `a//b`, `dir/`, `../../etc/passwd`, 1024 bytes long — stays inside its bucket, and an
/// object `a` cannot collide with `a/b` (in a key-as-path design one would be a file and the
/// other a directory of the same name). Bucket names are validated to `[a-z0-9.-]`, which makes
/// them safe directory names and keeps them apart from the dot-prefixed `.staging`.
///
/// ## Atomicity
///
/// Payload and record share one file, written under `tmp/`, `fsync`ed, then `rename`d into place.
/// A body that throws midway (digest mismatch, client gone) deletes its temp file, so the
/// previous object, if any, is untouched. Readers keep an open descriptor, so replacing or deleting
/// an object never tears a response already streaming.
///
/// ## Listing trade-off
///
/// Listing enumerates every record in the bucket and sorts keys by UTF-8 bytes (S3 order): cost is
/// O(objects in bucket) per page, fine for thousands of keys, not for millions. There is no
/// separate index to corrupt or keep consistent.
///
/// All blocking file IO runs on `threadPool` (`NIOThreadPool.singleton` by default), one hop per
/// chunk or per small group of system calls.
struct FilesystemStore: Sendable {
    /// The folder holding one folder per bucket.
    let root: String
    /// The minimum size of every part but the last in CompleteMultipartUpload (S3: 5 MiB).
    /// Configurable so tests do not have to upload 5 MiB parts.
    var minimumPartSize: Int64 = 5 * 1024 * 1024
    /// The largest single PUT or part (S3: 5 GiB).
    var maximumObjectSize: Int64 = 5 * 1024 * 1024 * 1024
    /// `fsync` files and directories before acknowledging a write. Turn off only in tests.
    var syncWrites: Bool = true
    /// Who owns everything, for listings.
    var owner: S3Owner = .default
    let threadPool: NIOThreadPool

    /// S3's key length limit, in UTF-8 bytes.
    static let maximumKeyLength = 1024

    init(root: String, threadPool: NIOThreadPool = .singleton) {
        var root = root
        while root.count > 1 && root.hasSuffix("/") { root.removeLast() }
        self.root = root
        self.threadPool = threadPool
    }

    // MARK: Paths

    func bucketPath(_ bucket: String) -> String { root + "/" + bucket }
    var stagingPath: String { root + "/.staging" }

    /// The file that holds the object `key`: a digest of the key, never the key itself.
    func objectPath(bucket: String, key: String) -> String {
        let hex = Hex.encode(SHA256.hash(data: Array(key.utf8)))
        return bucketPath(bucket) + "/objects/" + hex.prefix(2) + "/" + hex + ".obj"
    }

    func io<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await threadPool.runIfActive(body)
    }

    // MARK: Validation

    func validate(bucket: String) throws(S3StoreError) {
        guard BucketName.isValid(bucket) else { throw .invalidBucketName(bucket) }
    }

    func validate(key: String) throws(S3StoreError) {
        guard !key.isEmpty else { throw .invalidArgument("Object key must not be empty") }
        guard key.utf8.count <= Self.maximumKeyLength else { throw .keyTooLong }
    }

    /// Blocking: throws NoSuchBucket unless the bucket folder exists.
    func requireBucket(_ bucket: String) throws {
        guard FSFileIO.isDirectory(bucketPath(bucket) + "/objects") else { throw S3StoreError.noSuchBucket(bucket) }
    }

    // MARK: Buckets

    /// All buckets, sorted by name.
    func listBuckets() async throws -> [BucketInfo] {
        let root = self.root
        return try await io {
            var buckets: [BucketInfo] = []
            for name in try FSFileIO.listDirectory(root) where BucketName.isValid(name) {
                let path = root + "/" + name
                guard FSFileIO.isDirectory(path + "/objects") else { continue }
                buckets.append(BucketInfo(name: name, creationDate: Self.readCreationDate(bucketPath: path)))
            }
            return buckets.sorted { $0.name.utf8.lexicographicallyPrecedes($1.name.utf8) }
        }
    }

    /// Creates a bucket; `BucketAlreadyOwnedByYou` if it exists.
    ///
    /// The bucket is assembled under `.staging` and renamed into place, so no request ever sees
    /// a half-made bucket, and two concurrent creates cannot both succeed.
    func createBucket(_ bucket: String) async throws {
        try validate(bucket: bucket)
        let (root, staging, target, sync) = (self.root, stagingPath, bucketPath(bucket), syncWrites)
        try await io {
            try FSFileIO.makeDirectory(root)
            try FSFileIO.makeDirectory(staging)
            if FSFileIO.isDirectory(target) { throw S3StoreError.bucketAlreadyOwnedByYou(bucket) }
            let temp = staging + "/" + FSFileIO.randomHex()
            do {
                try FSFileIO.makeDirectory(temp)
                for sub in ["objects", "tmp", "uploads"] { try FSFileIO.makeDirectory(temp + "/" + sub) }
                let json = try JSONEncoder().encode(["createdMillis": FSObjectRecord.nowMillis()])
                let fd = try FSFileIO.open(temp + "/bucket.json", flags: O_WRONLY | O_CREAT | O_EXCL)
                defer { FSFileIO.close(fd) }
                try Array(json).withUnsafeBytes { try FSFileIO.writeAll(fd, $0, path: temp + "/bucket.json") }
                if sync { try FSFileIO.fsync(fd, path: temp + "/bucket.json") }
                try FSFileIO.rename(temp, target)
                if sync { try FSFileIO.fsyncDirectory(root) }
            } catch let error as FSFileIOError where error.operation == "rename" && (error.errno == ENOTEMPTY || error.errno == EEXIST) {
                try? FSFileIO.removeTree(temp)
                throw S3StoreError.bucketAlreadyOwnedByYou(bucket)
            } catch {
                try? FSFileIO.removeTree(temp)
                throw error
            }
        }
    }

    /// Succeeds if the bucket exists; `NoSuchBucket` otherwise.
    func headBucket(_ bucket: String) async throws {
        try validate(bucket: bucket)
        try await io { try requireBucket(bucket) }
    }

    /// Deletes an empty bucket (in-progress multipart uploads are discarded with it).
    ///
    /// The emptiness check and the removal are not one atomic step: a PUT that commits between
    /// them is lost with the bucket. The bucket is first renamed away, so that window is a few
    /// system calls, and later requests see `NoSuchBucket` at once.
    func deleteBucket(_ bucket: String) async throws {
        try validate(bucket: bucket)
        let (staging, path) = (stagingPath, bucketPath(bucket))
        try await io {
            try requireBucket(bucket)
            if try Self.containsObjects(bucketPath: path) { throw S3StoreError.bucketNotEmpty(bucket) }
            try FSFileIO.makeDirectory(staging)
            let trash = staging + "/deleted-" + FSFileIO.randomHex()
            try FSFileIO.rename(path, trash)
            try FSFileIO.removeTree(trash)
        }
    }

    /// Removes leftovers of writes interrupted by a crash: temp files and staging folders.
    /// Call once at startup, before serving requests.
    func removeStaleTemporaryFiles() async throws {
        let (root, staging) = (self.root, stagingPath)
        try await io {
            try FSFileIO.removeTree(staging)
            for name in try FSFileIO.listDirectory(root) where BucketName.isValid(name) {
                let tmp = root + "/" + name + "/tmp"
                for file in try FSFileIO.listDirectory(tmp) { try FSFileIO.unlinkIfExists(tmp + "/" + file) }
            }
        }
    }

    private static func containsObjects(bucketPath: String) throws -> Bool {
        let objects = bucketPath + "/objects"
        for shard in try FSFileIO.listDirectory(objects) {
            if try FSFileIO.listDirectory(objects + "/" + shard).contains(where: { $0.hasSuffix(".obj") }) { return true }
        }
        return false
    }

    private static func readCreationDate(bucketPath: String) -> Date {
        guard let fd = try? FSFileIO.open(bucketPath + "/bucket.json", flags: O_RDONLY) else { return Date(timeIntervalSince1970: 0) }
        defer { FSFileIO.close(fd) }
        guard let bytes = try? FSFileIO.pread(fd, count: 4096, offset: 0, path: bucketPath),
            let json = try? JSONDecoder().decode([String: Int64].self, from: Data(bytes)),
            let millis = json["createdMillis"]
        else { return Date(timeIntervalSince1970: 0) }
        return Date(timeIntervalSince1970: Double(millis) / 1000)
    }
}
