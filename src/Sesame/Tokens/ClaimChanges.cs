using System.Text.Json;
using Sesame.Pools;
using Sesame.Triggers;
using Sesame.Users;

namespace Sesame.Tokens;

/// <summary>
/// What PreTokenGeneration (version 1) asked to change in the ID token: claims to add or override, claims to suppress.
/// A claim both suppressed and overridden is suppressed, and reserved claims cannot be touched; <c>groupOverrideDetails</c>
/// replaces the group claims of both tokens
/// (AWS developer guide, "Pre token generation Lambda trigger":
/// https://docs.aws.amazon.com/cognito/latest/developerguide/user-pool-lambda-pre-token-generation.html).
/// </summary>
internal sealed class ClaimChanges
{
    /// <summary>Claims no trigger may add, override or suppress: cognito-local's list, plus <c>event_id</c> and the group
    /// claims, which only <c>groupOverrideDetails</c> may change in Cognito.</summary>
    public static readonly HashSet<string> Reserved = new(StringComparer.Ordinal)
    {
        "acr", "amr", "aud", "at_hash", "auth_time", "azp", "cognito:username", "exp", "iat", "identities", "iss", "jti", "nbf",
        "nonce", "origin_jti", "sub", "token_use", "event_id", "cognito:groups", "cognito:roles", "cognito:preferred_role",
    };

    private readonly Dictionary<string, string> _added;
    private readonly HashSet<string> _suppressed;

    private ClaimChanges(Dictionary<string, string> added, HashSet<string> suppressed, TokenGroups groups)
    {
        _added = added;
        _suppressed = suppressed;
        Groups = groups;
    }

    /// <summary>The group claims of both tokens: the user's groups, or what <c>groupOverrideDetails</c> put in their place.</summary>
    public TokenGroups Groups { get; }

    public static async ValueTask<ClaimChanges> FromTriggerAsync(
        TriggerInvoker triggers, User user, AppClient client, TokenGroups groups, string triggerSource, Dictionary<string, string>? clientMetadata,
        CancellationToken cancellationToken)
    {
        if (!triggers.Has<PreTokenGenerationEvent>(client.Pool.Id, "PreTokenGeneration"))
        {
            return new ClaimChanges([], [], groups);
        }

        var triggerEvent = new PreTokenGenerationEvent
        {
            Request = new PreTokenGenerationRequest
            {
                UserAttributes = User.EventAttributes(user),
                GroupConfiguration = new GroupConfiguration
                {
                    GroupsToOverride = [.. groups.Groups], IamRolesToOverride = [.. groups.Roles], PreferredRole = groups.PreferredRole,
                },
                ClientMetadata = clientMetadata,
            },
        };
        triggerEvent.Address(triggerSource, client, user.Username);
        await triggers.InvokeAsync("PreTokenGeneration", triggerEvent, cancellationToken);
        var details = triggerEvent.Response.ClaimsOverrideDetails;
        if (details is null)
        {
            return new ClaimChanges([], [], groups);
        }

        // The override replaces the group configuration as a whole: a list it leaves out is empty, as Lambda authors who
        // return only groupsToOverride expect no roles from the groups they replaced.
        if (details.GroupOverrideDetails is { } groupOverride)
        {
            groups = new TokenGroups(
                [.. (groupOverride.GroupsToOverride ?? []).Where(n => n is not null)],
                [.. (groupOverride.IamRolesToOverride ?? []).Where(r => r is not null)],
                groupOverride.PreferredRole);
        }

        var suppressed = new HashSet<string>((details.ClaimsToSuppress ?? []).Where(c => c is not null && !Reserved.Contains(c)), StringComparer.Ordinal);
        var added = (details.ClaimsToAddOrOverride ?? [])
            .Where(c => c.Value is not null && !Reserved.Contains(c.Key) && !suppressed.Contains(c.Key))
            .ToDictionary(c => c.Key, c => c.Value, StringComparer.Ordinal);
        return new ClaimChanges(added, suppressed, groups);
    }

    /// <summary>True when the trigger suppressed or overrode this (non-reserved) claim.</summary>
    public bool Replaces(string claim) => _suppressed.Contains(claim) || _added.ContainsKey(claim);

    /// <summary>Writes <c>cognito:groups</c> when the user is in any group (both tokens carry it).</summary>
    public void WriteGroups(Utf8JsonWriter writer)
    {
        if (Groups.Groups.Count > 0)
        {
            WriteArray(writer, "cognito:groups", Groups.Groups);
        }
    }

    /// <summary>Writes <c>cognito:roles</c> and <c>cognito:preferred_role</c> when set (the ID token carries them).</summary>
    public void WriteRoles(Utf8JsonWriter writer)
    {
        if (Groups.Roles.Count > 0)
        {
            WriteArray(writer, "cognito:roles", Groups.Roles);
        }

        if (Groups.PreferredRole is { } preferred)
        {
            writer.WriteString("cognito:preferred_role", preferred);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<string> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteStringValue(value);
        }

        writer.WriteEndArray();
    }

    /// <summary>Writes the added and overriding claims. V1 values are strings, as Cognito's claimsToAddOrOverride map is.</summary>
    public void WriteAdded(Utf8JsonWriter writer)
    {
        foreach (var (name, value) in _added)
        {
            writer.WriteString(name, value);
        }
    }
}
