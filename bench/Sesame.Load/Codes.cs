using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Sesame.Load;

/// <summary>Where a flow gets the code the server sent: armed before the request that sends it, awaited after.</summary>
internal interface ICodeSource
{
    Task<Func<CancellationToken, Task<string>>> ExpectAsync(string destination, CancellationToken cancellationToken);
}

/// <summary>
/// The generator's own SMS/email gateway: Sesame's generic HTTP provider posts every message here, as it would to a
/// real gateway, so delivery (outbox, dispatcher, HTTP call) is part of what is measured. The signature
/// (<c>X-Sesame-Signature: t=…,v1=hex HMAC-SHA256(secret, "t.body")</c>, docs/delivery.md) is checked on every message;
/// an unsigned, mis-signed or stale one is refused with 401 and its flow then fails by timeout.
/// </summary>
internal sealed partial class DeliveryInbox : ICodeSource, IAsyncDisposable
{
    private static readonly TimeSpan MaxSkew = TimeSpan.FromMinutes(5);

    private readonly ConcurrentDictionary<string, TaskCompletionSource<string>> _waiting = new(StringComparer.Ordinal);
    private readonly byte[]? _key;
    private readonly string _header;
    private readonly TimeSpan _timeout;
    private WebApplication? _app;
    private long _received;
    private long _unexpected;
    private long _rejected;

    public DeliveryInbox(string? secret, string header, TimeSpan timeout)
    {
        _key = string.IsNullOrEmpty(secret) ? null : Encoding.UTF8.GetBytes(secret);
        _header = header;
        _timeout = timeout;
    }

    public Uri? Url { get; private set; }

    public long Received => Interlocked.Read(ref _received);

    /// <summary>Messages for a destination no flow was waiting for (late codes of failed flows).</summary>
    public long Unexpected => Interlocked.Read(ref _unexpected);

    public long Rejected => Interlocked.Read(ref _rejected);

    public async Task StartAsync(IPEndPoint listen, CancellationToken cancellationToken)
    {
        if (!IPAddress.IsLoopback(listen.Address))
        {
            throw new ArgumentException($"--delivery-listen: {listen} is not a loopback address.");
        }

        _app = SlimServer.Create(listen);
        _app.Run(ReceiveAsync);
        await _app.StartAsync(cancellationToken);
        Url = SlimServer.Address(_app);
    }

    public Task<Func<CancellationToken, Task<string>>> ExpectAsync(string destination, CancellationToken cancellationToken)
    {
        var waiter = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _waiting[destination] = waiter;
        return Task.FromResult<Func<CancellationToken, Task<string>>>(async ct =>
        {
            try
            {
                return await waiter.Task.WaitAsync(_timeout, ct);
            }
            catch (TimeoutException)
            {
                throw new FlowException($"no code delivered within {_timeout.TotalSeconds:0.#} s");
            }
            finally
            {
                _waiting.TryRemove(new KeyValuePair<string, TaskCompletionSource<string>>(destination, waiter));
            }
        });
    }

    private async Task ReceiveAsync(HttpContext context)
    {
        using var buffer = new MemoryStream();
        await context.Request.Body.CopyToAsync(buffer, context.RequestAborted);
        var body = buffer.ToArray();
        if (_key is not null && !SignatureValid(context.Request.Headers[_header].ToString(), body, DateTimeOffset.UtcNow))
        {
            Interlocked.Increment(ref _rejected);
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }

        string? to = null;
        string? text = null;
        try
        {
            var json = JsonNode.Parse(body);
            to = json?["to"]?.GetValue<string>();
            text = json?["body"]?.GetValue<string>();
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException)
        {
        }

        var code = text is null ? null : CodePattern().Match(text) is { Success: true } m ? m.Value : null;
        if (to is null || code is null)
        {
            // A permanent refusal: Sesame records the message as failed rather than retrying it.
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            return;
        }

        Interlocked.Increment(ref _received);
        if (_waiting.TryRemove(to, out var waiter))
        {
            waiter.TrySetResult(code);
        }
        else
        {
            Interlocked.Increment(ref _unexpected);
        }

        context.Response.ContentType = "application/json";
        await context.Response.WriteAsync("{\"id\":\"" + Interlocked.Read(ref _received).ToString(CultureInfo.InvariantCulture) + "\"}", context.RequestAborted);
    }

