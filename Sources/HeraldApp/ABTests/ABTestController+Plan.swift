import Hummingbird

/// `POST /api/ab-tests/plan`: what a test of this size can detect (design section 8).
extension ABTestController {
    func addPlanRoutes(to group: RouterGroup<AuthenticatedContext>) {}
}
