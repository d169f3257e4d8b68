using System.Globalization;
using Sesame.Admin;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record TokenValidityUnitsType(string? AccessToken, string? IdToken, string? RefreshToken);

internal sealed record CreateUserPoolClientRequest(
    string? UserPoolId, string? ClientName, bool? GenerateSecret, int? RefreshTokenValidity, int? AccessTokenValidity, int? IdTokenValidity,
    TokenValidityUnitsType? TokenValidityUnits, List<string>? ExplicitAuthFlows, int? AuthSessionValidity,
    bool? AllowedOAuthFlowsUserPoolClient = null, List<string>? AllowedOAuthFlows = null, List<string>? AllowedOAuthScopes = null,
    List<string>? CallbackURLs = null, List<string>? LogoutURLs = null, string? DefaultRedirectURI = null, List<string>? SupportedIdentityProviders = null,
    List<string>? ReadAttributes = null, List<string>? WriteAttributes = null)
{
    /// <summary>UpdateUserPoolClient's: the client it changes (the request is CreateUserPoolClient's otherwise).</summary>
    public string? ClientId { get; init; }
}

internal sealed record CreateUserPoolClientResponse(UserPoolClientType UserPoolClient);

/// <summary>
/// Creates an app client of a pool, stored in the database. Honoured: name, secret, explicit auth flows, token
/// validities with their units, AuthSessionValidity, and the OAuth members (<see cref="OAuthClientFields"/>). Cognito's defaults apply to what is left out, except
/// <c>ExplicitAuthFlows</c>, which defaults to Sesame's (custom auth, USER_AUTH, refresh).
/// </summary>
internal sealed class CreateUserPoolClient(UserPools pools, UserPoolAdmin admin)
    : CognitoOperation<CreateUserPoolClientRequest, CreateUserPoolClientResponse>(
        AdminJsonContext.Wire.CreateUserPoolClientRequest, AdminJsonContext.Wire.CreateUserPoolClientResponse)
{
    private static readonly string[] Flows =
    [
        "ALLOW_ADMIN_USER_PASSWORD_AUTH", "ALLOW_CUSTOM_AUTH", "ALLOW_USER_PASSWORD_AUTH", "ALLOW_USER_SRP_AUTH",
        "ALLOW_REFRESH_TOKEN_AUTH", "ALLOW_USER_AUTH",
    ];

    private static readonly string[] Units = ["seconds", "minutes", "hours", "days"];

    public override string Name => "CreateUserPoolClient";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
        [CognitoErrors.LimitExceeded, "InvalidOAuthFlowException", "ScopeDoesNotExistException", "FeatureUnavailableInTierException"];

    public override async ValueTask<CreateUserPoolClientResponse> ExecuteAsync(
        CreateUserPoolClientRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        var settings = Settings(request, Names.Check(request.ClientName, "clientName"), request.GenerateSecret == true ? ResourceIds.ClientSecret() : null);
        SchemaShapes.CheckClient(pool.Options, settings, creating: true);
        var client = await admin.CreateClientAsync(pool, settings, cancellationToken);
        return new CreateUserPoolClientResponse(DescribeUserPoolClient.Describe(client));
    }

    /// <summary>
    /// A client's settings from the request: Cognito's default for every member left out (UpdateUserPoolClient resets
    /// them too). The secret is made (or kept) by the caller.
    /// </summary>
    internal static AppClientOptions Settings(CreateUserPoolClientRequest request, string name, string? secret)
    {
        var units = request.TokenValidityUnits;
        var settings = new AppClientOptions
        {
            Name = name,
            Secret = secret,
            // Cognito's defaults: access and ID tokens 60 minutes, refresh tokens 30 days.
            AccessTokenValidity = Validity(request.AccessTokenValidity, units?.AccessToken, "hours", TimeSpan.FromMinutes(60), "accessToken",
                TimeSpan.FromMinutes(5), TimeSpan.FromDays(1)),
            IdTokenValidity = Validity(request.IdTokenValidity, units?.IdToken, "hours", TimeSpan.FromMinutes(60), "idToken",
                TimeSpan.FromMinutes(5), TimeSpan.FromDays(1)),
            RefreshTokenValidity = Validity(request.RefreshTokenValidity, units?.RefreshToken, "days", TimeSpan.FromDays(30), "refreshToken",
                TimeSpan.FromHours(1), TimeSpan.FromDays(3650)),
            ReadAttributes = request.ReadAttributes is { } readable ? [.. readable.Distinct(StringComparer.Ordinal)] : null,
            WriteAttributes = request.WriteAttributes is { } writable ? [.. writable.Distinct(StringComparer.Ordinal)] : null,
        };

        if (request.AuthSessionValidity is { } minutes)
        {
            if (minutes is < 3 or > 15)
            {
                throw CognitoErrors.Validation("authSessionValidity", minutes < 3
                    ? "Member must have value greater than or equal to 3"
                    : "Member must have value less than or equal to 15", minutes.ToString(CultureInfo.InvariantCulture));
            }

            settings.AuthSessionValidity = TimeSpan.FromMinutes(minutes);
        }

        if (request.ExplicitAuthFlows is { } flows)
        {
            foreach (var flow in flows)
            {
                if (!Flows.Contains(flow))
                {
                    // The legacy names (ADMIN_NO_SRP_AUTH, CUSTOM_AUTH_FLOW_ONLY, USER_PASSWORD_AUTH) are not offered.
                    throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Explicit auth flow {flow} is not supported; use the ALLOW_ names.");
                }
            }

            settings.ExplicitAuthFlows = [.. flows.Distinct(StringComparer.Ordinal)];
        }

        OAuthClientFields.Apply(settings, request.AllowedOAuthFlowsUserPoolClient, request.AllowedOAuthFlows, request.AllowedOAuthScopes,
            request.CallbackURLs, request.LogoutURLs, request.DefaultRedirectURI, request.SupportedIdentityProviders);

        return settings;
    }

    private static TimeSpan Validity(int? value, string? unit, string defaultUnit, TimeSpan fallback, string member, TimeSpan min, TimeSpan max)
    {
        if (unit is not null && !Units.Contains(unit))
        {
            throw CognitoErrors.Validation($"tokenValidityUnits.{member}", "Member must satisfy enum value set: [seconds, minutes, hours, days]", unit);
        }

        if (value is not { } amount)
        {
            return fallback;
        }

        var validity = (unit ?? defaultUnit) switch
        {
            "seconds" => TimeSpan.FromSeconds(amount),
            "minutes" => TimeSpan.FromMinutes(amount),
            "hours" => TimeSpan.FromHours(amount),
            _ => TimeSpan.FromDays(amount),
        };
        if (validity < min || validity > max)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                $"The {member} validity must be between {Describe(min)} and {Describe(max)}.");
        }

        return validity;
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0} day(s)" : span.TotalHours >= 1 ? $"{span.TotalHours:0} hour(s)" : $"{span.TotalMinutes:0} minutes";
}
