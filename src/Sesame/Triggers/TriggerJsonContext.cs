using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Sesame.Triggers;

/// <summary>
/// Trigger events on the wire of an HTTP trigger, exactly as a Lambda receives and returns them. Reading is as lenient
/// as Cognito is with Lambda output: a number where a string is expected becomes its text (the tutorials put
/// <c>answer: otp</c>, a number, in <c>privateChallengeParameters</c> and compare it with <c>===</c> to the string
/// <c>challengeAnswer</c>, which only works because Cognito hands it back as a string), and <c>null</c> for a flag is false.
/// </summary>
[JsonSourceGenerationOptions(
    DefaultIgnoreCondition = JsonIgnoreCondition.Never,
    Converters = [typeof(LenientStringConverter), typeof(LenientBooleanConverter)])]
[JsonSerializable(typeof(PreSignUpEvent))]
[JsonSerializable(typeof(PostConfirmationEvent))]
[JsonSerializable(typeof(DefineAuthChallengeEvent))]
[JsonSerializable(typeof(CreateAuthChallengeEvent))]
[JsonSerializable(typeof(VerifyAuthChallengeResponseEvent))]
[JsonSerializable(typeof(PostAuthenticationEvent))]
[JsonSerializable(typeof(PreTokenGenerationEvent))]
[JsonSerializable(typeof(CustomMessageEvent))]
internal sealed partial class TriggerJsonContext : JsonSerializerContext;

/// <summary>Strings from Lambda-style output: numbers and booleans become their JSON text.</summary>
internal sealed class LenientStringConverter : JsonConverter<string>
{
    public override bool HandleNull => true;

    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.String => reader.GetString(),
        JsonTokenType.Number => Encoding.UTF8.GetString(reader.HasValueSequence ? System.Buffers.BuffersExtensions.ToArray(reader.ValueSequence) : reader.ValueSpan),
        JsonTokenType.True => "true",
        JsonTokenType.False => "false",
        JsonTokenType.Null => null,
        _ => throw new JsonException("Expected a string."),
    };

    public override string ReadAsPropertyName(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString()!;

    public override void WriteAsPropertyName(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WritePropertyName(value);

    public override void Write(Utf8JsonWriter writer, string? value, JsonSerializerOptions options)
    {
        if (value is null)
        {
            writer.WriteNullValue();
        }
        else
        {
            writer.WriteStringValue(value);
        }
    }
}

/// <summary>Flags from Lambda-style output: <c>null</c> is false, and <c>"true"</c>/<c>"false"</c> are accepted.</summary>
internal sealed class LenientBooleanConverter : JsonConverter<bool>
{
    public override bool HandleNull => true;

    public override bool Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.TokenType switch
    {
        JsonTokenType.True => true,
        JsonTokenType.False or JsonTokenType.Null => false,
        JsonTokenType.String when bool.TryParse(reader.GetString(), out var value) => value,
        _ => throw new JsonException("Expected a boolean."),
    };

    public override void Write(Utf8JsonWriter writer, bool value, JsonSerializerOptions options) => writer.WriteBooleanValue(value);
}
