import Hummingbird

/// `POST /api/ab-tests/{id}/start`: freeze the audience and send the test (design section 2).
extension ABTestController {
    func addStartRoutes(to group: RouterGroup<AuthenticatedContext>) {}
}
