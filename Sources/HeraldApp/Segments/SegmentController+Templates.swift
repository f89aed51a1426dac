import Foundation
import Hummingbird
import Segments

/// `/api/segments/templates`: ready-made segments with parameters, for the builder.
extension SegmentController {
    func addTemplateRoutes(to group: RouterGroup<AuthenticatedContext>) {
        group.get("segments/templates", use: templates)
        group.post("segments/templates/{template}/rules", use: templateRules)
    }

    @Sendable func templates(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        struct List: Encodable { let data: [SegmentTemplate] }
        return try JSONResponse.make(List(data: SegmentTemplate.all))
    }

    @Sendable func templateRules(_ request: Request, context: AuthenticatedContext) async throws -> Response {
        guard let id = context.parameters.get("template"), let template = SegmentTemplate.named(id) else { throw APIError.notFound("the segment template") }
        var values: [String: RuleValue] = [:]
        let buffer = try await request.body.collect(upTo: 64 * 1024)
        if buffer.readableBytes > 0 {
            let body: JSONValue
            do { body = try JSONValue.parse(Data(buffer.readableBytesView)) } catch {
                throw APIError(.badRequest, "invalid_json", "the body is not valid JSON")
            }
            let reader = try FieldReader(body)
            try reader.rejectUnknown(["parameters"])
            if let parameters = try reader.object("parameters") {
                values = parameters.fields.mapValues(SegmentRulesInput.ruleValue)
            }
        }
        let rules: RuleNode
        do { rules = try template.rules(values) } catch { throw SegmentRulesInput.invalid(error.problems, field: "") }
        struct Answer: Encodable {
            let name: String
            let description: String
            let rules: RuleNode
        }
        return try JSONResponse.make(Answer(name: template.suggestedName(values), description: template.description, rules: rules))
    }
}
