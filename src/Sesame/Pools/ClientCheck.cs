using System.Security.Cryptography;
using System.Text;
using Sesame.Cognito;

namespace Sesame.Pools;

/// <summary>App-client checks shared by the public operations.</summary>
internal static class ClientCheck
{
    public static AppClient Find(UserPools pools, string? clientId)
    {
        var id = Validate.ClientId(clientId);
        return pools.FindClient(id) ?? throw CognitoErrors.ClientNotFound(id);
    }

    /// <summary>
    /// Clients with a secret must prove it: <c>SECRET_HASH = Base64(HMAC-SHA256(secret, username + clientId))</c>
    /// (Cognito developer guide, "Computing secret hash values").
    /// </summary>
    public static void SecretHash(AppClient client, string username, string? secretHash)
    {
        if (client.Options.Secret is not { } secret)
        {
            return;
        }

        var expected = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes(username + client.ClientId));
        byte[] given;
        try
        {
            given = Convert.FromBase64String(secretHash ?? string.Empty);
        }
        catch (FormatException)
        {
            given = [];
        }

        if (!CryptographicOperations.FixedTimeEquals(expected, given))
        {
            throw CognitoErrors.Error(CognitoErrors.NotAuthorized, $"Unable to verify secret hash for client {client.ClientId}");
        }
    }
}
