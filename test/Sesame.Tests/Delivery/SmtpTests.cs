using System.Net;
using System.Net.Sockets;
using System.Text;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Delivery.Smtp;

namespace Sesame.Tests.Delivery;

/// <summary>
/// SMTP against a minimal SMTP server on loopback (the conformance suite sends into maildev and reads the message back).
/// </summary>
public sealed class SmtpTests
{
    [Fact]
    public async Task Smtp_StartTlsRequiredButNotOffered_RefusesToSendInTheClear()
    {
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@sesame.test", UserName = "u", Password = "p" });

        var error = await Assert.ThrowsAsync<DeliveryException>(async () =>
            await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456."), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        var dialogue = string.Join("\n", server.Lines);
        Assert.StartsWith("EHLO", server.Lines[0], StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", dialogue);
        Assert.DoesNotContain("MAIL FROM", dialogue);
        Assert.DoesNotContain("123456", dialogue);
    }

    [Fact]
    public async Task Smtp_PlainRelay_SendsTextAndHtmlParts()
    {
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "Acme <no-reply@acme.test>", StartTls = false });

        var receipt = await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456.", "<p>Your code is <b>123456</b>.</p>"), default);

        Assert.Equal("relay", receipt.Provider);
        Assert.Matches("^<[0-9a-f]{32}@acme.test>$", receipt.MessageId);
        var dialogue = string.Join("\n", server.Lines);
        Assert.Contains("MAIL FROM:<no-reply@acme.test>", dialogue);
        Assert.Contains("RCPT TO:<jane@example.com>", dialogue);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", dialogue);
        Assert.Contains("Content-Type: text/html; charset=utf-8", dialogue);
        Assert.Contains("Message-ID: " + receipt.MessageId, dialogue);
    }

    [Fact]
    public async Task Smtp_MailboxUnavailable_IsPermanent()
    {
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false, rcptReply: "550 5.1.1 No such user");
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", StartTls = false });

        var error = await Assert.ThrowsAsync<DeliveryException>(async () =>
            await sender.SendAsync(new EmailMessage("nobody@example.com", "s", "t"), default));

        Assert.Equal(DeliveryFailure.Permanent, error.Failure);
    }

    [Fact]
    public async Task Smtp_ServerDown_IsTransient()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = port, From = "no-reply@acme.test" });

        var error = await Assert.ThrowsAsync<DeliveryException>(async () =>
            await sender.SendAsync(new EmailMessage("jane@example.com", "s", "t"), default));

        Assert.Equal(DeliveryFailure.Transient, error.Failure);
    }

    /// <summary>Just enough SMTP (RFC 5321) to accept one message and record the dialogue.</summary>
    private sealed class FakeSmtp : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _loop;

        private FakeSmtp(TcpListener listener, bool offerStartTls, string rcptReply)
        {
            _listener = listener;
            _loop = Task.Run(() => ServeAsync(offerStartTls, rcptReply));
        }

        public List<string> Lines { get; } = [];

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<FakeSmtp> StartAsync(bool offerStartTls, string rcptReply = "250 OK")
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new FakeSmtp(listener, offerStartTls, rcptReply));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task ServeAsync(bool offerStartTls, string rcptReply)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                using var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII);
                using var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 fake.smtp ESMTP");
                var inData = false;
                while (await reader.ReadLineAsync() is { } line)
                {
                    lock (Lines)
                    {
                        Lines.Add(line);
                    }

                    if (inData)
                    {
                        if (line == ".")
                        {
                            inData = false;
                            await writer.WriteLineAsync("250 OK queued");
                        }

                        continue;
                    }

                    var verb = line.Split(' ', ':')[0].ToUpperInvariant();
                    await writer.WriteLineAsync(verb switch
                    {
                        "EHLO" => offerStartTls ? "250-fake.smtp\r\n250-STARTTLS\r\n250 8BITMIME" : "250-fake.smtp\r\n250 8BITMIME",
                        "RCPT" => rcptReply,
                        "DATA" => "354 Go ahead",
                        "QUIT" => "221 Bye",
                        _ => "250 OK",
                    });
                    inData = verb == "DATA";
                    if (verb == "QUIT")
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
            {
                // The client hung up, or the test is over.
            }
        }
    }
}
