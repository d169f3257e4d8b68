namespace Sesame.Cognito;

/// <summary>
/// Cognito's error names and the messages real Cognito sends with them
/// (each operation's "Errors" section in the API reference, e.g.
/// https://docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_Errors).
/// Messages are part of the protocol: clients and people match on them.
/// </summary>
internal static class CognitoErrors
{
    public const string InternalError = "InternalErrorException";
    public const string InvalidParameter = "InvalidParameterException";
    public const string NotAuthorized = "NotAuthorizedException";
    public const string ResourceNotFound = "ResourceNotFoundException";
    public const string TooManyRequests = "TooManyRequestsException";
    public const string UserNotFound = "UserNotFoundException";
    public const string UsernameExists = "UsernameExistsException";
    public const string UserNotConfirmed = "UserNotConfirmedException";
    public const string CodeMismatch = "CodeMismatchException";
    public const string ExpiredCode = "ExpiredCodeException";
    public const string InvalidPassword = "InvalidPasswordException";
    public const string LimitExceeded = "LimitExceededException";
    public const string CodeDeliveryFailure = "CodeDeliveryFailureException";
    public const string UserLambdaValidation = "UserLambdaValidationException";
    public const string UnexpectedLambda = "UnexpectedLambdaException";
    public const string InvalidLambdaResponse = "InvalidLambdaResponseException";
    public const string PasswordResetRequired = "PasswordResetRequiredException";
    public const string PasswordHistoryPolicyViolation = "PasswordHistoryPolicyViolationException";

    // Refresh, revocation and account operations.
    public const string AliasExists = "AliasExistsException";
    public const string RefreshTokenReuse = "RefreshTokenReuseException";
    public const string Unauthorized = "UnauthorizedException";
    public const string UnsupportedTokenType = "UnsupportedTokenTypeException";

    // Protocol-level errors every AWS JSON 1.1 service returns before an operation runs.
    public const string UnknownOperation = "UnknownOperationException";
    public const string Serialization = "SerializationException";

    public static CognitoException Error(string type, string message) => new(type, message);

    public static CognitoException IncorrectUsernameOrPassword() =>
        new(NotAuthorized, "Incorrect username or password.");

    public static CognitoException InvalidSession() =>
        new(NotAuthorized, "Invalid session for the user.");

    public static CognitoException ExpiredSession() =>
        new(NotAuthorized, "Invalid session for the user, session is expired.");

    public static CognitoException UserDisabled() =>
        new(NotAuthorized, "User is disabled.");

    public static CognitoException UserDoesNotExist() =>
        new(UserNotFound, "User does not exist.");

    public static CognitoException ClientNotFound(string clientId) =>
        new(ResourceNotFound, $"User pool client {clientId} does not exist.");

    public static CognitoException InvalidRefreshToken() =>
        new(NotAuthorized, "Invalid Refresh Token");

    public static CognitoException InvalidAccessToken() =>
        new(NotAuthorized, "Invalid Access Token");

    public static CognitoException AccessTokenExpired() =>
        new(NotAuthorized, "Access Token has expired");

    public static CognitoException AccessTokenRevoked() =>
        new(NotAuthorized, "Access Token has been revoked");

    public static CognitoException WrongSignUpCode() =>
        new(CodeMismatch, "Invalid verification code provided, please try again.");

    public static CognitoException ExpiredSignUpCode() =>
        new(ExpiredCode, "Invalid code provided, please request a code again.");

    /// <summary>Cognito's validation message for a member that breaks its constraint.</summary>
    public static CognitoException Validation(string member, string constraint, string? value = null) =>
        new(InvalidParameter,
            $"1 validation error detected: Value {(value is null ? "null" : $"'{value}'")} at '{member}' failed to satisfy constraint: {constraint}");
}
