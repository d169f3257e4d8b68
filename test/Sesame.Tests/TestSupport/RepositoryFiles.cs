namespace Sesame.Tests.TestSupport;

/// <summary>Files of the repository the tests read (sources, docs), found from the test binaries upwards.</summary>
internal static class RepositoryFiles
{
    public static string Root()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Sesame.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("Sesame.slnx not found above " + AppContext.BaseDirectory);
    }
}
