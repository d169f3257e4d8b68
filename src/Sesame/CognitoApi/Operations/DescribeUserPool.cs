using Sesame.Pools;
using Sesame.Storage;
using Sesame.Triggers;

namespace Sesame.CognitoApi.Operations;

internal sealed record UsernameConfigurationType(bool CaseSensitive);

/// <summary>Cognito's <c>UserPoolType</c>, limited to what Sesame has. Dates are absent for configured pools.</summary>
internal sealed record UserPoolType(
    string Id, string Name, string Arn, double? CreationDate, double? LastModifiedDate, UserPoolPolicyType Policies,
    List<string> UsernameAttributes, List<string> AutoVerifiedAttributes, long EstimatedNumberOfUsers, string MfaConfiguration,
    UsernameConfigurationType UsernameConfiguration, LambdaConfigType LambdaConfig, string DeletionProtection,
    List<string>? AliasAttributes = null, List<SchemaAttributeType>? SchemaAttributes = null, Dictionary<string, string>? UserPoolTags = null);

internal sealed record DescribeUserPoolRequest(string? UserPoolId);

internal sealed record DescribeUserPoolResponse(UserPoolType UserPool);

internal sealed class DescribeUserPool(UserPools pools, IUserAdminStore users, LambdaFunctions lambdas)
    : CognitoOperation<DescribeUserPoolRequest, DescribeUserPoolResponse>(AdminJsonContext.Wire.DescribeUserPoolRequest, AdminJsonContext.Wire.DescribeUserPoolResponse)
{
    // Sesame has no AWS account; ARNs carry this placeholder account id.
    public const string AccountId = "000000000000";

    public override string Name => "DescribeUserPool";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors => ["UserPoolTaggingException"];

    public override async ValueTask<DescribeUserPoolResponse> ExecuteAsync(DescribeUserPoolRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        return new DescribeUserPoolResponse(Describe(pool, await users.CountAsync(pool.Id, cancellationToken), lambdas));
    }

    internal static UserPoolType Describe(UserPool pool, long users, LambdaFunctions lambdas)
    {
        var usernameAttributes = new List<string>();
        if (pool.UsesPhoneAsUsername)
        {
            usernameAttributes.Add("phone_number");
        }

        if (pool.UsesEmailAsUsername)
        {
            usernameAttributes.Add("email");
        }

        return new UserPoolType(
            pool.Id,
            pool.Options.Name,
            $"arn:aws:cognito-idp:{pool.Region}:{AccountId}:userpool/{pool.Id}",
            pool.CreatedAt is { } created ? AdminShapes.Epoch(created) : null,
            pool.ModifiedAt is { } modified ? AdminShapes.Epoch(modified) : null,
            new UserPoolPolicyType(new PasswordPolicyType(pool.Options.PasswordMinimumLength,
                pool.Options.PasswordRequireUppercase, pool.Options.PasswordRequireLowercase, pool.Options.PasswordRequireNumbers, pool.Options.PasswordRequireSymbols,
                pool.Options.PasswordTemporaryValidityDays, pool.Options.PasswordHistorySize)),
            usernameAttributes,
            // Unset: sign-ups are confirmed by a code to the phone number, else the email; both are verified that way.
            [.. pool.Options.AutoVerifiedAttributes ?? ["phone_number", "email"]],
            users,
            "OFF",
            // Usernames and emails are matched case-insensitively (Cognito's default since 2020).
            new UsernameConfigurationType(false),
            LambdaConfigShapes.FromTriggers(pool, lambdas),
            "INACTIVE",
            pool.Options.AliasAttributes is { } aliases ? [.. aliases] : null,
            SchemaShapes.Describe(pool.Options),
            // The one tag Sesame reads, so the mode a pool answers in can be seen (configured pools too).
            new Dictionary<string, string>(StringComparer.Ordinal) { [CreateUserPool.EnumerationModeTag] = pool.Options.EnumerationMode.ToString() });
    }
}
