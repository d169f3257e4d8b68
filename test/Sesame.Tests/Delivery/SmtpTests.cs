using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
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
        var dialogue = string.Join("\n", server.Lines.Select(l => l.Line));
        Assert.StartsWith("EHLO", server.Lines[0].Line, StringComparison.Ordinal);
        Assert.DoesNotContain("AUTH", dialogue);
        Assert.DoesNotContain("MAIL FROM", dialogue);
        Assert.DoesNotContain("123456", dialogue);
    }

    [Fact]
    public async Task Smtp_PlainRelay_SendsTextAndHtmlParts()
    {
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "Acme <no-reply@acme.test>", Security = SmtpSecurity.None });

        var receipt = await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456.", "<p>Your code is <b>123456</b>.</p>"), default);

        Assert.Equal("relay", receipt.Provider);
        Assert.Matches("^<[0-9a-f]{32}@acme.test>$", receipt.MessageId);
        var dialogue = string.Join("\n", server.Lines.Select(l => l.Line));
        Assert.Contains("MAIL FROM:<no-reply@acme.test>", dialogue);
        Assert.Contains("RCPT TO:<jane@example.com>", dialogue);
        Assert.Contains("Content-Type: text/plain; charset=utf-8", dialogue);
        Assert.Contains("Content-Type: text/html; charset=utf-8", dialogue);
        Assert.Contains("Message-Id: " + receipt.MessageId, dialogue);
    }

    [Fact]
    public async Task Smtp_MailboxUnavailable_IsPermanent()
    {
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false, rcptReply: "550 5.1.1 No such user");
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions { Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", Security = SmtpSecurity.None });

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

    [Fact]
    public async Task Smtp_StartTlsWithPinnedCertificate_AuthenticatesAndSendsOnlyAfterTls()
    {
        using var certificate = TestCertificate();
        await using var server = await FakeSmtp.StartAsync(offerStartTls: true, certificate: certificate);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions
        {
            Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", UserName = "u", Password = "p",
            CertificateSha256 = certificate.GetCertHashString(HashAlgorithmName.SHA256),
        });

        await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456."), default);

        var clear = server.Lines.TakeWhile(l => l.Line != "STARTTLS").ToList();
        Assert.All(clear, l => Assert.False(l.Secure));
        Assert.DoesNotContain(clear, l => l.Line.StartsWith("AUTH", StringComparison.Ordinal) || l.Line.StartsWith("MAIL", StringComparison.Ordinal));
        Assert.Contains(server.Lines, l => l.Secure && l.Line.StartsWith("AUTH PLAIN", StringComparison.Ordinal));
        Assert.Contains(server.Lines, l => l.Secure && l.Line.Contains("123456", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Smtp_ImplicitTlsWithPinnedCertificate_SendsEverythingOverTls()
    {
        using var certificate = TestCertificate();
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false, certificate: certificate, implicitTls: true);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions
        {
            Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", Security = SmtpSecurity.SslOnConnect,
            CertificateSha256 = string.Join(':', certificate.GetCertHash(HashAlgorithmName.SHA256).Select(b => b.ToString("x2", CultureInfo.InvariantCulture))),
        });

        var receipt = await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456."), default);

        Assert.Equal("relay", receipt.Provider);
        Assert.StartsWith("EHLO", server.Lines[0].Line, StringComparison.Ordinal);
        Assert.All(server.Lines, l => Assert.True(l.Secure, l.Line));
        Assert.Contains(server.Lines, l => l.Line == "RCPT TO:<jane@example.com>");
        Assert.Contains(server.Lines, l => l.Line.Contains("123456", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Smtp_ImplicitTlsSelfSignedCertificateNotPinned_RefusedBeforeAnyCommand()
    {
        using var certificate = TestCertificate();
        await using var server = await FakeSmtp.StartAsync(offerStartTls: false, certificate: certificate, implicitTls: true);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions
        {
            Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", Security = SmtpSecurity.SslOnConnect,
        });

        var error = await Assert.ThrowsAsync<DeliveryException>(async () =>
            await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456."), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        Assert.Empty(server.Lines);
    }

    [Fact]
    public async Task Smtp_StartTlsCertificateNotTheOnePinned_RefusedBeforeAuth()
    {
        using var certificate = TestCertificate();
        using var other = TestCertificate();
        await using var server = await FakeSmtp.StartAsync(offerStartTls: true, certificate: certificate);
        var sender = new SmtpEmailSender("relay", new DeliveryProviderOptions
        {
            Type = "Smtp", Host = "127.0.0.1", Port = server.Port, From = "no-reply@acme.test", UserName = "u", Password = "p",
            CertificateSha256 = other.GetCertHashString(HashAlgorithmName.SHA256),
        });

        var error = await Assert.ThrowsAsync<DeliveryException>(async () =>
            await sender.SendAsync(new EmailMessage("jane@example.com", "Your code", "Your code is 123456."), default));

        Assert.Equal(DeliveryFailure.Provider, error.Failure);
        Assert.Equal("STARTTLS", server.Lines[^1].Line);
        Assert.DoesNotContain(server.Lines, l => l.Line.StartsWith("AUTH", StringComparison.Ordinal));
    }

    /// <summary>A self-signed certificate for 127.0.0.1, which no trust store holds: only a pin makes it acceptable.</summary>
    private static X509Certificate2 TestCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=127.0.0.1", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        using var created = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so that the private key is usable by SslStream on every platform.
        return X509CertificateLoader.LoadPkcs12(created.Export(X509ContentType.Pfx), null);
    }

    /// <summary>Just enough SMTP (RFC 5321, STARTTLS of RFC 3207, implicit TLS) to accept one message and record the dialogue.</summary>
    private sealed class FakeSmtp : IAsyncDisposable
    {
        private readonly TcpListener _listener;
        private readonly Task _loop;
        private readonly List<(string Line, bool Secure)> _lines = [];

        private FakeSmtp(TcpListener listener, bool offerStartTls, string rcptReply, X509Certificate2? certificate, bool implicitTls)
        {
            _listener = listener;
            _loop = Task.Run(() => ServeAsync(offerStartTls, rcptReply, certificate, implicitTls));
        }

        /// <summary>What the client sent, and whether it arrived over TLS.</summary>
        public IReadOnlyList<(string Line, bool Secure)> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        public static Task<FakeSmtp> StartAsync(bool offerStartTls, string rcptReply = "250 OK", X509Certificate2? certificate = null, bool implicitTls = false)
        {
            var listener = new TcpListener(IPAddress.Loopback, 0);
            listener.Start();
            return Task.FromResult(new FakeSmtp(listener, offerStartTls, rcptReply, certificate, implicitTls));
        }

        public async ValueTask DisposeAsync()
        {
            _listener.Stop();
            await _loop.WaitAsync(TimeSpan.FromSeconds(5)).ContinueWith(_ => { }, TaskScheduler.Default);
        }

        private async Task ServeAsync(bool offerStartTls, string rcptReply, X509Certificate2? certificate, bool implicitTls)
        {
            try
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Stream stream = client.GetStream();
                if (implicitTls)
                {
                    stream = await SecureAsync(stream, certificate!);
                }

                var reader = new StreamReader(stream, Encoding.ASCII);
                var writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                await writer.WriteLineAsync("220 fake.smtp ESMTP");
                var inData = false;
                while (await reader.ReadLineAsync() is { } line)
                {
                    lock (_lines)
                    {
                        _lines.Add((line, stream is SslStream));
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
                    var startTls = offerStartTls && stream is not SslStream;
                    await writer.WriteLineAsync(verb switch
                    {
                        "EHLO" => "250-fake.smtp\r\n" + (startTls ? "250-STARTTLS\r\n" : "") + "250-AUTH PLAIN\r\n250 8BITMIME",
                        "STARTTLS" => startTls ? "220 Ready to start TLS" : "502 Not offered",
                        "AUTH" => "235 Authenticated",
                        "RCPT" => rcptReply,
                        "DATA" => "354 Go ahead",
                        "QUIT" => "221 Bye",
                        _ => "250 OK",
                    });
                    inData = verb == "DATA";
                    if (verb == "STARTTLS" && startTls)
                    {
                        // RFC 3207 §4.2: everything learnt before TLS is forgotten; the client says EHLO again.
                        stream = await SecureAsync(stream, certificate!);
                        reader = new StreamReader(stream, Encoding.ASCII);
                        writer = new StreamWriter(stream, Encoding.ASCII) { NewLine = "\r\n", AutoFlush = true };
                    }

                    if (verb == "QUIT")
                    {
                        break;
                    }
                }
            }
            catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException or AuthenticationException)
            {
                // The client hung up (or refused our certificate), or the test is over.
            }
        }

        private static async Task<SslStream> SecureAsync(Stream stream, X509Certificate2 certificate)
        {
            var tls = new SslStream(stream);
            await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = certificate });
            return tls;
        }
    }
}
