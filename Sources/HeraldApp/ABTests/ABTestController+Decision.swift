import Hummingbird

/// Results, the manual decision and stop (design sections 4 and 5).
extension ABTestController {
    func addDecisionRoutes(to group: RouterGroup<AuthenticatedContext>) {}
}
