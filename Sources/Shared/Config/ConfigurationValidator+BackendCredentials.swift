extension ConfigurationValidator {
    /// An `s3` backend says exactly how it authenticates upstream: static keys, web identity or
    /// `anonymous: true`. Saying nothing is a mistake, not a request for unsigned traffic.
    func validateBackendCredentials(_ backend: BackendSettings, field: String) throws {
        let staticKeys = backend.accessKeyId != nil
        let chosen = [staticKeys, backend.webIdentity != nil, backend.anonymous].filter { $0 }.count
        if chosen == 0 {
            throw config.error(
                field, "an s3 backend needs credentials: accessKeyId and secretAccessKey, webIdentity, or anonymous: true")
        }
        if chosen > 1 {
            let key = backend.anonymous ? "anonymous" : "webIdentity"
            throw config.error("\(field).\(key)", "choose one of accessKeyId/secretAccessKey, webIdentity and anonymous")
        }
        if let webIdentity = backend.webIdentity, let (subfield, message) = webIdentity.problem() {
            throw config.error("\(field).webIdentity.\(subfield)", message)
        }
    }
}
