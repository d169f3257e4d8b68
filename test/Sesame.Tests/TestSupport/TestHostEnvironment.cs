using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;

namespace Sesame.Tests.TestSupport;

/// <summary>A host environment by name, for validators that treat Development differently.</summary>
internal sealed class TestHostEnvironment(string name) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = name;

    public string ApplicationName { get; set; } = "Sesame";

    public string ContentRootPath { get; set; } = "/";

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
