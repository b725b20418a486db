import Testing

@testable import S3Server

@Suite struct DeleteObjectsRequestTests {
    func parse(_ xml: String) throws(S3Error) -> DeleteObjectsRequest {
        try DeleteObjectsRequest(parsing: Array(xml.utf8))
    }

    @Test func parsesKeysVersionsAndQuiet() throws {
        let request = try parse("""
            <?xml version="1.0" encoding="UTF-8"?>
            <Delete xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Quiet>true</Quiet>
              <Object><Key>a/b.txt</Key></Object>
              <Object><Key> spaced &amp; &lt;odd&gt; </Key><VersionId>v1</VersionId></Object>
              <Object><Key>line&#10;feed</Key></Object>
            </Delete>
            """)
        #expect(request.quiet)
        #expect(request.objects == [
            .init(key: "a/b.txt", versionID: nil), .init(key: " spaced & <odd> ", versionID: "v1"), .init(key: "line\nfeed", versionID: nil),
        ])
    }

    @Test func quietDefaultsToFalse() throws {
        #expect(try parse("<Delete><Object><Key>k</Key></Object></Delete>").quiet == false)
    }

    @Test(arguments: [
        "",
        "not xml",
        "<Delete></Delete>",  // no objects
        "<Remove><Object><Key>k</Key></Object></Remove>",  // wrong root
        "<Delete><Object></Object></Delete>",  // no key
        "<Delete><Object><Key></Key></Object></Delete>",  // empty key
        "<Delete><Object><Key>a</Key><Key>b</Key></Object></Delete>",  // two keys
        "<Delete><Object><Key>k</Key><Colour>red</Colour></Object></Delete>",  // unknown element
        "<Delete><Quiet>maybe</Quiet><Object><Key>k</Key></Object></Delete>",
        "<Delete><Object><Key>k</Key></Object><Extra/></Delete>",
        "<Delete><Object><Key>k<Inner/></Key></Object></Delete>",
        "<!DOCTYPE x [<!ENTITY e \"k\">]><Delete><Object><Key>&e;</Key></Object></Delete>",
        "<Delete><Object><Key>k</Key></Object>",  // unterminated
    ])
    func malformedBodiesAreMalformedXML(_ xml: String) {
        #expect(throws: S3Error.self) { try parse(xml) }
        do {
            _ = try parse(xml)
        } catch {
            #expect(error.code == "MalformedXML")
        }
    }

    @Test func moreThanAThousandKeysIsMalformedXML() {
        let objects = (0...1000).map { "<Object><Key>k\($0)</Key></Object>" }.joined()
        do {
            _ = try parse("<Delete>\(objects)</Delete>")
            Issue.record("accepted 1001 keys")
        } catch {
            #expect(error.code == "MalformedXML")
        }
        #expect((try? parse("<Delete>\(objects.dropLast("<Object><Key>k1000</Key></Object>".count))</Delete>"))?.objects.count == 1000)
    }

    /// A conditional delete must not silently become an unconditional one.
    @Test func perObjectConditionsAreNotImplemented() {
        do {
            _ = try parse("<Delete><Object><Key>k</Key><ETag>\"abc\"</ETag></Object></Delete>")
            Issue.record("accepted a per-object ETag")
        } catch {
            #expect(error.code == "NotImplemented")
        }
    }

    @Test func bodyForTheBackendRoundTrips() throws {
        let request = DeleteObjectsRequest(objects: [.init(key: "a&b <c>", versionID: nil), .init(key: "d\re", versionID: "v 2")], quiet: true)
        let reparsed = try parse(request.xml())
        #expect(reparsed.objects == request.objects)
        #expect(reparsed.quiet == false)  // the backend always reports every key
    }
}

@Suite struct DeleteObjectsResultTests {
    @Test func rendersDeletedAndErrorsInOrder() {
        let result = DeleteObjectsResult(entries: [
            .deleted(.init(key: "a<b", versionID: nil)),
            .failed(.init(key: "secret/x", versionID: "v1"), code: "AccessDenied", message: "Access Denied"),
        ])
        let xml = result.xml(quiet: false)
        #expect(xml.contains("<DeleteResult xmlns=\"http://s3.amazonaws.com/doc/2006-03-01/\"><Deleted><Key>a&lt;b</Key></Deleted>"))
        #expect(xml.contains("<Error><Key>secret/x</Key><VersionId>v1</VersionId><Code>AccessDenied</Code><Message>Access Denied</Message></Error>"))
    }

    @Test func quietModeListsOnlyFailures() {
        let result = DeleteObjectsResult(entries: [
            .deleted(.init(key: "gone", versionID: nil)), .failed(.init(key: "kept", versionID: nil), code: "AccessDenied", message: "Access Denied"),
        ])
        let xml = result.xml(quiet: true)
        #expect(!xml.contains("gone"))
        #expect(xml.contains("<Key>kept</Key>"))
    }

    @Test func parsesABackendAnswer() throws {
        let xml = """
            <?xml version="1.0" encoding="UTF-8"?>
            <DeleteResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">
              <Deleted><Key>a &amp; b</Key><DeleteMarker>true</DeleteMarker><DeleteMarkerVersionId>m1</DeleteMarkerVersionId></Deleted>
              <Error><Key>c</Key><VersionId>v</VersionId><Code>InternalError</Code><Message>boom</Message></Error>
              <Unknown>ignored</Unknown>
            </DeleteResult>
            """
        let result = try #require(DeleteObjectsResult(parsing: Array(xml.utf8)))
        #expect(result.entries == [
            .init(key: "a & b", versionID: nil, outcome: .deleted(deleteMarker: true, deleteMarkerVersionID: "m1")),
            .init(key: "c", versionID: "v", outcome: .failed(code: "InternalError", message: "boom")),
        ])
        #expect(DeleteObjectsResult(parsing: Array("<Error><Code>NoSuchBucket</Code></Error>".utf8)) == nil)
        #expect(DeleteObjectsResult(parsing: Array("<DeleteResult><Deleted></Deleted></DeleteResult>".utf8)) == nil)
    }

    @Test func eachKeyNeedsItsOwnDeletePermission() {
        let list = S3Operation(name: .deleteObjects, bucket: "b", key: nil, permissions: [], conditionValues: ["s3:x-amz-acl": ["private"]])
        let plain = S3Responder.deleteOperation(for: .init(key: "a/b", versionID: nil), bucket: "b", in: list, bypassGovernance: false)
        #expect(plain.permissions == [.init(action: "s3:DeleteObject", resource: "arn:aws:s3:::b/a/b")])
        #expect(plain.conditionValues["s3:VersionId"] == nil)
        let versioned = S3Responder.deleteOperation(for: .init(key: "k", versionID: "v9"), bucket: "b", in: list, bypassGovernance: true)
        #expect(versioned.permissions == [
            .init(action: "s3:DeleteObjectVersion", resource: "arn:aws:s3:::b/k"),
            .init(action: "s3:BypassGovernanceRetention", resource: "arn:aws:s3:::b/k"),
        ])
        #expect(versioned.conditionValues["s3:VersionId"] == ["v9"])
        #expect(versioned.conditionValues["s3:x-amz-acl"] == ["private"])
    }
}
