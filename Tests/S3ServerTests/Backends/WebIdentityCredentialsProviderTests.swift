import Foundation
import Logging
import Synchronization
import Testing

@testable import S3Server
@testable import Shared

/// The refresh logic of web-identity backend credentials, on a test clock and a scripted STS.
@Suite struct WebIdentityCredentialsProviderTests {
    /// A clock the test sets.
    final class TestClock: Sendable {
        let value = Mutex<Int64>(0)
        func set(_ seconds: Int64) { value.withLock { $0 = seconds } }
        var now: @Sendable () -> Int64 { { [self] in value.withLock { $0 } } }
    }

    /// A scripted STS: hands out numbered credentials valid for `lifetime` from the clock's time,
    /// or fails; records the tokens it was given; can hold answers until released.
    actor ScriptedSTS: WebIdentityTokenExchanger {
        let clock: TestClock
        var lifetime: Int64
        var failure: WebIdentityError?
        private(set) var tokens: [String] = []
        private var held: [CheckedContinuation<Void, Never>] = []
        var holding = false

        init(clock: TestClock, lifetime: Int64) {
            self.clock = clock
            self.lifetime = lifetime
        }

        func exchange(token: String) async throws(WebIdentityError) -> BackendCredentials {
            tokens.append(token)
            if holding { await withCheckedContinuation { held.append($0) } }
            if let failure { throw failure }
            let n = tokens.count
            return BackendCredentials(
                accessKeyID: "ASIA\(n)", secretAccessKey: "secret-\(n)", sessionToken: "session-\(n)", expiration: clock.now() + lifetime)
        }

        func setHolding(_ on: Bool) { holding = on }
        func setLifetime(_ seconds: Int64) { lifetime = seconds }
        func setFailure(_ error: WebIdentityError?) { failure = error }
        func release() {
            holding = false
            for continuation in held { continuation.resume() }
            held = []
        }
        var waiting: Int { held.count }
        func shutdown() async {}
    }

    final class TokenBox: Sendable {
        let value = Mutex("token-1")
        func set(_ token: String) { value.withLock { $0 = token } }
    }

    static func provider(
        _ sts: ScriptedSTS, clock: TestClock, token: TokenBox = TokenBox(), margin: Int? = nil
    ) -> WebIdentityCredentialsProvider {
        WebIdentityCredentialsProvider(
            exchanger: sts, readToken: { () throws(WebIdentityError) -> String in token.value.withLock { $0 } },
            refreshBeforeExpirySeconds: margin, retryIntervalSeconds: 5, label: "test", logger: Logger(label: "test"), now: clock.now)
    }

    struct TimingCase: Sendable, CustomTestStringConvertible {
        let lifetime: Int64
        let margin: Int?
        /// Seconds after issue when the refresh becomes due.
        let dueAfter: Int64
        var testDescription: String { "lifetime \(lifetime), margin \(margin.map(String.init) ?? "default") → due after \(dueAfter)" }
    }

    static let timing: [TimingCase] = [
        TimingCase(lifetime: 900, margin: nil, dueAfter: 600),  // max(300, 90) = 300
        TimingCase(lifetime: 3600, margin: nil, dueAfter: 3240),  // max(300, 360) = 360
        TimingCase(lifetime: 43200, margin: nil, dueAfter: 38880),  // 10 % = 4320
        TimingCase(lifetime: 900, margin: 895, dueAfter: 5),
        TimingCase(lifetime: 3600, margin: 60, dueAfter: 3540),
    ]

    @Test(arguments: timing)
    func refreshBecomesDueAtTheMargin(_ c: TimingCase) async throws {
        let clock = TestClock()
        clock.set(1000)
        let sts = ScriptedSTS(clock: clock, lifetime: c.lifetime)
        let provider = Self.provider(sts, clock: clock, margin: c.margin)
        let first = try await provider.credentials()
        #expect(first?.accessKeyID == "ASIA1")
        #expect(first?.sessionToken == "session-1")

        clock.set(1000 + c.dueAfter - 1)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        await provider.settle()
        #expect(await provider.refreshCount == 1)

        clock.set(1000 + c.dueAfter)
        // Due: this request still gets the current credentials and starts one refresh.
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        await provider.settle()
        #expect(await provider.refreshCount == 2)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA2")
    }

    /// A margin at least as long as the lifetime STS granted makes the credentials due at once;
    /// STS is still called at most once per retry interval, not on every request.
    @Test func aMarginLongerThanTheLifetimeDoesNotStormSTS() async throws {
        let clock = TestClock()
        clock.set(1000)
        let sts = ScriptedSTS(clock: clock, lifetime: 900)
        let provider = Self.provider(sts, clock: clock, margin: 2000)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        for second: Int64 in [1001, 1002, 1004] {
            clock.set(second)
            _ = try await provider.credentials()
            await provider.settle()
        }
        #expect(await provider.refreshCount == 1)
        clock.set(1005)
        _ = try await provider.credentials()
        await provider.settle()
        #expect(await provider.refreshCount == 2)
        clock.set(1006)
        _ = try await provider.credentials()
        await provider.settle()
        #expect(await provider.refreshCount == 2)
    }

