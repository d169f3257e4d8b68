using System.Text.Json.Serialization.Metadata;
using Sesame.Cognito;

namespace Sesame.CognitoApi;

/// <summary>What the protocol layer knows about the HTTP call that an operation may need.</summary>
/// <param name="SigningRegion">For IAM-authorised calls, the region the SigV4 credential scope names (CreateUserPool uses it).</param>
internal sealed record CognitoCall(string RequestId, string PublicOrigin, string? SourceIp, string? SigningRegion = null);

/// <summary>One Cognito action, as the endpoint dispatches it.</summary>
internal interface ICognitoOperation
{
    /// <summary>The <c>X-Amz-Target</c> action name, e.g. <c>InitiateAuth</c>.</summary>
    string Name { get; }

    /// <summary>Whether the action is IAM-authorised (SigV4 with an admin access key) rather than public or token-based.</summary>
    bool RequiresIam { get; }

    /// <summary>Whether Cognito's model declares this error for the action (clients reject any other name).</summary>
    bool Declares(string errorType);

    /// <summary>Reads the request, runs the action and writes the 200 response.</summary>
    Task InvokeAsync(ReadOnlyMemory<byte> body, CognitoCall call, HttpResponse response, CancellationToken cancellationToken);
}

/// <summary>
/// Base for operations: source-generated JSON in and out, no reflection. Subclasses live in
/// <c>CognitoApi/Operations</c>, one file per action, and read top to bottom as the action's steps.
/// </summary>
internal abstract class CognitoOperation<TRequest, TResponse>(JsonTypeInfo<TRequest> requestType, JsonTypeInfo<TResponse> responseType)
    : ICognitoOperation
    where TRequest : class
{
    // Errors every action in Sesame's surface declares in Cognito's model.
    private static readonly string[] CommonErrors =
    [
        CognitoErrors.InternalError, CognitoErrors.InvalidParameter, CognitoErrors.NotAuthorized,
        CognitoErrors.ResourceNotFound, CognitoErrors.TooManyRequests,
    ];

    private HashSet<string>? _declared;

    public abstract string Name { get; }

    /// <summary>IAM-authorised actions override this with true.</summary>
    public virtual bool RequiresIam => false;

    /// <summary>The errors Cognito declares for this action beyond the common five.</summary>
    protected abstract IEnumerable<string> DeclaredErrors { get; }

    public bool Declares(string errorType)
    {
        _declared ??= [.. CommonErrors, .. DeclaredErrors];
        return _declared.Contains(errorType);
    }

    public abstract ValueTask<TResponse> ExecuteAsync(TRequest request, CognitoCall call, CancellationToken cancellationToken);

    public async Task InvokeAsync(ReadOnlyMemory<byte> body, CognitoCall call, HttpResponse response, CancellationToken cancellationToken)
    {
        var request = CognitoJson.Read(body, requestType);
        var result = await ExecuteAsync(request, call, cancellationToken);
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = CognitoJson.ContentType;
        await System.Text.Json.JsonSerializer.SerializeAsync(response.Body, result, responseType, cancellationToken);
    }
}
