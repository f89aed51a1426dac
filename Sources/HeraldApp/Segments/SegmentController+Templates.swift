import Hummingbird

extension SegmentController {
    func addTemplateRoutes(to group: RouterGroup<AuthenticatedContext>) {}
}
