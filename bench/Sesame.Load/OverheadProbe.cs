using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Sesame.Load;

/// <summary>
/// How many requests per second the generator itself can make: the same client, request shape and concurrency
/// against a loopback responder that answers <c>{}</c> at once. The responder runs in this process on the same cores,
/// so the figure is a lower bound of the generator's capacity. A server figure well below it is server-bound; one near
/// it is generator-bound.
/// </summary>
internal static class OverheadProbe
{
    public static async Task<double> MeasureAsync(int concurrency, TimeSpan duration, CancellationToken cancellationToken)
    {
        await using var app = SlimServer.Create(new IPEndPoint(IPAddress.Loopback, 0));
        app.Run(async context =>
        {
            // Read the request as a server must, then answer the smallest Cognito-shaped body.
            await context.Request.Body.CopyToAsync(Stream.Null, context.RequestAborted);
            context.Response.ContentType = "application/x-amz-json-1.1";
            await context.Response.WriteAsync("{}", context.RequestAborted);
        });
        await app.StartAsync(cancellationToken);
        using var client = new CognitoClient(SlimServer.Address(app), concurrency);
        var recorder = new Recorder();
        var body = new JsonObject
        {
            ["ClientId"] = "sesamedevclient0000000000",
            ["AuthFlow"] = "CUSTOM_AUTH",
            ["AuthParameters"] = new JsonObject { ["USERNAME"] = "+15550000000" },
        };
        long done = 0;
        // A short warm-up (JIT, connections), then the timed part.
        foreach (var (phase, length) in new[] { (false, TimeSpan.FromMilliseconds(300)), (true, duration) })
        {
            var clock = Timer.Start();
            await Task.WhenAll(Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
            {
                while (clock.Elapsed < length && !cancellationToken.IsCancellationRequested)
                {
                    var answer = await client.CallAsync("InitiateAuth", "probe", (JsonObject)body.DeepClone(), phase ? recorder : null, cancellationToken);
                    if (phase && answer.Ok)
                    {
                        Interlocked.Increment(ref done);
                    }
                }
            }, cancellationToken)));
            if (phase)
            {
                return done / clock.Elapsed.TotalSeconds;
            }
        }

        return 0;
    }
}
