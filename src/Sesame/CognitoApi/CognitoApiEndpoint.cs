using System.Buffers;
using System.Collections.Frozen;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Storage;
using Sesame.Tokens;

namespace Sesame.CognitoApi;

/// <summary>
/// The Cognito wire protocol: <c>POST /</c> with <c>X-Amz-Target: AWSCognitoIdentityProviderService.&lt;Action&gt;</c>,
/// one dictionary lookup to dispatch, errors as Cognito writes them.
/// </summary>
internal sealed partial class CognitoApiEndpoint
{
    private const string TargetPrefix = "AWSCognitoIdentityProviderService.";

    private readonly FrozenDictionary<string, ICognitoOperation> _operations;
    private readonly SesameOptions _options;
    private readonly ILogger<CognitoApiEndpoint> _logger;

    private readonly SigV4 _sigV4;

    public CognitoApiEndpoint(IEnumerable<ICognitoOperation> operations, SigV4 sigV4, IOptions<SesameOptions> options, ILogger<CognitoApiEndpoint> logger)
    {
        _sigV4 = sigV4;
        _operations = operations.ToFrozenDictionary(o => o.Name, StringComparer.Ordinal);
        _options = options.Value;
        _logger = logger;
    }

    public IEnumerable<string> OperationNames => _operations.Keys;

    public async Task HandleAsync(HttpContext context)
    {
        var requestId = Guid.NewGuid().ToString();
        var response = context.Response;
        response.Headers["x-amzn-RequestId"] = requestId;
        response.Headers.CacheControl = "no-store";

        ICognitoOperation? operation = null;
        byte[]? rented = null;
        try
        {
            var target = context.Request.Headers["X-Amz-Target"].ToString();
            if (!target.StartsWith(TargetPrefix, StringComparison.Ordinal)
                || !_operations.TryGetValue(target[TargetPrefix.Length..], out operation))
            {
                throw CognitoErrors.Error(CognitoErrors.UnknownOperation, "The requested operation is not recognized by Sesame.");
            }

            (rented, var length) = await ReadBodyAsync(context.Request, _options.MaxRequestBodyBytes, context.RequestAborted);
            // Public operations ignore signatures (the SDKs sign whenever credentials are configured).
            var caller = operation.RequiresIam ? _sigV4.Authenticate(context.Request, rented.AsSpan(0, length)) : null;

            var call = new CognitoCall(requestId, PublicOrigin(context), context.Connection.RemoteIpAddress?.ToString(), caller?.Region);
            using var address = ClientAddress.Enter(context.Connection.RemoteIpAddress);
            await operation.InvokeAsync(rented.AsMemory(0, length), call, response, context.RequestAborted);
        }
        catch (CognitoException error)
        {
            if (operation is not null && error.Type == CognitoErrors.LimitExceeded && !operation.Declares(error.Type))
            {
                // InitiateAuth, RespondToAuthChallenge, UpdateUserAttributes, AdminCreateUser … do not declare
                // LimitExceededException in Cognito's model; every operation declares TooManyRequestsException.
                // docs.aws.amazon.com/cognito-user-identity-pools/latest/APIReference/API_InitiateAuth.html#API_InitiateAuth_Errors
                error = new CognitoException(CognitoErrors.TooManyRequests, "Rate exceeded") { RetryAfter = error.RetryAfter };
            }

            if (operation is not null && !operation.Declares(error.Type) && !IsProtocolError(error.Type))
            {
                // Clients (Amplify Flutter above all) turn an undeclared name into a generic failure: a bug on our side.
                Log.UndeclaredError(_logger, operation.Name, error.Type);
                error = CognitoErrors.Error(CognitoErrors.InternalError, "An internal error occurred.");
            }

            await WriteErrorAsync(response, error);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            // The client went away; nothing to answer.
        }
        catch (StorageUnavailableException)
        {
            // Logged once where it happened, without the request: the database is down, not this operation broken.
            await WriteErrorAsync(response, CognitoErrors.Error(CognitoErrors.InternalError, "An internal error occurred."));
        }
        catch (Exception exception)
        {
            Log.UnhandledError(_logger, operation?.Name ?? "(none)", requestId, exception);
            await WriteErrorAsync(response, CognitoErrors.Error(CognitoErrors.InternalError, "An internal error occurred."));
        }
        finally
        {
            if (rented is not null)
            {
                ArrayPool<byte>.Shared.Return(rented);
            }
        }
    }

    /// <summary>The origin token issuers are built from: configured, else the request's own.</summary>
    public string PublicOrigin(HttpContext context) => TokenIssuer.PublicOrigin(_options, context.Request);

    private static bool IsProtocolError(string type) =>
        type is CognitoErrors.UnknownOperation or CognitoErrors.Serialization or "MissingAuthenticationTokenException"
            or "IncompleteSignatureException" or "UnrecognizedClientException" or "InvalidSignatureException";

    private static async Task<(byte[] Buffer, int Length)> ReadBodyAsync(HttpRequest request, int limit, CancellationToken cancellationToken)
    {
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        var buffer = ArrayPool<byte>.Shared.Rent((int)Math.Min(request.ContentLength ?? 4096, limit) + 1);
        var length = 0;
        try
        {
            while (true)
            {
                if (length == buffer.Length)
                {
                    if (length > limit)
                    {
                        throw TooLarge(limit);
                    }

                    var bigger = ArrayPool<byte>.Shared.Rent(Math.Min(buffer.Length * 2, limit + 1));
                    buffer.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = bigger;
                }

                var read = await request.Body.ReadAsync(buffer.AsMemory(length), cancellationToken);
                if (read == 0)
                {
                    break;
                }

                length += read;
                if (length > limit)
                {
                    throw TooLarge(limit);
                }
            }

            return (buffer, length);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }
    }

    private static CognitoException TooLarge(int limit) =>
        CognitoErrors.Error(CognitoErrors.InvalidParameter, $"The request body is larger than {limit} bytes.");

    private static async Task WriteErrorAsync(HttpResponse response, CognitoException error)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = error.StatusCode;
        response.ContentType = CognitoJson.ContentType;
        response.Headers["x-amzn-ErrorType"] = error.Type + ":";
        response.Headers["x-amzn-ErrorMessage"] = HeaderSafe(error.Message);
        if (error.RetryAfter is { } wait)
        {
            response.Headers.RetryAfter = ((long)Math.Ceiling(Math.Max(wait.TotalSeconds, 1))).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        await using var writer = new Utf8JsonWriter(response.Body, new JsonWriterOptions { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        writer.WriteStartObject();
        writer.WriteString("__type", error.Type);
        writer.WriteString("message", error.Message);
        writer.WriteEndObject();
        await writer.FlushAsync();
    }

    // Header values must be printable ASCII; trigger messages can hold anything.
    private static string HeaderSafe(string value)
    {
        var chars = value.Length > 512 ? value[..512].ToCharArray() : value.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (chars[i] is < ' ' or > '~')
            {
                chars[i] = '?';
            }
        }

        return new string(chars);
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Error, "Operation {Operation} raised {ErrorType}, which Cognito does not declare for it; answered InternalErrorException.")]
        public static partial void UndeclaredError(ILogger logger, string operation, string errorType);

        [LoggerMessage(2, LogLevel.Error, "Operation {Operation} failed unexpectedly (request {RequestId}).")]
        public static partial void UnhandledError(ILogger logger, string operation, string requestId, Exception exception);
    }
}
