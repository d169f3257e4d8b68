using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sesame.Cognito;
using Sesame.Configuration;

namespace Sesame.Triggers.Http;

/// <summary>
/// Runs a trigger over HTTP, as Cognito runs a Lambda: the event JSON is POSTed (signed, see
/// <see cref="HttpTriggerSignature"/>), and the answer is the event JSON with its <c>response</c> filled in. Only the
/// <c>response</c> is taken back: like Cognito, Sesame ignores what a trigger does to <c>request</c>. Failures become
/// Cognito's errors: an error answer (<c>{"errorMessage": …}</c>, Lambda's own error shape) is
/// <c>UserLambdaValidationException</c>, no answer in time is <c>UnexpectedLambdaException</c>, and an answer that is
/// not the event is <c>InvalidLambdaResponseException</c> "Unrecognizable lambda output" (Cognito's words).
/// </summary>
internal sealed partial class HttpTrigger(IHttpClientFactory httpClients, TimeProvider time, ILogger<HttpTrigger> logger)
{
    public const string HttpClientName = "Sesame.Triggers";

    /// <summary>Largest answer read. Trigger events are a few KiB; Lambda's own cap is 6 MB, far more than any sane answer.</summary>
    public const int MaxResponseBytes = 256 * 1024;

    public async ValueTask InvokeAsync<TEvent>(string triggerName, TriggerOptions hook, TEvent triggerEvent, CancellationToken cancellationToken)
        where TEvent : TriggerEvent
    {
        var typeInfo = (JsonTypeInfo<TEvent>)TriggerJsonContext.Default.GetTypeInfo(typeof(TEvent))!;
        var body = JsonSerializer.SerializeToUtf8Bytes(triggerEvent, typeInfo);
        var timestamp = time.GetUtcNow().ToUnixTimeSeconds();

        using var request = new HttpRequestMessage(HttpMethod.Post, hook.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        request.Headers.TryAddWithoutValidation(HttpTriggerSignature.TriggerHeader, triggerName);
        request.Headers.TryAddWithoutValidation(HttpTriggerSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(HttpTriggerSignature.DeliveryHeader, Guid.NewGuid().ToString());
        request.Headers.TryAddWithoutValidation(HttpTriggerSignature.SignatureHeader, HttpTriggerSignature.Sign(hook.Secret!, timestamp, body));

        byte[] answer;
        int status;
        try
        {
            using var response = await httpClients.CreateClient(HttpClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            status = (int)response.StatusCode;
            answer = await ReadBoundedAsync(response.Content, cancellationToken) ?? throw Unrecognizable(triggerName, triggerEvent, "too large");
        }
        catch (HttpRequestException e)
        {
            Log.Unreachable(logger, triggerName, triggerEvent.UserPoolId, e.HttpRequestError.ToString());
            throw CognitoErrors.Error(CognitoErrors.UnexpectedLambda,
                $"{triggerName} invocation failed due to error {(e.HttpRequestError == HttpRequestError.ConnectionError ? "Connection refused" : "Invocation error")}.");
        }

        if (status is < 200 or > 299)
        {
            // Lambda's error shape, which a wrapper around Lambda code naturally returns for a thrown error.
            if (ErrorMessage(answer) is { } message)
            {
                Log.Failed(logger, triggerName, triggerEvent.UserPoolId, status);
                throw CognitoErrors.Error(CognitoErrors.UserLambdaValidation, $"{triggerName} failed with error {message}.");
            }

            Log.Unreachable(logger, triggerName, triggerEvent.UserPoolId, "HTTP " + status.ToString(CultureInfo.InvariantCulture));
            throw CognitoErrors.Error(CognitoErrors.UnexpectedLambda,
                $"{triggerName} invocation failed due to error HTTP status {status.ToString(CultureInfo.InvariantCulture)}.");
        }

        TEvent? returned;
        try
        {
            returned = JsonSerializer.Deserialize(answer, typeInfo);
        }
        catch (JsonException)
        {
            throw Unrecognizable(triggerName, triggerEvent, "not the event JSON");
        }

        if (returned is null)
        {
            throw Unrecognizable(triggerName, triggerEvent, "null");
        }

        CopyResponse(returned, triggerEvent);
    }

    private CognitoException Unrecognizable(string triggerName, TriggerEvent triggerEvent, string why)
    {
        Log.Unrecognizable(logger, triggerName, triggerEvent.UserPoolId, why);
        return CognitoErrors.Error(CognitoErrors.InvalidLambdaResponse, "Unrecognizable lambda output");
    }

    /// <summary>A response whose JSON omits <c>response</c> leaves the default (unchanged) response in place.</summary>
    private static void CopyResponse(TriggerEvent from, TriggerEvent to)
    {
        switch (to)
        {
            case PreSignUpEvent e: e.Response = ((PreSignUpEvent)from).Response ?? new(); break;
            case PostConfirmationEvent: break;
            case DefineAuthChallengeEvent e: e.Response = ((DefineAuthChallengeEvent)from).Response ?? new(); break;
            case CreateAuthChallengeEvent e:
                var created = ((CreateAuthChallengeEvent)from).Response ?? new();
                // JS code may set either map to null; Cognito treats a missing map as empty.
                created.PublicChallengeParameters ??= [];
                created.PrivateChallengeParameters ??= [];
                e.Response = created;
                break;
            case VerifyAuthChallengeResponseEvent e: e.Response = ((VerifyAuthChallengeResponseEvent)from).Response ?? new(); break;
            case PostAuthenticationEvent: break;
            case PreTokenGenerationEvent e: e.Response = ((PreTokenGenerationEvent)from).Response ?? new(); break;
            case CustomMessageEvent e: e.Response = ((CustomMessageEvent)from).Response ?? new(); break;
            default: throw new NotSupportedException(to.GetType().Name);
        }
    }

    private static async ValueTask<byte[]?> ReadBoundedAsync(HttpContent content, CancellationToken cancellationToken)
    {
        if (content.Headers.ContentLength > MaxResponseBytes)
        {
            return null;
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > MaxResponseBytes)
            {
                return null;
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static string? ErrorMessage(byte[] answer)
    {
        try
        {
            using var document = JsonDocument.Parse(answer);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty("errorMessage", out var message) && message.ValueKind == JsonValueKind.String
                ? message.GetString()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(1, LogLevel.Warning, "The {Trigger} HTTP trigger of pool {PoolId} could not be invoked: {Reason}.")]
        public static partial void Unreachable(ILogger logger, string trigger, string poolId, string reason);

        [LoggerMessage(2, LogLevel.Information, "The {Trigger} HTTP trigger of pool {PoolId} answered with an error (HTTP {Status}).")]
        public static partial void Failed(ILogger logger, string trigger, string poolId, int status);

        [LoggerMessage(3, LogLevel.Warning, "The {Trigger} HTTP trigger of pool {PoolId} answered something that is not its event ({Why}).")]
        public static partial void Unrecognizable(ILogger logger, string trigger, string poolId, string why);
    }
}
