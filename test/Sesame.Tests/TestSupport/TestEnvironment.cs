using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Sesame.Tests.TestSupport;

/// <summary>A hosting environment by name, for validators that judge settings by environment.</summary>
internal sealed class TestEnvironment(string name) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = name;

    public string ApplicationName { get; set; } = "Sesame";

    public string ContentRootPath { get; set; } = "/";

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
