using System.Text.Json.Serialization;
using Sesame.CognitoApi.Operations;

namespace Sesame.Host.CommandLine;

/// <summary>A signing key as <c>sesame keys list</c> shows it.</summary>
internal sealed record SigningKeyView(string PoolId, string Kid, string Purpose, DateTimeOffset CreatedAt);

internal sealed record SigningKeyList(IReadOnlyList<SigningKeyView> Keys);

/// <summary><c>sesame clients list</c>: Cognito's client shape, secrets masked.</summary>
internal sealed record ClientList(IReadOnlyList<UserPoolClientType> UserPoolClients);

/// <summary><c>sesame config check</c>: the effective settings (secrets masked) and what is wrong with them.</summary>
internal sealed record ConfigReport(string Environment, bool Valid, IReadOnlyList<string> Errors, bool? StorageReachable, SortedDictionary<string, string?> Settings);

/// <summary><c>sesame storage copy</c>: rows written and rows already there, per table.</summary>
internal sealed record StorageCopyReport(long Copied, long Skipped, IReadOnlyList<Sesame.Storage.StorageCopyTableResult> Tables);

/// <summary>Source-generated JSON for the command line's own outputs (Cognito's shapes use the API's contexts).</summary>
[JsonSourceGenerationOptions(WriteIndented = false, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SigningKeyList))]
[JsonSerializable(typeof(ClientList))]
[JsonSerializable(typeof(ConfigReport))]
[JsonSerializable(typeof(StorageCopyReport))]
internal sealed partial class CommandLineJsonContext : JsonSerializerContext;
