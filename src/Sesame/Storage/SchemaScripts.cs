using System.Globalization;

namespace Sesame.Storage;

/// <summary>The numbered schema scripts an engine embeds (<c>Schema/NNNN_name.sql</c>), in order.</summary>
internal static class SchemaScripts
{
    /// <summary>The highest script version embedded under <paramref name="prefix"/>: a database at it has every migration.</summary>
    public static int Latest(string prefix) => typeof(SchemaScripts).Assembly.GetManifestResourceNames()
        .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
        .Max(n => int.Parse(n[prefix.Length..].Split('_')[0], CultureInfo.InvariantCulture));

    /// <param name="prefix">The scripts' resource-name prefix, e.g. <c>Sesame.Storage.Sqlite.Schema.</c>.</param>
    public static IEnumerable<(int Version, string Script)> Read(string prefix)
    {
        var assembly = typeof(SchemaScripts).Assembly;
        return assembly.GetManifestResourceNames()
            .Where(n => n.StartsWith(prefix, StringComparison.Ordinal) && n.EndsWith(".sql", StringComparison.Ordinal))
            .Select(n => (Version: int.Parse(n[prefix.Length..].Split('_')[0], CultureInfo.InvariantCulture), Name: n))
            .OrderBy(s => s.Version)
            .Select(s =>
            {
                using var stream = assembly.GetManifestResourceStream(s.Name)!;
                using var reader = new StreamReader(stream);
                return (s.Version, reader.ReadToEnd());
            });
    }
}
