using System.Numerics;
using System.Security.Cryptography;
using System.Text;
using Sesame.Abuse;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.SignIn.Passwords;

/// <summary>What a session remembers of a <c>PASSWORD_VERIFIER</c> challenge between the two steps.</summary>
internal sealed class SrpChallengeState
{
    /// <summary>The <c>USER_ID_FOR_SRP</c> the challenge was made for: the canonical username, or a stand-in.</summary>
    public string UserIdForSrp { get; set; } = string.Empty;

    /// <summary>The <c>SECRET_BLOCK</c> sent with the challenge (base64); the answer must return it unchanged.</summary>
    public string SecretBlock { get; set; } = string.Empty;

    /// <summary>The 16-byte key the client must prove it derived (base64). Only good for this one session.</summary>
    public string Key { get; set; } = string.Empty;

    /// <summary>False for an unknown user or one without a password: no answer can be right.</summary>
    public bool CanSucceed { get; set; }
}

/// <summary>
/// Makes and checks SRP <c>PASSWORD_VERIFIER</c> challenges, for <c>USER_SRP_AUTH</c>, for <c>CUSTOM_AUTH</c> when
/// DefineAuthChallenge asks for <c>PASSWORD_VERIFIER</c> after <c>SRP_A</c>, and later for USER_AUTH's
/// <c>PASSWORD_SRP</c>. Unknown users and users without a password get a stable stand-in salt and verifier derived
/// from a server secret, so their challenge looks like anyone else's and comes back the same on every try.
/// </summary>
internal sealed class SrpChallenges(IPasswordStore store, ServerSecrets secrets, PasswordLockout lockout, TimeProvider time, AttemptLimits attempts, HashingSlots hashing)
{
    /// <summary>How far a client's <c>TIMESTAMP</c> may be from the server's clock (device clocks drift).</summary>
    public static readonly TimeSpan TimestampSkew = TimeSpan.FromMinutes(5);

