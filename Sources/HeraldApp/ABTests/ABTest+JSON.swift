import Foundation

/// The API's shape of a test (design section 6): every key present, null when unset, so clients see one shape.
extension ABTest: Encodable {
    enum Keys: String, CodingKey {
        case id, campaign_id, name, status, account_id, audience, test_percentage, duration_hours, success_metric, outcome_window_seconds
        case auto_send_winner, inconclusive_policy, allocation, variations, winner_variation_id, recommended_variation_id, decision
        case audience_size, test_audience_size, started_at, ends_at, ended_at, created_at, updated_at
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(campaignID, forKey: .campaign_id)
        try c.encode(name, forKey: .name)
        try c.encode(status, forKey: .status)
        try c.encode(accountID, forKey: .account_id)
        try c.encode(audience, forKey: .audience)
        try c.encode(settings.testPercentage, forKey: .test_percentage)
        try c.encode(settings.durationHours, forKey: .duration_hours)
        try c.encode(settings.successMetric, forKey: .success_metric)
        try c.encode(settings.outcomeWindowSeconds, forKey: .outcome_window_seconds)
        try c.encode(settings.autoSendWinner, forKey: .auto_send_winner)
        try c.encode(settings.inconclusivePolicy, forKey: .inconclusive_policy)
        try c.encode(settings.allocation, forKey: .allocation)
        try c.encode(variations, forKey: .variations)
        try c.encode(winnerVariationID, forKey: .winner_variation_id)
        try c.encode(recommendedVariationID, forKey: .recommended_variation_id)
        try c.encode(decision, forKey: .decision)
        try c.encode(audienceSize, forKey: .audience_size)
        try c.encode(testAudienceSize, forKey: .test_audience_size)
        try c.encode(startedAt, forKey: .started_at)
        try c.encode(endsAt, forKey: .ends_at)
        try c.encode(endedAt, forKey: .ended_at)
        try c.encode(createdAt, forKey: .created_at)
        try c.encode(updatedAt, forKey: .updated_at)
    }
}

extension ABTestVariation: Encodable {
    enum Keys: String, CodingKey {
        case id, position, control, name, share, template_id, template_name, template_language, variables, media_id, cta_url
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: Keys.self)
        try c.encode(id, forKey: .id)
        try c.encode(position, forKey: .position)
        try c.encode(isControl, forKey: .control)
        try c.encode(name, forKey: .name)
        try c.encode(share, forKey: .share)
        try c.encode(templateID, forKey: .template_id)
        try c.encode(templateName, forKey: .template_name)
        try c.encode(templateLanguage, forKey: .template_language)
        try c.encode(variables, forKey: .variables)
        try c.encode(mediaID, forKey: .media_id)
        try c.encode(ctaURL, forKey: .cta_url)
    }
}
