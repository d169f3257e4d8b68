using System.Security.Cryptography;
using System.Text;
using Sesame.Delivery;
using Sesame.Storage;

namespace Sesame.Tests.Unit;

public sealed class OutboxTests : IDisposable
{
    private const string PoolId = "us-east-1_SesameDev";
    private const string Phone = "+15551234567";
    private const string Code = "048213";

    private static readonly DateTimeOffset Now = new(2026, 11, 21, 9, 0, 0, TimeSpan.Zero);

    private readonly TestSecrets _secrets = new();
    private readonly Outbox _outbox;

    public OutboxTests()
    {
        _outbox = new Outbox(_secrets.Secrets, new FixedTime(Now));
    }

    public void Dispose()
    {
        _outbox.Dispose();
        _secrets.Dispose();
    }

    [Fact]
    public async Task Notify_DecoysWrittenOrNot_DispatcherToldToSweepOnlyAfterDecoys()
    {
        // At start a previous run may have left decoys behind: sweep once.
        Assert.True(_outbox.TakeDecoys());
        Assert.False(_outbox.TakeDecoys());

        var message = _outbox.Sms(PoolId, Phone, "{####}", Code);
        _outbox.Notify([message]);
        _outbox.Notify();
        Assert.False(_outbox.TakeDecoys());
        Assert.True(await _outbox.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));

        _outbox.Notify([message, message with { Decoy = true }]);
        Assert.True(_outbox.TakeDecoys());
        Assert.False(_outbox.TakeDecoys());
        Assert.True(await _outbox.WaitAsync(TimeSpan.FromSeconds(5), CancellationToken.None));
        // Nothing notified since: the wait times out and says so.
        Assert.False(await _outbox.WaitAsync(TimeSpan.FromMilliseconds(20), CancellationToken.None));
    }

    [Fact]
    public void Fill_Template_ReplacesCodeAppAndMinutes()
    {
        var text = MessageTemplate.Fill("{####} is your {app} sign-in code. It expires in {minutes} minutes.", "012345", "Acme", TimeSpan.FromMinutes(3));

        Assert.Equal("012345 is your Acme sign-in code. It expires in 3 minutes.", text);
    }

    [Fact]
    public void Fill_PlaceholderTwice_ReplacesBoth()
    {
        Assert.Equal("012345 012345", MessageTemplate.Fill("{####} {####}", "012345", "Acme", TimeSpan.FromMinutes(3)));
    }

    [Theory]
    [InlineData(180_000, "3")]
    [InlineData(180_001, "4")]
    [InlineData(90_000, "2")]
    [InlineData(1_000, "1")]
    [InlineData(900_000, "15")]
    public void Fill_Minutes_RoundsUp(int lifetimeMs, string expected)
    {
        Assert.Equal(expected, MessageTemplate.Fill("{minutes}", "0", "a", TimeSpan.FromMilliseconds(lifetimeMs)));
    }

    [Fact]
    public void Fill_TemplateWithoutPlaceholders_IsUnchanged()
    {
        Assert.Equal("Hello {name}", MessageTemplate.Fill("Hello {name}", "012345", "Acme", TimeSpan.FromMinutes(3)));
    }

    [Fact]
    public void Sms_Payload_HidesCodeNumberAndBody()
    {
        var body = MessageTemplate.Fill("{####} is your {app} sign-in code.", Code, "Acme", TimeSpan.FromMinutes(3));

        var message = _outbox.Sms(PoolId, Phone, body, Code);

        Assert.Equal(MessageChannel.Sms, message.Channel);
        Assert.Equal(PoolId, message.PoolId);
        Assert.Equal("+*******4567", message.DestinationHint);
        Assert.Equal(Now, message.CreatedAt);
        AssertAbsent(message.Payload, Code);
        AssertAbsent(message.Payload, Phone);
        AssertAbsent(message.Payload, "5551234567");
        AssertAbsent(message.Payload, "sign-in code");
    }

    [Fact]
    public void Open_SmsPayload_ReturnsNumberBodyAndCode()
    {
        var message = _outbox.Sms(PoolId, Phone, $"{Code} is your code.", Code);

        var payload = _outbox.Open(message.Payload);

        Assert.Equal(Phone, payload.To);
        Assert.Equal($"{Code} is your code.", payload.Body);
        Assert.Equal(Code, payload.Code);
        Assert.Null(payload.Subject);
    }

    [Fact]
    public void Open_EmailPayload_ReturnsAddressSubjectBodyAndCode()
    {
        var message = _outbox.Email(PoolId, "jane@example.com", "Your Acme code", $"Your code is {Code}.", Code);

        var payload = _outbox.Open(message.Payload);

        Assert.Equal(MessageChannel.Email, message.Channel);
        Assert.Equal("j***@e***", message.DestinationHint);
        AssertAbsent(message.Payload, Code);
        AssertAbsent(message.Payload, "jane@example.com");
        Assert.Equal(new MessagePayload("jane@example.com", $"Your code is {Code}.", "Your Acme code", Code), payload);
    }

    [Fact]
    public void Sms_SameMessageTwice_PayloadsDiffer()
    {
        var first = _outbox.Sms(PoolId, Phone, Code, Code);
        var second = _outbox.Sms(PoolId, Phone, Code, Code);

        Assert.NotEqual(first.Payload, second.Payload);
    }

    [Fact]
    public void Open_OnAnotherNodeWithTheSameMasterKey_Succeeds()
    {
        var message = _outbox.Sms(PoolId, Phone, Code, Code);
        using var otherNode = new Outbox(_secrets.Create(_secrets.MasterKey), TimeProvider.System);

        Assert.Equal(Code, otherNode.Open(message.Payload).Code);
    }

    [Fact]
    public void Open_OnAServerWithAnotherMasterKey_Throws()
    {
        var message = _outbox.Sms(PoolId, Phone, Code, Code);
        using var otherServer = new Outbox(_secrets.Create(TestSecrets.NewMasterKey()), TimeProvider.System);

        Assert.ThrowsAny<CryptographicException>(() => otherServer.Open(message.Payload));
    }

    [Fact]
    public void Open_PayloadWithAnyByteChanged_Throws()
    {
        var message = _outbox.Sms(PoolId, Phone, Code, Code);
        var length = message.Payload.Length;

        // Nonce, ciphertext and tag: a flipped bit anywhere is caught, nothing half-decrypted is sent.
        foreach (var index in new[] { 0, 11, 12, length / 2, length - 17, length - 16, length - 1 })
        {
            var tampered = (byte[])message.Payload.Clone();
            tampered[index] ^= 0x01;

            Assert.ThrowsAny<CryptographicException>(() => _outbox.Open(tampered));
        }
    }

    [Fact]
    public void Open_TruncatedPayload_Throws()
    {
        var message = _outbox.Sms(PoolId, Phone, Code, Code);

        Assert.ThrowsAny<CryptographicException>(() => _outbox.Open(message.Payload[..^1]));
    }

    private static void AssertAbsent(byte[] payload, string text)
    {
        Assert.True(payload.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) < 0, $"payload contains '{text}' in the clear");
    }

    private sealed class FixedTime(DateTimeOffset now) : TimeProvider
    {
        public override DateTimeOffset GetUtcNow() => now;
    }
}
