using System.Text.Json.Nodes;

namespace Sesame.Tests.TestSupport;

/// <summary>Calls the account tests share: Admin* operations signed as the AWS SDKs sign them, and token shortcuts.</summary>
internal static class AccountTestCalls
{

    public static string Access(this JsonNode tokens) => tokens["AccessToken"]!.GetValue<string>();

    public static string Refresh(this JsonNode tokens) => tokens["RefreshToken"]!.GetValue<string>();

    public static Task<CognitoResponse> GetUserAsync(this SesameApp app, string accessToken) =>
        app.CallAsync("GetUser", new { AccessToken = accessToken });

    public static Task<CognitoResponse> GetTokensAsync(this SesameApp app, string refreshToken, string clientId = SesameApp.ClientId) =>
        app.CallAsync("GetTokensFromRefreshToken", new { ClientId = clientId, RefreshToken = refreshToken });

    public static Dictionary<string, string> Attributes(this CognitoResponse getUser) =>
        getUser.Json["UserAttributes"]!.AsArray().ToDictionary(a => a!["Name"]!.GetValue<string>(), a => a!["Value"]!.GetValue<string>());

    /// <summary>The username the tokens name (the internal UUID for phone/email sign-ups).</summary>
    public static string Username(this JsonNode tokens)
    {
        var payload = tokens.Access().Split('.')[1];
        return JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(payload))!["username"]!.GetValue<string>();
    }


}
