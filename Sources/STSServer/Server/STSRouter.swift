import Foundation
import HTTPTypes
import Hummingbird
import Logging
import Metrics
import NIOCore
import Prometheus
import Shared

/// HTTP binding of STS: the Query protocol on `/` (GET query or POST form), the admin
/// endpoints, and the dev issuer when enabled.
enum STSRouter {
    static let metrics = RequestMetrics(
        counterLabel: "portcullis_sts_requests_total", timerLabel: "portcullis_sts_request_duration_seconds", dimension: "action")

    static func make(
        service: STSService, devIssuer: DevIssuer?, readiness: ReadinessState, registry: PrometheusCollectorRegistry, logger: Logger
    ) -> Router<STSRequestContext> {
        let router = Router(context: STSRequestContext.self)
        AdminRoutes.addRoutes(to: router, readiness: readiness, registry: registry)
        router.get("/") { request, context in
            await answer(request: request, form: nil, context: context, service: service, logger: logger)
        }
        router.post("/") { request, context in
            var request = request
            let form: String
            do {
                let buffer = try await request.collectBody(upTo: context.maxUploadSize)
                form = String(buffer: buffer)
            } catch {
                let requestID = UUID().uuidString.lowercased()
                return xmlResponse(
                    STSError("RequestEntityTooLarge", "The request body is too large.", status: 413).xml(requestID: requestID),
                    status: 413, requestID: requestID)
            }
            return await answer(request: request, form: form, context: context, service: service, logger: logger)
        }
        if let devIssuer {
            router.get("\(DevIssuer.pathPrefix)/.well-known/openid-configuration") { _, _ in
                jsonResponse(devIssuer.discoveryDocument)
            }
            router.get("\(DevIssuer.pathPrefix)/jwks.json") { _, _ in
                jsonResponse(devIssuer.jwks)
            }
        }
        return router
    }

    static func answer(request: Request, form: String?, context: STSRequestContext, service: STSService, logger: Logger) async -> Response {
        let requestID = UUID().uuidString.lowercased()
        let started = ContinuousClock.now
        var action = "Unknown"
        let response: Response
        // One line per request: at thousands of sessions a second, a second line was a measurable
        // share of the work.
        var metadata: Logger.Metadata = ["request_id": .string(requestID), "method": .string(request.method.rawValue)]
        do {
            let query = request.uri.query
            let parameters = try STSParameters(query: query, form: form)
            action = (try? parameters.single("Action")).flatMap { $0 } ?? "Unknown"
            var headers: [(name: String, value: String)] = request.headers.map { ($0.name.rawName, $0.value) }
            if let authority = request.head.authority { headers.append(("host", authority)) }
            let signed = STSService.SignedRequest(
                method: request.method.rawValue, rawTarget: request.head.path ?? "/", headers: headers,
                bodySHA256: SigV4SigningKey.sha256Hex(form ?? ""))
            let facts = STSService.RequestFacts(sourceIP: context.remoteAddress?.ipAddress, now: ISO8601.now(), signed: signed)
            let answer = try await service.handle(parameters, facts: facts, requestID: requestID)
            metadata.merge(answer.logMetadata) { _, new in new }
            response = xmlResponse(answer.body, status: 200, requestID: requestID)
        } catch {
            metadata["code"] = .string(error.code)
            metadata["message"] = .string(error.message)
            response = xmlResponse(error.xml(requestID: requestID), status: error.status, requestID: requestID)
        }
        let elapsed = ContinuousClock.now - started
        metadata["action"] = .string(action)
        metadata["status"] = .stringConvertible(response.status.code)
        logger.info("request", metadata: metadata)
        // The action is the client's text: only the ones we answer become a metric label, so a
        // client cannot create time series at will.
        metrics.record(STSService.actions.contains(action) ? action : "Unknown", status: response.status.code, duration: elapsed)
        return response
    }

    static func xmlResponse(_ body: String, status: Int, requestID: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/xml"
        headers[HTTPField.Name("x-amzn-RequestId")!] = requestID
        return Response(status: .init(code: status), headers: headers, body: .init(byteBuffer: ByteBuffer(string: body)))
    }

    static func jsonResponse(_ body: String) -> Response {
        Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(string: body)))
    }
}
