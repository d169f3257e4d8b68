using System.Text.Json;
using System.Text.Json.Serialization;
using Sesame.Cognito;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.CognitoApi;

/// <summary>One message as <c>GET /admin/messages</c> shows it.</summary>
internal sealed record MessageStatusView(
    long Id, string UserPoolId, string Channel, string Destination, string Status, int Attempts, string? Provider,
    string? ProviderMessageId, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? SentAt, DateTimeOffset? NextAttemptAt,
    string? Route, double? Cost, DateTimeOffset? DeliveredAt);

internal sealed record MessageStatusList(IReadOnlyList<MessageStatusView> Messages)
{
    /// <summary>The view of stored statuses (for <c>GET /admin/messages</c> and <c>sesame outbox list</c>).</summary>
    public static MessageStatusList From(IEnumerable<MessageStatus> messages) => new([.. messages.Select(m => new MessageStatusView(
        m.Id, m.PoolId, m.Channel, m.DestinationHint, m.Status, m.Attempts, m.Provider, m.ProviderMessageId, m.LastError,
        m.CreatedAt, m.SentAt, m.NextAttemptAt, m.Route, m.Cost, m.DeliveredAt))]);
}

[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(MessageStatusList))]
internal sealed partial class MessageStatusJsonContext : JsonSerializerContext
{
    /// <summary>Writes '+' and '*' of masked destinations as themselves.</summary>
    public static MessageStatusJsonContext Relaxed { get; } = new(new JsonSerializerOptions
    {
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    });
}

/// <summary>
/// <c>GET /admin/messages?pool=&amp;status=&amp;destination=&amp;route=&amp;limit=</c>: delivery status for administrators, signed
/// with AWS SigV4 by a key of <c>Sesame:AdminAccessKeys</c> (as the Admin* Cognito operations are). Destinations are
/// masked; <c>destination</c> accepts a full number or address (masked before matching) or a masked hint.
/// </summary>
internal static class MessagesEndpoint
{
    private static readonly HashSet<string> Statuses = ["queued", "sent", "delivered", "failed"];

    public static async Task<IResult> HandleAsync(HttpContext context, SigV4 sigV4, IMessageStatusStore store, CancellationToken cancellationToken)
    {
        try
        {
            sigV4.Authenticate(context.Request, []);
        }
        catch (CognitoException error)
        {
            // AWS answers authentication failures with 403 and the error's name.
            return Error(error.Type == "IncompleteSignatureException" ? 400 : 403, error.Type, error.Message);
        }

        var query = context.Request.Query;
        var status = query["status"].ToString() is { Length: > 0 } s ? s.ToLowerInvariant() : null;
        if (status is not null && !Statuses.Contains(status))
        {
            return Error(400, CognitoErrors.InvalidParameter, "status must be queued, sent, delivered or failed.");
        }

        var limit = 100;
        if (query["limit"].ToString() is { Length: > 0 } l && (!int.TryParse(l, System.Globalization.CultureInfo.InvariantCulture, out limit) || limit is < 1 or > 1000))
        {
            return Error(400, CognitoErrors.InvalidParameter, "limit must be between 1 and 1000.");
        }

        var destination = query["destination"].ToString().Trim();
        // An unencoded '+' arrives as a space.
        if (destination.Length > 0 && char.IsDigit(destination[0]) && context.Request.QueryString.Value?.Contains("destination=+", StringComparison.Ordinal) == true)
        {
            destination = "+" + destination;
        }

        var hint = destination.Length == 0 ? null
            : destination.Contains('*', StringComparison.Ordinal) ? destination
            : UserAttributes.IsPhoneNumber(destination) ? Masking.Phone(destination)
            : destination.Contains('@', StringComparison.Ordinal) ? Masking.Email(destination)
            : destination;
        var pool = query["pool"].ToString() is { Length: > 0 } p ? p : null;
        var route = query["route"].ToString() is { Length: > 0 } r ? r : null;

        var messages = await store.QueryAsync(new MessageStatusQuery(pool, status, hint, limit, route), cancellationToken);
        return Results.Json(MessageStatusList.From(messages), MessageStatusJsonContext.Relaxed.MessageStatusList);
    }

    private static IResult Error(int status, string type, string message) =>
        Results.Json(new Dictionary<string, string> { ["__type"] = type, ["message"] = message },
            MessageStatusErrorJsonContext.Default.DictionaryStringString, statusCode: status);
}

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class MessageStatusErrorJsonContext : JsonSerializerContext;
