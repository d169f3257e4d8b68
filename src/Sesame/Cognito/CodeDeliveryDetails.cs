namespace Sesame.Cognito;

/// <summary>Cognito's <c>CodeDeliveryDetailsType</c>.</summary>
internal sealed record CodeDeliveryDetails(string Destination, string DeliveryMedium, string AttributeName);
