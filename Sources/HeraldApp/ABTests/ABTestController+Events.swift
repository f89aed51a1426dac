import Hummingbird

/// `GET /api/ab-tests/{id}/results/events`: live results as Server-Sent Events (design section 7).
extension ABTestController {
    func addEventRoutes(to group: RouterGroup<AuthenticatedContext>) {}
}
