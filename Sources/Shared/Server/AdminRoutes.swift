public import Hummingbird
import NIOCore
public import Prometheus


/// `/healthz` (the process runs), `/readyz` (it can serve) and `/metrics` (Prometheus text).
/// Shared by both servers.
public enum AdminRoutes {
    public static func make(readiness: ReadinessState, registry: PrometheusCollectorRegistry) -> Router<BasicRequestContext> {
        let router = Router()
        addRoutes(to: router, readiness: readiness, registry: registry)
        return router
    }

    public static func addRoutes<Context: RequestContext>(to router: Router<Context>, readiness: ReadinessState, registry: PrometheusCollectorRegistry) {
        router.get("/healthz") { _, _ in
            Response(status: .ok, headers: [.contentType: "text/plain"], body: .init(byteBuffer: ByteBuffer(string: "ok\n")))
        }
        router.get("/readyz") { _, _ in
            let ready = readiness.snapshot.ready
            return Response(
                status: ready ? .ok : .serviceUnavailable, headers: [.contentType: "application/json"],
                body: .init(byteBuffer: ByteBuffer(string: readiness.json() + "\n")))
        }
        router.get("/metrics") { _, _ in
            Response(
                status: .ok, headers: [.contentType: "text/plain; version=0.0.4"],
                body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
        }
    }
}
