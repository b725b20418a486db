import Testing

@testable import S3Server

@Suite struct TaggingDocumentTests {
    func parse(_ xml: String) throws(S3Error) -> TaggingDocument { try TaggingDocument(parsing: Array(xml.utf8)) }

    @Test func tagsBecomeConditionKeys() throws {
        let document = try parse("""
            <Tagging xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><TagSet>
              <Tag><Key>classification</Key><Value>public</Value></Tag>
              <Tag><Key>team</Key><Value></Value></Tag>
            </TagSet></Tagging>
            """)
        #expect(document.conditionValues == [
            "s3:RequestObjectTagKeys": ["classification", "team"], "s3:RequestObjectTag/classification": ["public"],
            "s3:RequestObjectTag/team": [""],
        ])
        #expect(try parse("<Tagging><TagSet></TagSet></Tagging>").tags.isEmpty)
    }

    @Test(arguments: [
        ("", "MalformedXML"), ("<Tagging><TagSet>", "MalformedXML"), ("<Tags><TagSet></TagSet></Tags>", "MalformedXML"),
        ("<Tagging><TagSet><Tag><Value>v</Value></Tag></TagSet></Tagging>", "MalformedXML"),
        ("<Tagging><TagSet><Tag><Key>k</Key><Colour>x</Colour></Tag></TagSet></Tagging>", "MalformedXML"),
        ("<Tagging><TagSet><Tag><Key>k</Key></Tag><Tag><Key>k</Key></Tag></TagSet></Tagging>", "InvalidTag"),
        ("<Tagging><TagSet><Tag><Key></Key></Tag></TagSet></Tagging>", "InvalidTag"),
        ("<Tagging><TagSet>" + (0...10).map { "<Tag><Key>k\($0)</Key><Value>v</Value></Tag>" }.joined() + "</TagSet></Tagging>", "BadRequest"),
    ])
    func badDocuments(xml: String, code: String) {
        do {
            _ = try parse(xml)
            Issue.record("accepted \(xml)")
        } catch {
            #expect(error.code == code)
        }
    }
}
