using System.Security.Cryptography;
using Microsoft.Extensions.Options;
using Sesame.Configuration;
using Sesame.Secrets;

namespace Sesame.Tests.Unit;

/// <summary>
/// Server secrets derived from a fresh random master key, with a throw-away data directory that is deleted on dispose.
/// <see cref="Create"/> with the same <see cref="MasterKey"/> stands for a second node of the same deployment.
/// </summary>
internal sealed class TestSecrets : IDisposable
{
    public TestSecrets()
    {
        DataDir = Path.Combine(Path.GetTempPath(), "sesame-unit-" + Guid.NewGuid().ToString("N"));
        MasterKey = NewMasterKey();
        Secrets = Create(MasterKey);
    }

    public string DataDir { get; }

    public string MasterKey { get; }

    public ServerSecrets Secrets { get; }

    public static string NewMasterKey() => Convert.ToBase64String(RandomNumberGenerator.GetBytes(32));

    public ServerSecrets Create(string masterKey) =>
        new(
            Options.Create(new SesameOptions { Secrets = { MasterKey = masterKey } }),
            new DataDirectory(Options.Create(new SesameOptions { DataDir = DataDir })));

    public void Dispose()
    {
        if (Directory.Exists(DataDir))
        {
            Directory.Delete(DataDir, recursive: true);
        }
    }
}
