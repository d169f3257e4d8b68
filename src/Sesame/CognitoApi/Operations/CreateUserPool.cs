using Sesame.Admin;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Triggers;

namespace Sesame.CognitoApi.Operations;

internal sealed record PasswordPolicyType(int? MinimumLength, bool? RequireUppercase, bool? RequireLowercase, bool? RequireNumbers, bool? RequireSymbols,
    int? TemporaryPasswordValidityDays = null, int? PasswordHistorySize = null);

internal sealed record UserPoolPolicyType(PasswordPolicyType? PasswordPolicy);

internal sealed record CreateUserPoolRequest(
    string? PoolName, UserPoolPolicyType? Policies, List<string>? UsernameAttributes, LambdaConfigType? LambdaConfig,
    List<string>? AliasAttributes = null, List<string>? AutoVerifiedAttributes = null, List<SchemaAttributeType>? Schema = null,
    Dictionary<string, string>? UserPoolTags = null);

internal sealed record CreateUserPoolResponse(UserPoolType UserPool);

/// <summary>
/// Creates a pool stored in the database, beside the configured ones, with Sesame's defaults (built-in one-time codes,
/// PreventUserExistenceErrors on, <see cref="EnumerationMode.Strict"/>). Honoured: <c>PoolName</c>, <c>UsernameAttributes</c>
/// or <c>AliasAttributes</c>, <c>AutoVerifiedAttributes</c>, <c>Schema</c> (required and custom attributes), the minimum
/// password length, <c>LambdaConfig</c> (each ARN mapped to an HTTP trigger, <see cref="LambdaConfigShapes"/>), the tag
/// <see cref="EnumerationModeTag"/>. Other members (MFA, other tags, …) are accepted and ignored.
/// </summary>
internal sealed class CreateUserPool(UserPoolAdmin admin, IUserAdminStore users, LambdaFunctions lambdas)
    : CognitoOperation<CreateUserPoolRequest, CreateUserPoolResponse>(AdminJsonContext.Wire.CreateUserPoolRequest, AdminJsonContext.Wire.CreateUserPoolResponse)
{
    /// <summary>
    /// The pool tag that chooses the enumeration mode (Sesame's extension): a tag, because every client that creates a
    /// pool (SDKs, CloudFormation, Terraform, the Amplify CLI) can send <c>UserPoolTags</c>, and Cognito keeps tags
    /// without meaning, so a template that sets it still deploys on Cognito.
    /// </summary>
    public const string EnumerationModeTag = "sesame:EnumerationMode";

    public override string Name => "CreateUserPool";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "InvalidEmailRoleAccessPolicyException", "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException",
        CognitoErrors.LimitExceeded, "UserPoolTaggingException", "FeatureUnavailableInTierException", "TierChangeNotAllowedException",
    ];

    public override async ValueTask<CreateUserPoolResponse> ExecuteAsync(CreateUserPoolRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var name = Names.Check(request.PoolName, "poolName");
        var settings = new UserPoolOptions
        {
            Name = name,
            // Cognito: a pool created without UsernameAttributes takes free-form usernames.
            UsernameAttributes = [.. request.UsernameAttributes ?? []],
            // New pools tell nothing about who has an account (issue 9); configured pools keep their configured mode.
            EnumerationMode = EnumerationModeFromTags(request.UserPoolTags) ?? EnumerationMode.Strict,
        };
        foreach (var attribute in settings.UsernameAttributes)
        {
            if (attribute is not ("phone_number" or "email"))
            {
                throw CognitoErrors.Validation("usernameAttributes", "Member must satisfy constraint: [Member must satisfy enum value set: [phone_number, email]]", attribute);
            }
        }

        SetPasswordPolicy(settings, request.Policies);
        settings.AliasAttributes = request.AliasAttributes is { } aliases ? [.. aliases] : null;
        settings.AutoVerifiedAttributes = request.AutoVerifiedAttributes is { } verified ? [.. verified] : null;
        settings.Schema = SchemaShapes.FromWire(request.Schema, "schema");
        SchemaShapes.Check(settings);
        settings.Triggers = LambdaConfigShapes.ToTriggers(request.LambdaConfig, lambdas);
        var pool = await admin.CreatePoolAsync(call.SigningRegion ?? ResourceIds.DefaultRegion, settings, cancellationToken);
        return new CreateUserPoolResponse(DescribeUserPool.Describe(pool, await users.CountAsync(pool.Id, cancellationToken), lambdas));
    }

    /// <summary>The mode <see cref="EnumerationModeTag"/> names, null when the tags leave it out.</summary>
    internal static EnumerationMode? EnumerationModeFromTags(Dictionary<string, string>? tags)
    {
        if (tags is null || !tags.TryGetValue(EnumerationModeTag, out var value))
        {
            return null;
        }

        return value switch
        {
            nameof(EnumerationMode.Strict) => EnumerationMode.Strict,
            nameof(EnumerationMode.Cognito) => EnumerationMode.Cognito,
            _ => throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The tag {EnumerationModeTag} must be Strict or Cognito."),
        };
    }

    /// <summary>The pool's password policy from Create/UpdateUserPool's <c>Policies</c>; what is left out is the default.</summary>
    internal static void SetPasswordPolicy(UserPoolOptions settings, UserPoolPolicyType? policies)
    {
        settings.PasswordMinimumLength = MinimumLength(policies);
        var policy = policies?.PasswordPolicy;
        settings.PasswordRequireUppercase = policy?.RequireUppercase ?? false;
        settings.PasswordRequireLowercase = policy?.RequireLowercase ?? false;
        settings.PasswordRequireNumbers = policy?.RequireNumbers ?? false;
        settings.PasswordRequireSymbols = policy?.RequireSymbols ?? false;
        // Cognito's PasswordPolicyType: 0 is treated as null (its default, 7 days).
        settings.PasswordTemporaryValidityDays = Bounded(policy?.TemporaryPasswordValidityDays, "temporaryPasswordValidityDays", 0, 365) is { } days and not 0
            ? days : new UserPoolOptions().PasswordTemporaryValidityDays;
        settings.PasswordHistorySize = Bounded(policy?.PasswordHistorySize, "passwordHistorySize", 0, 24) ?? 0;
    }

    // The model's range of a PasswordPolicy member, in its validation words.
    private static int? Bounded(int? value, string member, int min, int max) =>
        value < min || value > max
            ? throw CognitoErrors.Validation("policies.passwordPolicy." + member, value < min
                ? $"Member must have value greater than or equal to {min}"
                : $"Member must have value less than or equal to {max}", value.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : value;

    /// <summary>The policy's minimum password length, Cognito's default 8 when it is left out.</summary>
    internal static int MinimumLength(UserPoolPolicyType? policies)
    {
        if (policies?.PasswordPolicy?.MinimumLength is not { } minimum)
        {
            return new UserPoolOptions().PasswordMinimumLength;
        }

        return minimum is < 6 or > 99
            ? throw CognitoErrors.Validation("policies.passwordPolicy.minimumLength", minimum < 6
                ? "Member must have value greater than or equal to 6"
                : "Member must have value less than or equal to 99", minimum.ToString(System.Globalization.CultureInfo.InvariantCulture))
            : minimum;
    }
}

/// <summary>Pool and client names: Cognito's length and pattern.</summary>
internal static partial class Names
{
    public static string Check(string? value, string member)
    {
        var name = Validate.Length(value, member, 1, 128);
        if (!NamePattern().IsMatch(name))
        {
            throw CognitoErrors.Validation(member, @"Member must satisfy regular expression pattern: [\w\s+=,.@-]+", name);
        }

        return name;
    }

    [System.Text.RegularExpressions.GeneratedRegex(@"^[\w\s+=,.@-]+$")]
    private static partial System.Text.RegularExpressions.Regex NamePattern();
}
