using Sesame.Account;
using Sesame.Cognito;
using Sesame.Users;

namespace Sesame.CognitoApi.Operations;

internal sealed record VerifyUserAttributeRequest(string? AccessToken, string? AttributeName, string? Code);

/// <summary>Checks a code sent for the phone number or email; on success the (new) value is set and marked verified.</summary>
internal sealed class VerifyUserAttribute(AccountFlow account)
    : CognitoOperation<VerifyUserAttributeRequest, AccountEmptyResponse>(
        AccountJsonContext.Wire.VerifyUserAttributeRequest, AccountJsonContext.Wire.AccountEmptyResponse)
{
    public override string Name => "VerifyUserAttribute";

    protected override IEnumerable<string> DeclaredErrors =>
    [
        CognitoErrors.AliasExists, CognitoErrors.CodeMismatch, CognitoErrors.ExpiredCode, "ForbiddenException",
        CognitoErrors.LimitExceeded, "PasswordResetRequiredException", CognitoErrors.UserNotConfirmed, CognitoErrors.UserNotFound,
    ];

    public override async ValueTask<AccountEmptyResponse> ExecuteAsync(VerifyUserAttributeRequest request, CognitoCall call, CancellationToken cancellationToken)
    {
        var token = Validate.Token(request.AccessToken, "accessToken");
        var attribute = VerifiableAttribute(request.AttributeName);
        var code = Validate.Code(request.Code, "code");
        var (user, _) = await account.SignedInUserAsync(token, call.PublicOrigin, cancellationToken);
        await account.VerifyAsync(user, attribute, code, cancellationToken);
        return new AccountEmptyResponse();
    }

    /// <summary>Only phone numbers and emails are verified with a code.</summary>
    internal static string VerifiableAttribute(string? name)
    {
        var attribute = Validate.Length(name, "attributeName", 1, 32);
        return attribute is UserAttributes.PhoneNumber or UserAttributes.Email
            ? attribute
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter, $"Only phone_number and email can be verified, not {attribute}.");
    }
}
