namespace Sesame.Cognito;

/// <summary>
/// Cognito's <c>DeliveryMediumType</c>, verbatim: how a code reaches the user, as <c>CodeDeliveryDetails.DeliveryMedium</c>
/// and <c>DesiredDeliveryMediums</c> say it on the wire, and as the stored outbox channel records it.
/// </summary>
internal static class DeliveryMedium
{
    public const string Sms = "SMS";
    public const string Email = "EMAIL";
}
