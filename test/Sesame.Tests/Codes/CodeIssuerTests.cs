using Sesame.Codes;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Codes;

public sealed class CodeIssuerTests : CodeTests
{
    [Theory]
    [InlineData(CodePurposes.SignUp)]
    [InlineData(CodePurposes.SignIn)]
    public async Task Issue_Purpose_ItsSettings_MacNotCode_MessageCarriesIt(string purpose)
    {
        var (issued, code) = await IssueAsync(Request(Pool, purpose));

        // Sign-in codes follow OneTimeCode, every other code ConfirmationCode.
        var (length, lifetime, cap) = purpose == CodePurposes.SignIn
            ? (Pool.Options.OneTimeCode.Length, Pool.Options.OneTimeCode.Lifetime, Pool.Options.OneTimeCode.MaxAttempts)
            : (Pool.Options.ConfirmationCode.Length, Pool.Options.ConfirmationCode.Lifetime, Pool.Options.ConfirmationCode.MaxAttempts);
        Assert.Matches($"^[0-9]{{{length}}}$", code);
        Assert.Equal(App.Clock.GetUtcNow() + lifetime, issued.Code.ExpiresAt);
        Assert.Equal(cap, issued.Code.MaxAttempts);
        Assert.Equal(0, issued.Code.Attempts);
        Assert.Equal(32, issued.Code.Mac.Length);
        Assert.Equal(new(SesameApp.PoolId, purpose, "ada"), issued.Stored.Key);
        Assert.Equal(UserAttributes.PhoneNumber, issued.Stored.Attribute);
        Assert.Equal(CodeCheck.Match, await Verifier.VerifyTravellingAsync(Answer(Pool, purpose, code), issued.Code, None));
    }

    [Fact]
    public async Task Issue_TwoCodes_DifferentNoncesAndMacs()
    {
        var (first, _) = await IssueAsync(Request(Pool, CodePurposes.SignUp));
        var (second, _) = await IssueAsync(Request(Pool, CodePurposes.SignUp));

        Assert.NotEqual(first.Code.Nonce, second.Code.Nonce);
        Assert.NotEqual(first.Code.Mac, second.Code.Mac);
    }

    [Fact]
    public async Task Issue_Sms_DeliveryMaskedPhone()
    {
        var issued = await Issuer.IssueAsync(Request(Pool, CodePurposes.SignUp, destination: "+15551234567"), None);

        Assert.Equal(new("+*******4567", "SMS", UserAttributes.PhoneNumber), issued.Delivery);
        Assert.Equal(Sesame.Storage.MessageChannel.Sms, issued.Message!.Channel);
    }

    [Fact]
    public async Task Issue_Email_DeliveryMaskedEmail()
    {
        var issued = await Issuer.IssueAsync(
            Request(Pool, CodePurposes.VerifyAttribute(UserAttributes.Email), attribute: UserAttributes.Email, destination: "ada@example.com"), None);

        Assert.Equal(new("a***@e***", "EMAIL", UserAttributes.Email), issued.Delivery);
        Assert.Equal(Sesame.Storage.MessageChannel.Email, issued.Message!.Channel);
    }

    [Fact]
    public async Task Issue_UnknownUser_DecoyMessageOnly_StandInDestinationAsGiven()
    {
        var issued = await Issuer.IssueAsync(Request(Pool, CodePurposes.SignIn, destination: "+*******0042") with { UserExists = false }, None);

        // An unknown login writes one decoy row (the same write a known user's message costs), never a message to send.
        Assert.NotNull(issued.Message);
        Assert.True(issued.Message!.Decoy);
        Assert.Equal("decoy", issued.Message.Status);
        Assert.Equal("+*******0042", issued.Delivery.Destination);
        Assert.Equal("SMS", issued.Delivery.DeliveryMedium);
    }

    [Fact]
    public async Task Issue_SignInToDeclaredTestNumber_FixedCodeNothingSent()
    {
        var issued = await Issuer.IssueAsync(Request(Pool, CodePurposes.SignIn, destination: TestNumber), None);

        Assert.Null(issued.Message);
        Assert.Equal(CodeCheck.Match, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, "111111"), issued.Code, None));
    }

    [Fact]
    public async Task Issue_SignUpAndAttributeCodesOfDeclaredTestNumber_FixedCodeNothingSent()
    {
        // Test numbers cover every code: a sign-up to one confirms with its fixed code, and nothing is ever sent.
        foreach (var purpose in new[] { CodePurposes.SignUp, CodePurposes.VerifyAttribute(UserAttributes.PhoneNumber) })
        {
            var issued = await Issuer.IssueAsync(Request(Pool, purpose, destination: TestNumber), None);

            Assert.Null(issued.Message);
            Assert.Equal(CodeCheck.Match,
                await Verifier.VerifyTravellingAsync(Answer(Pool, purpose, "111111", destination: TestNumber), issued.Code, None));
        }
    }

    [Fact]
    public async Task Send_StoresCodeAndQueuesMessage_ReplacingTheEarlierCode()
    {
        var request = Request(Pool, CodePurposes.SignUp);
        var first = await Issuer.SendAsync(request, None);
        var before = await Store.FindAsync(new(Pool.Id, CodePurposes.SignUp, "ada"), None);
        await Issuer.SendAsync(request, None);
        var after = await Store.FindAsync(new(Pool.Id, CodePurposes.SignUp, "ada"), None);

        Assert.Equal("+*******4567", first.Destination);
        Assert.NotNull(before);
        Assert.NotEqual(before.Code.Nonce, after!.Code.Nonce);
        Assert.NotNull(await App.MessageAsync("+15551234567", 2));
    }
}
