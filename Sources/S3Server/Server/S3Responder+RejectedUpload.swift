import HTTPTypes
import Hummingbird
import Logging
import NIOCore
import Shared

extension S3Responder {
    /// Never reads a rejected upload to its end (Hummingbird would drain it to keep the
    /// connection alive): the answer is followed by a FIN, a little of the body is read so the
    /// client is not reset while it is still sending (a reset would discard the answer before
    /// it reads it — a "lingering close", as nginx does), then the connection is closed.
    static func closeAfterRejectedUpload(_ request: Request, outcome: BodyOutcome, channel: any Channel) async {
        if request.headers[.expect]?.lowercased() == "100-continue" && !outcome.began {
            // No `100 Continue` was sent, so the client holds its body back: nothing to linger for.
            channel.close(promise: nil)
            return
        }
        if outcome.began {
            // A backend read part of the body and failed: the body cannot be iterated again, so
            // the answer is followed by a FIN and the connection closed without lingering.
            try? await channel.close(mode: .output)
            channel.close(promise: nil)
            return
        }
        try? await channel.close(mode: .output)
        let deadline = channel.eventLoop.scheduleTask(in: .seconds(1)) { channel.close(promise: nil) }
        var drained = 0
        do {
            for try await buffer in request.body {
                drained += buffer.readableBytes
                if drained > lingeringBytes { break }
            }
        } catch {}
        deadline.cancel()
        channel.close(promise: nil)
    }

    /// How much of a rejected upload is read while the answer reaches the client.
    static let lingeringBytes = 4 * 1024 * 1024

    static func hasUnreadBody(_ request: Request, outcome: BodyOutcome) -> Bool {
        guard case .unread = outcome.current else { return false }
        if request.headers[.transferEncoding] != nil { return true }
        if let length = request.headers[.contentLength].flatMap({ Int64($0) }), length > 0 { return true }
        return false
    }
}
