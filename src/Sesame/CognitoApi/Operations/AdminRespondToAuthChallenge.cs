using Sesame.Cognito;
using Sesame.Pools;

namespace Sesame.CognitoApi.Operations;

internal sealed record AdminRespondToAuthChallengeRequest(
    string? UserPoolId, string? ClientId, string? ChallengeName, string? Session, Dictionary<string, string>? ChallengeResponses,
    Dictionary<string, string>? ClientMetadata);

/// <summary>RespondToAuthChallenge from a trusted back end: the same code, once the pool/client pair is checked.</summary>
internal sealed class AdminRespondToAuthChallenge(UserPools pools, IServiceProvider services)
    : CognitoOperation<AdminRespondToAuthChallengeRequest, RespondToAuthChallengeResponse>(
        AdminJsonContext.Wire.AdminRespondToAuthChallengeRequest, CognitoJsonContext.Wire.RespondToAuthChallengeResponse)
{
    private readonly Lazy<RespondToAuthChallenge> _respond = new(() => ActivatorUtilities.CreateInstance<RespondToAuthChallenge>(services));

    public override string Name => "AdminRespondToAuthChallenge";

    public override bool RequiresIam => true;

    protected override IEnumerable<string> DeclaredErrors =>
    [
        "AliasExistsException", CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode, CognitoErrors.InvalidPassword,
        "InvalidSmsRoleAccessPolicyException", "InvalidSmsRoleTrustRelationshipException", "InvalidUserPoolConfigurationException",
        "MFAMethodNotFoundException", "PasswordHistoryPolicyViolationException", "PasswordResetRequiredException",
        "SoftwareTokenMFANotFoundException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
        CognitoErrors.InvalidLambdaResponse, CognitoErrors.UnexpectedLambda, CognitoErrors.UserLambdaValidation,
    ];

    public override async ValueTask<RespondToAuthChallengeResponse> ExecuteAsync(
        AdminRespondToAuthChallengeRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var pool = AdminShapes.FindPool(pools, request.UserPoolId);
        AdminShapes.FindClient(pool, pools, request.ClientId);
        return await _respond.Value.ExecuteAsync(
            new RespondToAuthChallengeRequest(request.ClientId, request.ChallengeName, request.Session, request.ChallengeResponses, request.ClientMetadata),
            call, cancellationToken);
    }
}
