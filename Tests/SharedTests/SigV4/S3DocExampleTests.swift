import Foundation
import Shared
import Testing

/// The worked examples of the Amazon S3 API Reference (service `s3`): four header-signed
/// requests, a presigned GET, and an aws-chunked upload (seed plus three chunk signatures).
@Suite("SigV4 S3 API Reference examples")
struct S3DocExampleTests {
    static let headerVectors = ["get-object-range", "put-object", "get-bucket-lifecycle", "list-objects", "streaming-put-seed"]

    @Test("signer reproduces the header-signed examples", arguments: headerVectors)
    func signHeaderExample(name: String) throws {
        let examples = try S3DocExamples.load()
        let vector = try examples.vector(name)
        let headers = try #require(vector.headers).map { (name: $0.key, value: $0.value) }
        let signed = examples.signer.sign(
            method: try #require(vector.method),
            path: SigV4PercentEncoding.uriEncode(try #require(vector.path), encodeSlash: false),
            query: (vector.query ?? []).map { ($0[0], $0[1]) },
            headers: headers,
            payloadHash: try #require(vector.headers?["x-amz-content-sha256"]),
            date: examples.date
        )
        #expect(signed.canonicalRequest.text == vector.canonical_request)
        #expect(signed.canonicalRequest.signedHeaders == vector.signed_headers)
        #expect(signed.stringToSign == vector.string_to_sign)
        #expect(signed.signature == vector.signature)
    }

    @Test("verifier accepts the header-signed examples under S3 rules", arguments: headerVectors)
    func verifyHeaderExample(name: String) throws {
        let examples = try S3DocExamples.load()
        let vector = try examples.vector(name)
        var headers = try #require(vector.headers).map { (name: $0.key, value: $0.value) }
        let signature = try #require(vector.signature)
        headers.append((
            "Authorization",
            "AWS4-HMAC-SHA256 Credential=\(examples.meta.access_key)/20130524/us-east-1/s3/aws4_request,SignedHeaders=\(vector.signed_headers!),Signature=\(signature)"
        ))
        let rawQuery = (vector.query ?? []).map { $0[1].isEmpty ? $0[0] : "\($0[0])=\($0[1])" }.joined(separator: "&")
        let request = SigV4Request(method: vector.method!, rawPath: vector.path!, rawQuery: rawQuery, headers: headers)
        let verifier = SigV4Verifier(options: .init(region: "us-east-1"))
        let auth = try #require(try verifier.authorization(for: request))
        let verified = try verifier.verify(auth, request: request, secretAccessKey: examples.meta.secret_key, now: examples.date.epochSeconds + 300)
        #expect(verified.canonicalRequest.text == vector.canonical_request)
        #expect(verified.stringToSign == vector.string_to_sign)
        #expect(verified.payloadHash == vector.headers?["x-amz-content-sha256"])
    }

    @Test("presigned GET: signer reproduces the URL, verifier accepts it")
    func presignedGet() throws {
        let examples = try S3DocExamples.load()
        let vector = try examples.vector("presigned-get")
        let presigned = examples.signer.presign(
            method: "GET",
            path: "/test.txt",
            headers: [("Host", "examplebucket.s3.amazonaws.com")],
            expires: 86_400,
            date: examples.date
        )
        #expect(presigned.canonicalRequest.text == vector.canonical_request)
        #expect(presigned.stringToSign == vector.string_to_sign)
        #expect(presigned.signature == vector.signature)
        let url = try #require(vector.url)
        #expect(url == "https://examplebucket.s3.amazonaws.com/test.txt?" + presigned.queryString)

        let target = String(url.dropFirst("https://examplebucket.s3.amazonaws.com".count))
        let request = SigV4Request(method: "GET", requestTarget: target, headers: [("host", "examplebucket.s3.amazonaws.com")])
        let verifier = SigV4Verifier()
        let auth = try #require(try verifier.authorization(for: request))
        #expect(auth.location == .query(expiresSeconds: 86_400))
        #expect(auth.defaultPayloadHash == "UNSIGNED-PAYLOAD")
        let verified = try verifier.verify(auth, request: request, secretAccessKey: examples.meta.secret_key, now: examples.date.epochSeconds + 86_400)
        #expect(verified.canonicalRequest.text == vector.canonical_request)
    }

    @Test("aws-chunked: chunk signatures chain from the seed")
    func streamingChunks() throws {
        let examples = try S3DocExamples.load()
        let vector = try examples.vector("streaming-put-chunks")
        let seed = try #require(vector.seed_signature)
        #expect(seed == (try examples.vector("streaming-put-seed")).signature)
        let key = SigV4SigningKey(
            secretAccessKey: examples.meta.secret_key,
            scope: SigV4Scope(date: examples.date, region: examples.meta.region, service: "s3")
        )
        var previous = seed
        var signer = SigV4ChunkSigner(signingKey: key, date: examples.date, seedSignature: seed)
        var verifier = SigV4ChunkSigner(signingKey: key, date: examples.date, seedSignature: seed)
        let chunks = try #require(vector.chunks)
        #expect(chunks.count == 3)
        for chunk in chunks {
            let data = [UInt8](repeating: chunk.chunk_byte.utf8.first!, count: chunk.chunk_len)
            let hash = SigV4SigningKey.sha256Hex(bytes: data)
            #expect(SigV4ChunkSigner.chunkStringToSign(previous: previous, chunkSHA256: hash, date: examples.date, scope: key.scope) == chunk.string_to_sign)
            let signature = SigV4ChunkSigner.chunkSignature(
                previous: previous,
                chunkSHA256: hash,
                date: examples.date,
                scope: key.scope,
                signingKey: key
            )
            #expect(signature == chunk.signature)
            #expect(chunk.chunk_header == String(chunk.chunk_len, radix: 16) + ";chunk-signature=" + signature)
            let next = signer.nextChunkSignature(sha256: hash)
            #expect(next == chunk.signature)
            let accepted = verifier.verifyChunk(sha256: hash, signature: chunk.signature)
            #expect(accepted)
            previous = signature
        }
        // A tampered chunk does not verify and does not advance the chain.
        let before = verifier.previousSignature
        let tamperedAccepted = verifier.verifyChunk(sha256: SigV4SigningKey.emptyPayloadSHA256, signature: String(repeating: "0", count: 64))
        #expect(!tamperedAccepted)
        #expect(verifier.previousSignature == before)
    }

    @Test("aws-chunked: the verified seed request hands out a chunk signer")
    func seedRequestChunkSigner() throws {
        let examples = try S3DocExamples.load()
        let seedVector = try examples.vector("streaming-put-seed")
        let signed = examples.signer.sign(
            method: "PUT",
            path: "/examplebucket/chunkObject.txt",
            headers: seedVector.headers!.map { (name: $0.key, value: $0.value) },
            payloadHash: "STREAMING-AWS4-HMAC-SHA256-PAYLOAD",
            date: examples.date
        )
        let headers = seedVector.headers!.map { (name: $0.key, value: $0.value) } + [("Authorization", signed.authorization)]
        let request = SigV4Request(method: "PUT", rawPath: "/examplebucket/chunkObject.txt", rawQuery: "", headers: headers)
        let verifier = SigV4Verifier()
        let verified = try verifier.verify(
            try #require(try verifier.authorization(for: request)),
            request: request,
            secretAccessKey: examples.meta.secret_key,
            now: examples.date.epochSeconds
        )
        #expect(verified.seedSignature == seedVector.signature)
        #expect(verified.payloadMode == .streamingSigned)
        var chunkSigner = verified.chunkSigner()
        for chunk in try examples.vector("streaming-put-chunks").chunks! {
            let hash = SigV4SigningKey.sha256Hex(bytes: [UInt8](repeating: UInt8(ascii: "a"), count: chunk.chunk_len))
            let accepted = chunkSigner.verifyChunk(sha256: hash, signature: chunk.signature)
            #expect(accepted)
        }
    }
}
