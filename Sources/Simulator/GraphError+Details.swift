/// `errors[].error_data.details` of a failed status: Meta's longer explanation of each code.
extension GraphError {
    static func statusDetails(_ code: Int) -> String {
        switch code {
        case 131026:
            "Message undeliverable: the recipient is not on WhatsApp, has not accepted the current terms, uses an old app, "
                + "or (for marketing templates) has a +1 number."
        case 131047: "More than 24 hours have passed since the recipient last replied to the sender number."
        case 131049: "In order to maintain a healthy ecosystem engagement, the message failed to be delivered."
        case 131050: "Unable to deliver the message. This recipient has chosen to stop receiving marketing messages on WhatsApp from your business."
        case 131056: "Too many messages sent from the sender phone number to the same recipient phone number in a short period of time."
        case 131048: "Message failed to send because there are restrictions on how many messages can be sent from this phone number."
        case 131000:
            "Message failed to send due to an unknown error. When setting a business public key, it either failed to calculate "
                + "the signature, call the GraphQL endpoint, or the GraphQL endpoint returned an error."
        case 131016: "A service is temporarily unavailable."
        case 131031: "The WhatsApp Business Account associated with the app has been restricted or disabled for violating a platform policy."
        case 131042: "Message failed to send because there were one or more errors related to your payment method."
        case 131057: "Business account is in maintenance mode."
        default: "Message failed to send (error \(code)): \(title(code))."
        }
    }
}
