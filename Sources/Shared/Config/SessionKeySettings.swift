/// The `sessionKeys:` section: which files hold the keys for temporary credentials.
///
/// STSServer needs `signing` and `derivation`; S3Server needs `verification` and `derivation`.
/// Several verification and derivation keys may be listed at once so that keys rotate without
/// invalidating live sessions.
public struct SessionKeySettings: Sendable, Decodable {
    public struct KeyFile: Sendable, Decodable, Equatable {
        public var id: String
        public var file: String

        enum CodingKeys: String, CodingKey, CaseIterable { case id, file }

        public init(id: String, file: String) {
            self.id = id
            self.file = file
        }

        public init(from decoder: any Decoder) throws {
            try decoder.rejectUnknownKeys(CodingKeys.self)
            let c = try decoder.container(keyedBy: CodingKeys.self)
            id = try c.decode(String.self, forKey: .id)
            file = try c.decode(String.self, forKey: .file)
        }
    }

    public var signing: KeyFile?
    public var verification: [KeyFile] = []
    public var derivation: [KeyFile] = []
    /// The derivation key new sessions use; defaults to the first listed.
    public var activeDerivation: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case signing, verification, derivation, activeDerivation
    }

    public init() {}

    public init(from decoder: any Decoder) throws {
        try decoder.rejectUnknownKeys(CodingKeys.self)
        let c = try decoder.container(keyedBy: CodingKeys.self)
        signing = try c.decodeIfPresent(KeyFile.self, forKey: .signing)
        verification = try c.decodeIfPresent([KeyFile].self, forKey: .verification) ?? []
        derivation = try c.decodeIfPresent([KeyFile].self, forKey: .derivation) ?? []
        activeDerivation = try c.decodeIfPresent(String.self, forKey: .activeDerivation)
    }
}
