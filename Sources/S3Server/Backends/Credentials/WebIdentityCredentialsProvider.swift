import Foundation
import Logging
import Shared

/// Temporary backend credentials obtained with `AssumeRoleWithWebIdentity`, kept fresh.
///
/// * Refresh is lazy and single-flight: the first request that finds the credentials due starts
///   one refresh and goes on with the current credentials; nobody waits while they are valid.
///   Only when none are valid do requests wait, all on the same refresh.
/// * Due means less than `refreshMargin` remains: the configured margin, by default
///   max(300 s, 10 % of the lifetime the credentials were issued with).
/// * The token file is read for every refresh: the kubelet rotates projected tokens.
/// * A failed refresh is logged and the old credentials stay in use while valid; another
///   attempt waits `retryInterval`, so a broken STS is not called on every request. Without
///   valid credentials requests fail with `ServiceUnavailable`.
actor WebIdentityCredentialsProvider: BackendCredentialsProvider {
    /// Credentials with the time they were received, which fixes their lifetime.
    struct Held: Sendable {
        let credentials: BackendCredentials
        let receivedAt: Int64
        var expiration: Int64 { credentials.expiration ?? receivedAt }
    }

    let exchanger: any WebIdentityTokenExchanger
    let readToken: @Sendable () throws(WebIdentityError) -> String
    let configuredMargin: Int64?
    let retryInterval: Int64
    /// Seconds since the epoch; a test clock in unit tests.
    let now: @Sendable () -> Int64
    let logger: Logger
    let label: String

    private(set) var held: Held?
    private var refreshing: Task<Held, any Error>?
    private var lastFailure: (at: Int64, error: WebIdentityError)?
    private var lastSuccessAt: Int64?
    /// How many refreshes were started (for tests and the log).
    private(set) var refreshCount = 0

    /// Credentials this close to expiry are no longer used: a request signed now must still be
    /// valid when the backend checks it.
    static let expirySafetySeconds: Int64 = 10

    init(
        exchanger: any WebIdentityTokenExchanger, readToken: @escaping @Sendable () throws(WebIdentityError) -> String,
        refreshBeforeExpirySeconds: Int? = nil, retryIntervalSeconds: Int64 = 5, label: String, logger: Logger,
        now: @escaping @Sendable () -> Int64 = { ISO8601.now() }
    ) {
        self.exchanger = exchanger
        self.readToken = readToken
        self.configuredMargin = refreshBeforeExpirySeconds.map(Int64.init)
        self.retryInterval = retryIntervalSeconds
        self.label = label
        self.logger = logger
        self.now = now
    }

    /// How long before expiry `held` is refreshed.
    func refreshMargin(for held: Held) -> Int64 {
        if let configuredMargin { return configuredMargin }
        let lifetime = max(0, held.expiration - held.receivedAt)
        return max(300, lifetime / 10)
    }

    func credentials() async throws(S3Error) -> BackendCredentials? {
        let now = self.now()
        if let held, now < held.expiration - Self.expirySafetySeconds {
            // At most one refresh per `retryInterval` also after a success: a margin as long as
            // the lifetime STS actually granted would otherwise call STS on every request.
            if now >= held.expiration - refreshMargin(for: held), refreshing == nil, !backingOff(now),
                lastSuccessAt.map({ now >= $0 + retryInterval }) ?? true
            {
                _ = startRefresh()
            }
            return held.credentials
        }
        let task: Task<Held, any Error>
        if let refreshing {
            task = refreshing
        } else if backingOff(now) {
            throw .serviceUnavailable
        } else {
            task = startRefresh()
        }
        do {
            return try await task.value.credentials
        } catch {
            throw .serviceUnavailable
        }
    }

    /// Waits for a refresh in flight, if any (for tests and startup).
    func settle() async {
        _ = try? await refreshing?.value
    }

    /// Starts fetching credentials without waiting (at startup).
    func prefetch() {
        if held == nil && refreshing == nil { _ = startRefresh() }
    }

    private func backingOff(_ now: Int64) -> Bool {
        guard let lastFailure else { return false }
        return now < lastFailure.at + retryInterval
    }

    private func startRefresh() -> Task<Held, any Error> {
        refreshCount += 1
        let exchanger = self.exchanger
        let readToken = self.readToken
        let task = Task<Held, any Error> {
            let result: Result<BackendCredentials, WebIdentityError>
            do throws(WebIdentityError) {
                let token = try readToken()
                result = .success(try await exchanger.exchange(token: token))
            } catch {
                result = .failure(error)
            }
            return try self.finish(result).get()
        }
        refreshing = task
        return task
    }

    private func finish(_ result: Result<BackendCredentials, WebIdentityError>) -> Result<Held, WebIdentityError> {
        refreshing = nil
        let now = self.now()
        switch result {
        case .success(let credentials) where (credentials.expiration ?? now) - Self.expirySafetySeconds <= now:
            // Unusable on arrival (a clock ahead of STS's, or a lifetime shorter than the safety
            // margin): a failure, so that requests back off instead of calling STS each time.
            return finish(.failure(.expiredOnArrival(expiration: credentials.expiration ?? now)))
        case .success(let credentials):
            let fresh = Held(credentials: credentials, receivedAt: now)
            lastSuccessAt = now
            held = fresh
            lastFailure = nil
            logger.info(
                "backend credentials refreshed",
                metadata: ["backend": .string(label), "expiration": .string(ISO8601.seconds(fresh.expiration))])
            return .success(fresh)
        case .failure(let error):
            lastFailure = (now, error)
            var metadata: Logger.Metadata = ["backend": .string(label), "error": .string(error.description)]
            if let held, now < held.expiration {
                metadata["using_previous_until"] = .string(ISO8601.seconds(held.expiration))
            }
            logger.warning("backend credentials refresh failed", metadata: metadata)
            return .failure(error)
        }
    }

    func shutdown() async {
        refreshing?.cancel()
        await exchanger.shutdown()
    }
}

extension WebIdentityCredentialsProvider {
    /// Reads a token file afresh each time: at most 64 KiB, surrounding whitespace removed.
    static func tokenFileReader(path: String) -> @Sendable () throws(WebIdentityError) -> String {
        { () throws(WebIdentityError) -> String in
            guard let data = FileManager.default.contents(atPath: path) else {
                throw .tokenUnreadable(path: path, problem: "cannot read the file")
            }
            guard data.count <= 64 * 1024 else { throw .tokenUnreadable(path: path, problem: "larger than 64 KiB") }
            let token = String(decoding: data, as: UTF8.self).trimmingASCIIWhitespace()
            guard !token.isEmpty else { throw .tokenUnreadable(path: path, problem: "empty") }
            return token
        }
    }
}
