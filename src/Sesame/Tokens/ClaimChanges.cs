using System.Text.Json;
using Sesame.Pools;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.Tokens;

/// <summary>
/// What PreTokenGeneration (version 1) asked to change in the ID token: claims to add or override, claims to suppress.
/// A claim both suppressed and overridden is suppressed, and reserved claims cannot be touched
/// (AWS developer guide, "Pre token generation Lambda trigger":
/// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
/// </summary>
internal sealed class ClaimChanges
{
    /// <summary>Claims no trigger may add, override or suppress: cognito-local's list, plus <c>event_id</c> and
    /// <c>cognito:groups</c>, which only <c>groupOverrideDetails</c> may change in Cognito.</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti", "nbf",
        "nonce", "origin_jti", "sub", "token_use", "event_id", "cognito:groups",
    };

    public static readonly ClaimChanges None = new([], []);

    private readonly Dictionary<string, string> _added;
    private readonly HashSet<string> _suppressed;

    private ClaimChanges(Dictionary<string, string> added, HashSet<string> suppressed)
    {
        _added = added;
        _suppressed = suppressed;
    }

    public static async ValueTask<ClaimChanges> FromTriggerAsync(
        TriggerInvoker triggers, User user, AppClient client, string triggerSource, Dictionary<string, string>? clientMetadata,
        CancellationToken cancellationToken)
    {
        if (!triggers.Has<PreTokenGenerationEvent>(client.Pool.Id, "PreTokenGeneration"))
        {
            return None;
        }

        var triggerEvent = new PreTokenGenerationEvent
        {
            Request = new PreTokenGenerationRequest { UserAttributes = User.EventAttributes(user), ClientMetadata = clientMetadata },
        };
        triggerEvent.Address(triggerSource, client, user.Username);
        await triggers.InvokeAsync("PreTokenGeneration", triggerEvent, cancellationToken);
        var details = triggerEvent.Response.ClaimsOverrideDetails;
        if (details is null)
        {
            return None;
        }

        var suppressed = new HashSet<string>((details.ClaimsToSuppress ?? []).Where(c => c is not null && !Reserved.Contains(c)), StringComparer.Ordinal);
        var added = (details.ClaimsToAddOrOverride ?? [])
            .Where(c => c.Value is not null && !Reserved.Contains(c.Key) && !suppressed.Contains(c.Key))
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return new ClaimChanges(added, suppressed);
    }

    /// <summary>True when the trigger suppressed or overrode this (non-reserved) claim.</summary>
    public bool Replaces(string claim) => _suppressed.Contains(claim) || _added.ContainsKey(claim);

    /// <summary>Writes the added and overriding claims. V1 values are strings, as Cognito's claimsToAddOrOverride map is.</summary>
    public void WriteAdded(Utf8JsonWriter writer)
    {
        foreach (var (name, value) in _added)
        {
            writer.WriteString(name, value);
        }
    }
}
