using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Sesame.Cognito;

namespace Sesame.CognitoApi;

internal static class CognitoJson
{
    public const string ContentType = "application/x-amz-json-1.1";

    /// <summary>
    /// The wire settings every Cognito JSON context is built with (the same as their source-generation attributes, plus
    /// the encoder): responses are JSON for API clients, never HTML, so '+' in phone numbers and quotes in messages are
    /// written as themselves rather than as \u escapes.
    /// </summary>
    public static JsonSerializerOptions WireOptions() => new()
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict,
        UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Skip,
        MaxDepth = 16,
        Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Parses a request body; anything that is not a JSON object of the right shape is a SerializationException.</summary>
    public static T Read<T>(ReadOnlyMemory<byte> body, JsonTypeInfo<T> type) where T : class
    {
        if (body.IsEmpty)
        {
            // Cognito treats an empty body as an empty structure; required members then fail validation.
            body = "{}"u8.ToArray();
        }

        try
        {
            return JsonSerializer.Deserialize(body.Span, type)
                ?? throw CognitoErrors.Error(CognitoErrors.Serialization, "Expected a JSON object as the request body.");
        }
        catch (JsonException)
        {
            // No detail: the parser's message can quote the input.
            throw CognitoErrors.Error(CognitoErrors.Serialization, "The request body is not valid JSON for this operation.");
        }
    }
}