    /// <summary>Builds a challenge for <paramref name="userIdForSrp"/> (<paramref name="user"/> null when unknown).</summary>
    /// <param name="clientA">The client's <c>SRP_A</c>, checked with <see cref="ParseA"/>.</param>
    public async ValueTask<(Dictionary<string, string> Parameters, SrpChallengeState State)> CreateAsync(
        UserPool pool, User? user, string userIdForSrp, BigInteger clientA, CancellationToken cancellationToken)
    {
        // The exponentiations below are the costly part of SRP: the attempt is counted before them, and they run in a slot.
        var poolId = pool.Id;
        await attempts.CheckAsync(pool, user?.Username ?? userIdForSrp, cancellationToken);
        // One read either way, so an unknown user costs what a known one does (the stand-in name matches no row).
        var stored = await store.FindVerifierAsync(poolId, Logins.UsernameKey(user?.Username ?? userIdForSrp), cancellationToken);
        if (user is null)
        {
            stored = null;
        }

        var (salt, verifier) = stored is null
            ? StandIn(poolId, userIdForSrp)
            : (new BigInteger(stored.Salt, isUnsigned: true, isBigEndian: true), new BigInteger(stored.Verifier, isUnsigned: true, isBigEndian: true));

        var (key, serverB) = await hashing.RunAsync(() => ValueTask.FromResult(Exchange(clientA, verifier)), cancellationToken);

        var secretBlock = Convert.ToBase64String(RandomNumberGenerator.GetBytes(64));
        var parameters = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["SALT"] = Srp.ToHex(salt),
            ["SECRET_BLOCK"] = secretBlock,
            ["SRP_B"] = Srp.ToHex(serverB),
            ["USERNAME"] = userIdForSrp,
            ["USER_ID_FOR_SRP"] = userIdForSrp,
        };
        var state = new SrpChallengeState
        {
            UserIdForSrp = userIdForSrp,
            SecretBlock = secretBlock,
            Key = Convert.ToBase64String(key),
            CanSucceed = stored is not null,
        };
        return (parameters, state);
    }

    /// <summary>
    /// CUSTOM_AUTH started with <c>SRP_A</c> and DefineAuthChallenge answered <c>PASSWORD_VERIFIER</c>: makes the challenge
    /// and records it in the session's history (result false until answered), so that after the answer Define sees
    /// <c>[SRP_A true, PASSWORD_VERIFIER true|false]</c>. The caller saves the session and returns the parameters.
    /// </summary>
    public async ValueTask<Dictionary<string, string>> AddToSessionAsync(
        UserPool pool, User? user, SignInSessionState state, string srpA, CancellationToken cancellationToken)
    {
        var clientA = ParseA(srpA)
            ?? throw CognitoErrors.Error(CognitoErrors.InvalidParameter, "SRP_A is not a valid SRP public value.");
        var (parameters, challenge) = await CreateAsync(pool, user, state.Username, clientA, cancellationToken);
        state.Srp = challenge;
        state.ChallengeName = ChallengeNames.PasswordVerifier;
        state.PrivateParameters = [];
        state.History.Add(new Triggers.ChallengeResult { ChallengeName = ChallengeNames.PasswordVerifier, Result = false, ChallengeMetadata = null });
        return parameters;
    }

    /// <summary>
    /// Checks a <c>PASSWORD_VERIFIER</c> answer (<c>PASSWORD_CLAIM_SECRET_BLOCK</c>, <c>TIMESTAMP</c>,
    /// <c>PASSWORD_CLAIM_SIGNATURE</c>). Counts the attempt against the lockout first, and throws
    /// <c>Password attempts exceeded</c> while locked; a right answer lifts the count.
    /// </summary>
    public async ValueTask<bool> VerifyAsync(UserPool pool, SrpChallengeState state, IReadOnlyDictionary<string, string> responses,
        CancellationToken cancellationToken)
    {
        var block = responses.GetValueOrDefault("PASSWORD_CLAIM_SECRET_BLOCK") ?? string.Empty;
        var timestamp = responses.GetValueOrDefault("TIMESTAMP") ?? string.Empty;
        var signature = responses.GetValueOrDefault("PASSWORD_CLAIM_SIGNATURE") ?? string.Empty;

        // The secret block binds the answer to this challenge; the timestamp must be now, give or take clock drift.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(block), Encoding.UTF8.GetBytes(state.SecretBlock))
            || Srp.ParseTimestamp(timestamp) is not { } sent
            || (sent - time.GetUtcNow()).Duration() > TimestampSkew)
        {
            return false;
        }

        await lockout.CountAsync(pool, state.UserIdForSrp, cancellationToken);
        var expected = Srp.Signature(Convert.FromBase64String(state.Key), Srp.PoolName(pool.Id), state.UserIdForSrp,
            Convert.FromBase64String(state.SecretBlock), timestamp);
        var matches = CryptographicOperations.FixedTimeEquals(expected, DecodeBase64(signature)) & state.CanSucceed;
        if (matches)
        {
            await lockout.ResetAsync(pool, state.UserIdForSrp, cancellationToken);
        }

        return matches;
    }

    private static (byte[] Key, BigInteger ServerB) Exchange(BigInteger clientA, BigInteger verifier)
    {
        while (true)
        {
            var (b, serverB) = Srp.NewEphemeral(verifier);
            // Null only when u = H(A|B) is zero, which SHA-256 will not give.
            if (Srp.ServerKey(clientA, serverB, verifier, b) is { } key)
            {
                return (key, serverB);
            }
        }
    }

    /// <summary>The client's <c>SRP_A</c>, or null when it is not hex or is 0 mod N (which would make the key known).</summary>
    public static BigInteger? ParseA(string srpA) =>
        Srp.ParseHex(srpA) is { } a && !(a % Srp.N).IsZero ? a : null;

    // A salt and a verifier-shaped value that depend only on the name and a server secret: stable across tries, so a
    // missing user cannot be told apart by a changing SALT, and no password can ever match (CanSucceed is false).
    private (BigInteger Salt, BigInteger Verifier) StandIn(string poolId, string userIdForSrp)
    {
        var seed = Encoding.UTF8.GetBytes($"srp\n{poolId}\n{Logins.UsernameKey(userIdForSrp)}");
        byte[] saltInput = [.. "salt\n"u8, .. seed];
        byte[] verifierInput = [.. "verifier\n"u8, .. seed];
        var salt = HMACSHA256.HashData(secrets.PseudonymKey, saltInput)[..16];
        var verifierBytes = HKDF.Expand(HashAlgorithmName.SHA256, HMACSHA256.HashData(secrets.PseudonymKey, verifierInput), 400);
        return (new BigInteger(salt, isUnsigned: true, isBigEndian: true),
            new BigInteger(verifierBytes, isUnsigned: true, isBigEndian: true) % Srp.N);
    }

    private static byte[] DecodeBase64(string value)
    {
        try
        {
            return Convert.FromBase64String(value);
        }
        catch (FormatException)
        {
            return [];
        }
    }
}