    /// Credentials that are (nearly) expired when they arrive count as a failure: requests get
    /// ServiceUnavailable and back off instead of calling STS each time.
    @Test func credentialsExpiredOnArrivalAreAFailure() async throws {
        let clock = TestClock()
        clock.set(1000)
        let sts = ScriptedSTS(clock: clock, lifetime: 5)
        let provider = Self.provider(sts, clock: clock)
        await #expect(throws: S3Error.self) { try await provider.credentials() }
        await #expect(throws: S3Error.self) { try await provider.credentials() }
        #expect(await sts.tokens.count == 1)
        await sts.setLifetime(900)
        clock.set(1005)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA2")
    }

    @Test func oneRefreshForManyRequestsAndNobodyWaitsWhileValid() async throws {
        let clock = TestClock()
        let sts = ScriptedSTS(clock: clock, lifetime: 900)
        let provider = Self.provider(sts, clock: clock)
        _ = try await provider.credentials()
        await sts.setHolding(true)
        clock.set(700)
        // STS holds its answer: every request is answered with the old credentials meanwhile.
        let seen = try await withThrowingTaskGroup(of: String?.self) { group in
            for _ in 0..<20 { group.addTask { try await provider.credentials()?.accessKeyID } }
            return try await group.reduce(into: [String?]()) { $0.append($1) }
        }
        #expect(seen == Array(repeating: "ASIA1", count: 20))
        #expect(await provider.refreshCount == 2)
        await sts.release()
        await provider.settle()
        #expect(await sts.tokens.count == 2)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA2")
    }

    @Test func withoutCredentialsRequestsShareOneFetch() async throws {
        let clock = TestClock()
        let sts = ScriptedSTS(clock: clock, lifetime: 900)
        await sts.setHolding(true)
        let provider = Self.provider(sts, clock: clock)
        let waiters = Task {
            try await withThrowingTaskGroup(of: String?.self) { group in
                for _ in 0..<10 { group.addTask { try await provider.credentials()?.accessKeyID } }
                return try await group.reduce(into: [String?]()) { $0.append($1) }
            }
        }
        while await sts.waiting == 0 { await Task.yield() }
        await sts.release()
        #expect(try await waiters.value == Array(repeating: "ASIA1", count: 10))
        #expect(await sts.tokens.count == 1)
    }

    @Test func failedRefreshKeepsTheOldCredentialsUntilTheyExpire() async throws {
        let clock = TestClock()
        let sts = ScriptedSTS(clock: clock, lifetime: 900)
        let provider = Self.provider(sts, clock: clock)
        _ = try await provider.credentials()
        await sts.setFailure(.refused(status: 400, code: "InvalidIdentityToken", message: "expired"))

        clock.set(600)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        await provider.settle()
        #expect(await sts.tokens.count == 2)
        // Within the retry interval STS is not asked again; the old credentials still serve.
        clock.set(604)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        await provider.settle()
        #expect(await sts.tokens.count == 2)
        clock.set(605)
        #expect(try await provider.credentials()?.accessKeyID == "ASIA1")
        await provider.settle()
        #expect(await sts.tokens.count == 3)

        // Expired (within the safety margin): no valid credentials, so ServiceUnavailable.
        clock.set(900 - WebIdentityCredentialsProvider.expirySafetySeconds)
        await #expect(throws: S3Error.self) { try await provider.credentials() }
        do {
            _ = try await provider.credentials()
            Issue.record("expected ServiceUnavailable")
        } catch {
            #expect(error.code == "ServiceUnavailable" && error.status == 503)
        }

        // STS recovers: the next request after the retry interval gets fresh credentials.
        await sts.setFailure(nil)
        clock.set(1000)
        #expect(try await provider.credentials()?.accessKeyID != "ASIA1")
    }

    @Test func everyRefreshReadsTheTokenAgain() async throws {
        let clock = TestClock()
        let sts = ScriptedSTS(clock: clock, lifetime: 900)
        let token = TokenBox()
        let provider = Self.provider(sts, clock: clock, token: token)
        _ = try await provider.credentials()
        token.set("token-2")
        clock.set(600)
        _ = try await provider.credentials()
        await provider.settle()
        #expect(await sts.tokens == ["token-1", "token-2"])
    }

    @Test func tokenFileIsReadAfreshAndChecked() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wi-\(UInt64.random(in: 0...UInt64.max))")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("token").path
        let read = WebIdentityCredentialsProvider.tokenFileReader(path: path)
        #expect(throws: WebIdentityError.tokenUnreadable(path: path, problem: "cannot read the file")) { try read() }
        try "first\n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try read() == "first")
        try "second".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(try read() == "second")
        try " \n".write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WebIdentityError.tokenUnreadable(path: path, problem: "empty")) { try read() }
        try String(repeating: "x", count: 64 * 1024 + 1).write(toFile: path, atomically: true, encoding: .utf8)
        #expect(throws: WebIdentityError.tokenUnreadable(path: path, problem: "larger than 64 KiB")) { try read() }
    }
}
