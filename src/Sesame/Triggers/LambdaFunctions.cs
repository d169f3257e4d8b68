using System.Collections.Frozen;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.Triggers;

/// <summary>
/// The table of Lambda function ARNs Sesame can call (<c>Sesame:LambdaFunctions</c>): each ARN that a pool's
/// <c>LambdaConfig</c> names runs as the HTTP trigger mapped to it. The secrets stay in configuration; the database
/// keeps only the ARN.
/// </summary>
internal sealed class LambdaFunctions(IOptions<SesameOptions> options)
{
    private readonly FrozenDictionary<string, TriggerOptions> _byArn = options.Value.LambdaFunctions
        .Where(f => f.Arn is not null && f.Url is not null)
        .DistinctBy(f => f.Arn, StringComparer.Ordinal)
        .ToFrozenDictionary(f => f.Arn!, f => new TriggerOptions { Url = f.Url, Secret = f.Secret }, StringComparer.Ordinal);

    /// <summary>The HTTP trigger that runs in place of <paramref name="arn"/>, or null when the table has no such ARN.</summary>
    public TriggerOptions? Find(string arn) => _byArn.GetValueOrDefault(arn);

    /// <summary>The ARN mapped to this HTTP trigger URL, if any (DescribeUserPool names configured hooks by it).</summary>
    public string? ArnOf(string url) => _byArn.FirstOrDefault(f => string.Equals(f.Value.Url, url, StringComparison.Ordinal)).Key;
}
