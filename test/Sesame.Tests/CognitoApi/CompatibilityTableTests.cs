using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Sesame.CognitoApi;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>docs/compatibility.md's "Every operation at a glance" says exactly what the endpoint dispatches.</summary>
public sealed partial class CompatibilityTableTests
{
    [Fact]
    public void GlanceTable_SupportedAndPartly_ExactlyTheDispatchedOperations()
    {
        using var app = new SesameApp();
        var dispatched = app.Services.GetServices<ICognitoOperation>().Select(o => o.Name).ToHashSet(StringComparer.Ordinal);
        var rows = Rows();

        Assert.True(rows.Count > 100, "the glance table of docs/compatibility.md was not found");
        var answered = rows.Where(r => r.Status is "supported" or "partly").Select(r => r.Operation).ToHashSet(StringComparer.Ordinal);
        Assert.Empty(dispatched.Except(answered));
        Assert.Empty(answered.Except(dispatched));
        Assert.Equal(rows.Count, rows.Select(r => r.Operation).Distinct(StringComparer.Ordinal).Count());
    }

    private static List<(string Operation, string Status)> Rows()
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root(), "docs", "compatibility.md"));
        var start = text.IndexOf("## Every operation at a glance", StringComparison.Ordinal);
        var end = text.IndexOf("\n## ", start + 1, StringComparison.Ordinal);
        return [.. RowPattern().Matches(text[start..end]).Select(m => (m.Groups["op"].Value, m.Groups["status"].Value))];
    }

    [GeneratedRegex(@"^\| `(?<op>\w+)` \| (?<status>supported|partly|not yet) \|", RegexOptions.Multiline)]
    private static partial Regex RowPattern();
}
