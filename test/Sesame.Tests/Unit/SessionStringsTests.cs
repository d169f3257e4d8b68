using System.Buffers.Text;
using Sesame.SignIn;

namespace Sesame.Tests.Unit;

public sealed class SessionStringsTests : IDisposable
{
    private const string ClientId = "sesamedevclient0000000000";

    private readonly TestSecrets _secrets = new();
    private readonly SessionStrings _sessions;

    public SessionStringsTests()
    {
        _sessions = new SessionStrings(_secrets.Secrets);
    }

    public void Dispose() => _secrets.Dispose();

    [Fact]
    public void Open_SessionOfSameClient_ReturnsTheHashCreateReturned()
    {
        var (session, idHash) = _sessions.Create(ClientId);

        var opened = _sessions.Open(session, ClientId);

        Assert.NotNull(opened);
        Assert.Equal(idHash, opened);
        Assert.Equal(32, idHash.Length);
    }

    [Fact]
    public void Open_OnAnotherNodeWithTheSameMasterKey_ReturnsTheSameHash()
    {
        var (session, idHash) = _sessions.Create(ClientId);
        var otherNode = new SessionStrings(_secrets.Create(_secrets.MasterKey));

        Assert.Equal(idHash, otherNode.Open(session, ClientId));
    }

    [Fact]
    public void Open_OnAServerWithAnotherMasterKey_ReturnsNull()
    {
        var (session, _) = _sessions.Create(ClientId);
        var otherServer = new SessionStrings(_secrets.Create(TestSecrets.NewMasterKey()));

        Assert.Null(otherServer.Open(session, ClientId));
    }

    [Fact]
    public void Create_Session_FitsCognitoSessionConstraintAndIsUrlSafe()
    {
        var (session, _) = _sessions.Create(ClientId);

        Assert.InRange(session.Length, 20, 2048);
        Assert.Matches("^[A-Za-z0-9_.-]+$", session);
        // Not the id hash the server stores, in any encoding it could be carried in: a leaked table row is not a usable
        // session. (Standard Base64 of 32 bytes ends in '=', which a session never holds: it is checked without padding.)
        var idHash = _sessions.Open(session, ClientId)!;
        Assert.All(new[] { Base64Url.EncodeToString(idHash), Convert.ToBase64String(idHash).TrimEnd('='), Convert.ToHexString(idHash), Convert.ToHexStringLower(idHash) },
            encoded => Assert.DoesNotContain(encoded, session, StringComparison.Ordinal));
    }

    [Fact]
    public void Create_TwoSessions_DifferInStringAndHash()
    {
        var (first, firstHash) = _sessions.Create(ClientId);
        var (second, secondHash) = _sessions.Create(ClientId);

        Assert.NotEqual(first, second);
        Assert.NotEqual(firstHash, secondHash);
    }

    [Theory]
    [InlineData("otherclient00000000000000")]
    [InlineData("SESAMEDEVCLIENT0000000000")]
    [InlineData("sesamedevclient000000000")]
    [InlineData("")]
    public void Open_WithAnotherClientId_ReturnsNull(string otherClientId)
    {
        var (session, _) = _sessions.Create(ClientId);

        Assert.Null(_sessions.Open(session, otherClientId));
    }

    [Fact]
    public void Open_AnyOneCharacterChangedInIdOrTag_ReturnsNull()
    {
        var (session, _) = _sessions.Create(ClientId);
        var dot = session.IndexOf('.', StringComparison.Ordinal);

        for (var i = 0; i < session.Length; i++)
        {
            if (i == dot)
            {
                continue;
            }

            foreach (var replacement in new[] { 'A', 'B', 'Q', '-', '_' })
            {
                if (session[i] == replacement)
                {
                    continue;
                }

                var tampered = string.Concat(session.AsSpan(0, i), replacement.ToString(), session.AsSpan(i + 1));
                Assert.True(_sessions.Open(tampered, ClientId) is null, $"accepted with position {i} changed to '{replacement}'");
            }
        }
    }

    [Fact]
    public void Open_IdOfOneSessionWithTagOfAnother_ReturnsNull()
    {
        var (first, _) = _sessions.Create(ClientId);
        var (second, _) = _sessions.Create(ClientId);
        var dot = first.IndexOf('.', StringComparison.Ordinal);

        Assert.Null(_sessions.Open(first[..dot] + second[dot..], ClientId));
    }

    [Fact]
    public void Open_WrongLength_ReturnsNull()
    {
        var (session, _) = _sessions.Create(ClientId);

        Assert.Null(_sessions.Open(session + "A", ClientId));
        Assert.Null(_sessions.Open(session[..^1], ClientId));
        Assert.Null(_sessions.Open(session[..43], ClientId));
        Assert.Null(_sessions.Open(session + session, ClientId));
        Assert.Null(_sessions.Open(session[1..] + "=", ClientId));
    }

    [Theory]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("not a session")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA.AAAAAAAAAAAAAAAAAAAA==")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=.AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA  .AAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!!.!!!!!!!!!!!!!!!!!!!!!!")]
    [InlineData("+++++++++++++++++++++++++++++++++++++++++++.//////////////////////")]
    [InlineData("..................................................................")]
    public void Open_Garbage_ReturnsNull(string session)
    {
        Assert.Null(_sessions.Open(session, ClientId));
    }
}
