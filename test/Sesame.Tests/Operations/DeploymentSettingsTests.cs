using System.Reflection;
using System.Text.RegularExpressions;
using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Operations;

/// <summary>
/// Every setting the deployment files, the README and the docs name as an environment variable (<c>Sesame__Secrets__MasterKey</c>)
/// or a key (<c>Sesame:Storage:Provider</c>) is one the server binds. The configuration binder ignores a name it does not
/// know, so a misspelt <c>Sesame__TrustedProxies__0</c> in docker-compose.yml would silently leave the proxy untrusted,
/// and one in the guide would be copied into every deployment. The files cannot be run here (no Docker daemon, no systemd
/// as PID 1); scripts/publish-test.sh checks how they fit together.
/// </summary>
public sealed partial class DeploymentSettingsTests
{
    public static TheoryData<string> Files() =>
    [
        "Dockerfile", "docker-compose.yml", "deploy/sesame.service", "deploy/sesame.env.example", "README.md",
        .. Directory.GetFiles(Path.Combine(RepositoryFiles.Root(), "docs"), "*.md").Select(f => "docs/" + Path.GetFileName(f)).Order(StringComparer.Ordinal),
    ];

    [Theory]
    [MemberData(nameof(Files))]
    public void EverySettingNamed_IsOneTheServerBinds(string file)
    {
        var text = File.ReadAllText(Path.Combine(RepositoryFiles.Root(), file));
        var named = EnvironmentName().Matches(text).Select(m => m.Value.Split("__")[1..])
            .Concat(KeyName().Matches(text).Select(m => m.Value.Split(':')[1..]))
            .Select(segments => string.Join(':', segments)).Distinct().ToList();

        var unknown = named.Select(path => (path, why: Resolve(typeof(SesameOptions), path.Split(':'))))
            .Where(r => r.why is not null).Select(r => $"Sesame:{r.path}: {r.why}").ToList();

        Assert.True(unknown.Count == 0, $"{file} names settings the server does not bind:\n" + string.Join('\n', unknown));
        if (file is "docker-compose.yml" or "deploy/sesame.env.example")
        {
            Assert.NotEmpty(named);
        }
    }

    [Fact]
    public void Resolve_RefusesWhatDoesNotBind()
    {
        Assert.Null(Resolve(typeof(SesameOptions), ["TrustedProxies", "0"]));
        Assert.Null(Resolve(typeof(SesameOptions), ["Delivery", "Providers", "twilio", "AuthToken"]));
        Assert.NotNull(Resolve(typeof(SesameOptions), ["TrustedProxy", "0"]));
        Assert.NotNull(Resolve(typeof(SesameOptions), ["Secrets", "Masterkey", "Extra"]));
        Assert.NotNull(Resolve(typeof(SesameOptions), ["TrustedProxies", "first"]));
    }

    /// <summary>Null when the path binds to a property of <paramref name="type"/>, else why not. An empty last segment
    /// (a name cut off before a placeholder such as <c>{poolId}</c>) is a prefix and binds when what it names has keys.</summary>
    private static string? Resolve(Type type, string[] segments)
    {
        for (var i = 0; i < segments.Length; i++)
        {
            var segment = segments[i];
            type = Nullable.GetUnderlyingType(type) ?? type;
            if (segment.Length == 0)
            {
                return i == segments.Length - 1 && !IsScalar(type) ? null : $"an empty segment after {string.Join(':', segments[..i])}";
            }

            if (Generic(type, typeof(IDictionary<,>)) is { } dictionary)
            {
                type = dictionary.GetGenericArguments()[1];
            }
            else if (type != typeof(string) && Generic(type, typeof(IEnumerable<>)) is { } list)
            {
                if (!int.TryParse(segment, out _))
                {
                    return $"'{segment}' is not an index of the list {string.Join(':', segments[..i])}";
                }

                type = list.GetGenericArguments()[0];
            }
            else if (IsScalar(type))
            {
                return $"{string.Join(':', segments[..i])} is a value, it has no '{segment}'";
            }
            else if (type.GetProperty(segment, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase) is { CanWrite: true } property)
            {
                type = property.PropertyType;
            }
            else
            {
                return $"{type.Name} has no setting '{segment}'";
            }
        }

        return null;
    }

    private static bool IsScalar(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(TimeSpan) || type == typeof(decimal) || type == typeof(Uri);

    private static Type? Generic(Type type, Type definition) =>
        type.IsGenericType && type.GetGenericTypeDefinition() == definition ? type
        : type.GetInterfaces().FirstOrDefault(t => t.IsGenericType && t.GetGenericTypeDefinition() == definition);

    // Sesame__Storage__Provider; a trailing "__" before a placeholder ({poolId}, <id>, …) is kept as an empty segment.
    [GeneratedRegex(@"(?<![A-Za-z0-9_])Sesame(__[A-Za-z0-9.\-]*)+(?=[^A-Za-z0-9_]|$)")]
    private static partial Regex EnvironmentName();

    // Sesame:Storage:Provider, --Sesame:DevOutbox:Enabled; not a URL (sesame://) nor a placeholder's inside.
    [GeneratedRegex(@"(?<![A-Za-z0-9_/{])Sesame(:[A-Za-z0-9.\-]*)+(?=[^A-Za-z0-9:_/]|$)")]
    private static partial Regex KeyName();
}
