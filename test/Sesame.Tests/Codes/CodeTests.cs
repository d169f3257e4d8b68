using Microsoft.Extensions.DependencyInjection;
using Sesame.Codes;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Codes;

/// <summary>The issuer and verifier as the server wires them: the real app, its SQLite file, its composer, a hand-moved clock.</summary>
public abstract class CodeTests : IDisposable
{
    private protected const string TestNumber = "+15550000001";

    private protected CodeTests()
    {
        App = new SesameApp(new() { [$"Sesame:UserPools:{SesameApp.PoolId}:OneTimeCode:TestNumbers:{TestNumber}"] = "111111" });
        Pool = App.Services.GetRequiredService<UserPools>().FindPool(SesameApp.PoolId)!;
        Issuer = App.Services.GetRequiredService<CodeIssuer>();
        Verifier = App.Services.GetRequiredService<CodeVerifier>();
        Store = App.Services.GetRequiredService<IOneTimeCodeStore>();
    }

    private protected SesameApp App { get; }

    private protected UserPool Pool { get; }

    private protected CodeIssuer Issuer { get; }

    private protected CodeVerifier Verifier { get; }

    private protected IOneTimeCodeStore Store { get; }

    private protected static CancellationToken None => CancellationToken.None;

    public void Dispose()
    {
        App.Dispose();
        GC.SuppressFinalize(this);
    }

    private protected static CodeRequest Request(
        UserPool pool, string purpose, string username = "ada", string sub = "sub-ada", string attribute = UserAttributes.PhoneNumber,
        string destination = "+15551234567") =>
        new(pool, purpose, purpose == CodePurposes.SignIn ? MessagePurpose.SignIn : MessagePurpose.SignUp, username, sub, attribute, destination,
            new Dictionary<string, string> { [attribute] = destination }, SesameApp.ClientId);

    /// <summary>Issues a code and returns it with the plain code its message carries (what the user receives).</summary>
    private protected async Task<(IssuedCode Issued, string Code)> IssueAsync(CodeRequest request)
    {
        var issued = await Issuer.IssueAsync(request, None);
        var code = App.Services.GetRequiredService<Outbox>().Open(issued.Message!.Payload).Code!;
        return (issued, code);
    }

    /// <summary>Issues and stores a code, as SignUp and GetUserAttributeVerificationCode do.</summary>
    private protected async Task<string> StoredCodeAsync(CodeRequest request)
    {
        var (issued, code) = await IssueAsync(request);
        await Store.SaveAsync(issued.Stored, issued.Message, None);
        return code;
    }

    private protected static CodeAnswer Answer(
        UserPool pool, string purpose, string answer, string username = "ada", string sub = "sub-ada", string? destination = "+15551234567") =>
        new(pool, purpose, username, sub, destination, answer);

    /// <summary>A code of the same length that is not <paramref name="code"/>.</summary>
    private protected static string Wrong(string code) => code[..^1] + (code[^1] == '0' ? '1' : '0');
}
