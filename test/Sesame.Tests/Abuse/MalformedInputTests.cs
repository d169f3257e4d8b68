using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Sesame.Load;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// The bounded version of <c>Sesame.Load fuzz</c> (docs/security.md, malformed input): a few thousand seeded
/// malformed requests — bodies up to 1 MiB, deep nesting, invalid UTF-8, wrong types, huge numbers, duplicate keys,
/// random targets, paths and headers — through Kestrel on loopback. None may answer 5xx, and the server may log no
/// error and no exception for any of them (an expected client error never logs a stack trace).
/// </summary>
public sealed class MalformedInputTests
{
    [Fact]
    public async Task SeededMalformedRequests_ThreeThousand_No5xxAndNothingLoggedAsAnError()
    {
        var logs = new CollectingLogs();
        using var app = new SesameApp(services: s => s.AddSingleton<ILoggerProvider>(logs));
        app.UseKestrel(0);
        app.StartServer();
        using var client = app.CreateClient();
        var server = client.BaseAddress!;
        var failures = new List<string>();

        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            var generator = new MalformedRequests(seed: 9_000 + worker);
            for (var i = 0; i < 750; i++)
            {
                var request = generator.Next();
                using var message = request.ToHttpRequestMessage(server);
                try
                {
                    using var response = await client.SendAsync(message);
                    if ((int)response.StatusCode >= 500)
                    {
                        lock (failures)
                        {
                            failures.Add($"{(int)response.StatusCode} {request.Describe()}");
                        }
                    }
                }
                catch (HttpRequestException)
                {
                    // Kestrel closing a connection on an unparseable request is an answer, not a 5xx.
                }
            }
        })));

        Assert.True(failures.Count == 0, string.Join('\n', failures));
        Assert.Empty(logs.Entries.Where(e => e.Level >= LogLevel.Error || e.Exception is not null).Select(e => e.Text + " " + e.Exception));
    }
}
