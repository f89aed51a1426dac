/// Where the Cloud API fetches a media file from: a public HTTPS link, or the ID of a file
/// uploaded earlier with `CloudAPIClient.uploadMedia` (valid for 30 days).
public enum MediaSource: Sendable, Equatable, Hashable {
    case link(String)
    case id(String)
}

/// The media shown in a template's header, matching the header format the template was approved with.
public enum HeaderMedia: Sendable, Equatable, Hashable {
    case image(MediaSource)
    case video(MediaSource)
    /// A document; `filename` is what the recipient sees (Meta picks one when it is nil).
    case document(MediaSource, filename: String?)
}
