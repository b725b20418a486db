import Hummingbird
import NIOCore

/// Request context that remembers the peer address, for `aws:SourceIp` in trust policies.
struct STSRequestContext: RequestContext {
    var coreContext: CoreRequestContextStorage
    let remoteAddress: SocketAddress?

    init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    /// STS requests are small: a token (≤ 20000 characters) and a policy (≤ 2048).
    var maxUploadSize: Int { 64 * 1024 }
}
