namespace Sesame.Cognito;

/// <summary>
/// An error in Cognito's own shape: the client sees HTTP 400 (500 for <c>InternalErrorException</c>) with
/// <c>{"__type": Type, "message": Message}</c> and a matching <c>x-amzn-ErrorType</c> header.
/// </summary>
internal sealed class CognitoException(string type, string message) : Exception(message)
{
    /// <summary>The error name, e.g. <c>NotAuthorizedException</c>.</summary>
    public string Type { get; } = type;

    /// <summary>How long the client should wait before trying again, when known (a <c>Retry-After</c> header).</summary>
    public TimeSpan? RetryAfter { get; init; }

    public int StatusCode => Type == CognitoErrors.InternalError ? 500 : 400;
}