    internal bool SignatureValid(string header, byte[] body, DateTimeOffset now)
    {
        string? t = null;
        string? v1 = null;
        foreach (var part in header.Split(',', StringSplitOptions.TrimEntries))
        {
            if (part.StartsWith("t=", StringComparison.Ordinal))
            {
                t = part[2..];
            }
            else if (part.StartsWith("v1=", StringComparison.Ordinal))
            {
                v1 = part[3..];
            }
        }

        if (t is null || v1 is null || !long.TryParse(t, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            || (now - DateTimeOffset.FromUnixTimeSeconds(seconds)).Duration() > MaxSkew)
        {
            return false;
        }

        byte[] given;
        try
        {
            given = Convert.FromHexString(v1);
        }
        catch (FormatException)
        {
            return false;
        }

        var signed = new byte[t.Length + 1 + body.Length];
        Encoding.ASCII.GetBytes(t + ".", signed);
        body.CopyTo(signed, t.Length + 1);
        return CryptographicOperations.FixedTimeEquals(given, HMACSHA256.HashData(_key!, signed));
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    // Sesame's templates put the code as the only run of 6–10 digits ("123456 is your … code. It expires in 3 minutes.").
    [GeneratedRegex(@"(?<![0-9])[0-9]{6,10}(?![0-9])")]
    private static partial Regex CodePattern();
}

/// <summary>
/// Codes read from the development outbox (<c>GET /dev/outbox?to=</c>), for servers without an HTTP provider: the
/// number of messages is read before the request and polled after it until one more has arrived.
/// </summary>
internal sealed class OutboxReader(CognitoClient client, TimeSpan timeout) : ICodeSource
{
    public async Task<Func<CancellationToken, Task<string>>> ExpectAsync(string destination, CancellationToken cancellationToken)
    {
        var before = (await ReadAsync(destination, cancellationToken)).Count;
        return async ct =>
        {
            var deadline = DateTime.UtcNow + timeout;
            while (DateTime.UtcNow < deadline)
            {
                var messages = await ReadAsync(destination, ct);
                if (messages.Count > before)
                {
                    return messages[before]?["code"]?.GetValue<string>() ?? throw new FlowException("the outbox message has no code");
                }

                await Task.Delay(5, ct);
            }

            throw new FlowException($"no code in the dev outbox within {timeout.TotalSeconds:0.#} s");
        };
    }

    private async Task<JsonArray> ReadAsync(string destination, CancellationToken cancellationToken) =>
        JsonNode.Parse(await client.GetStringAsync("/dev/outbox?to=" + Uri.EscapeDataString(destination), cancellationToken))?.AsArray()
        ?? throw new FlowException("the dev outbox answered no list");
}

/// <summary>
/// One code for every message, for a server that has no delivery the generator can observe (cognito-local reads it
/// from its <c>CODE</c> environment variable). Nothing of delivery is measured then.
/// </summary>
internal sealed class FixedCode(string code) : ICodeSource
{
    public Task<Func<CancellationToken, Task<string>>> ExpectAsync(string destination, CancellationToken cancellationToken) =>
        Task.FromResult<Func<CancellationToken, Task<string>>>(_ => Task.FromResult(code));
}

/// <summary>A minimal Kestrel server on one loopback endpoint, without logging.</summary>
internal static class SlimServer
{
    public static WebApplication Create(IPEndPoint listen)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(k =>
        {
            k.Listen(listen);
            k.AddServerHeader = false;
        });
        return builder.Build();
    }

    public static Uri Address(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First()
            .Replace("[::1]", "127.0.0.1", StringComparison.Ordinal) + "/");
}
