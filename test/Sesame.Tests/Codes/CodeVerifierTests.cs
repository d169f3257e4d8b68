using Sesame.Codes;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.Tests.TestSupport;
using Sesame.Users;

namespace Sesame.Tests.Codes;

public sealed class CodeVerifierTests : CodeTests
{
    [Fact]
    public async Task Verify_RightCode_MatchesOnceThenNoCode()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        var (first, consumed) = await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None);
        var (second, _) = await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None);

        Assert.Equal(CodeCheck.Match, first);
        Assert.Equal(UserAttributes.PhoneNumber, consumed!.Attribute);
        Assert.Equal(CodeCheck.NoCode, second);
    }

    [Fact]
    public async Task Verify_AnswerWithSpaces_Matches()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, $" {code} "), None)).Check);
    }

    [Fact]
    public async Task Verify_WrongCode_MismatchAndCounted_CodeStays()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        var (check, stored) = await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, Wrong(code)), None);

        Assert.Equal(CodeCheck.Mismatch, check);
        Assert.Equal(1, stored!.Code.Attempts);
        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task Verify_JustBeforeExpiry_Matches()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));
        App.Clock.Advance(Pool.Options.ConfirmationCode.Lifetime - TimeSpan.FromMilliseconds(1));

        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task Verify_AtExpiry_ExpiredEvenForTheRightCode()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));
        App.Clock.Advance(Pool.Options.ConfirmationCode.Lifetime);

        Assert.Equal(CodeCheck.Expired, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task Verify_PastTheCap_RightCodeRefused()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));
        var cap = Pool.Options.ConfirmationCode.MaxAttempts;
        for (var i = 0; i < cap; i++)
        {
            Assert.Equal(CodeCheck.Mismatch, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, Wrong(code)), None)).Check);
        }

        Assert.Equal(CodeCheck.TooManyAttempts, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task Verify_CodeReissued_OldCodeNoLongerMatches_NewOneDoes()
    {
        var old = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));
        var fresh = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        var oldCheck = (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, old), None)).Check;

        // Two draws of six digits coincide once in a million; only then may the old code still match.
        Assert.True(old == fresh || oldCheck == CodeCheck.Mismatch);
        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, fresh), None)).Check);
    }

    [Fact]
    public async Task Verify_OtherPurposeOrUser_NoCode()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        Assert.Equal(CodeCheck.NoCode, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.VerifyAttribute(UserAttributes.PhoneNumber), code), None)).Check);
        Assert.Equal(CodeCheck.NoCode, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code, username: "grace"), None)).Check);
        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task Verify_CodeMovedToAnotherPurposePoolOrUser_NeverMatches()
    {
        // The MAC binds purpose, pool and user: even a row copied under another key (or a sealed code replayed elsewhere) is refused.
        var (issued, code) = await IssueAsync(Request(Pool, CodePurposes.SignIn));
        var otherPool = new UserPool("eu-west-1_Other", Pool.Options);

        Assert.Equal(CodeCheck.Match, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code), issued.Code, None));
        Assert.Equal(CodeCheck.Mismatch, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignUp, code), issued.Code, None));
        Assert.Equal(CodeCheck.Mismatch, await Verifier.VerifyTravellingAsync(Answer(otherPool, CodePurposes.SignIn, code), issued.Code, None));
        Assert.Equal(CodeCheck.Mismatch, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code, username: "grace"), issued.Code, None));

        var moved = issued.Stored with { Key = new OneTimeCodeKey(Pool.Id, CodePurposes.SignUp, "grace") };
        await Store.SaveAsync(moved, null, None);
        Assert.Equal(CodeCheck.Mismatch, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code, username: "grace"), None)).Check);
    }

    [Fact]
    public async Task Verify_AttributeCode_BoundToDestinationAndSub()
    {
        var purpose = CodePurposes.VerifyAttribute(UserAttributes.Email);
        var code = await StoredCodeAsync(Request(Pool, purpose, attribute: UserAttributes.Email, destination: "old@example.com"));

        // The email changed since the code was sent, or the username now belongs to someone else: the code proves nothing.
        Assert.Equal(CodeCheck.Mismatch, (await Verifier.VerifyAsync(Answer(Pool, purpose, code, destination: "new@example.com"), None)).Check);
        Assert.Equal(CodeCheck.Mismatch, (await Verifier.VerifyAsync(Answer(Pool, purpose, code, sub: "sub-later", destination: "old@example.com"), None)).Check);
        Assert.Equal(CodeCheck.Match, (await Verifier.VerifyAsync(Answer(Pool, purpose, code, destination: "old@example.com"), None)).Check);
    }

    [Fact]
    public async Task Verify_AttributeCodeForPendingValue_BoundToThePendingValue()
    {
        var purpose = CodePurposes.VerifyAttribute(UserAttributes.Email);
        var request = Request(Pool, purpose, attribute: UserAttributes.Email, destination: "new@example.com") with { PendingValue = "new@example.com" };
        var code = await StoredCodeAsync(request);

        // The user's current value is still the old one; the code was sent to, and proves, the pending one.
        var (check, consumed) = await Verifier.VerifyAsync(Answer(Pool, purpose, code, destination: "old@example.com"), None);

        Assert.Equal(CodeCheck.Match, check);
        Assert.Equal("new@example.com", consumed!.PendingValue);
    }

    [Fact]
    public async Task Verify_32ConcurrentRightAnswers_ExactlyOneMatch()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));

        var checks = await Concurrently.RunAsync(32, () => Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None));

        Assert.Equal(1, checks.Count(c => c.Check == CodeCheck.Match));
        // The others were counted against the code, so past the cap they are refused as such; none matched.
        Assert.All(checks.Where(c => c.Check != CodeCheck.Match), c => Assert.Contains(c.Check, new[] { CodeCheck.NoCode, CodeCheck.TooManyAttempts }));
    }

    [Fact]
    public async Task Verify_32ConcurrentWrongAnswers_NoMoreThanTheCapCompared()
    {
        var code = await StoredCodeAsync(Request(Pool, CodePurposes.SignUp));
        var cap = Pool.Options.ConfirmationCode.MaxAttempts;

        var checks = await Concurrently.RunAsync(32, () => Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, Wrong(code)), None));

        Assert.Equal(cap, checks.Count(c => c.Check == CodeCheck.Mismatch));
        Assert.Equal(32 - cap, checks.Count(c => c.Check == CodeCheck.TooManyAttempts));
        Assert.Equal(Enumerable.Range(1, 32), checks.Select(c => c.Code!.Code.Attempts).Order());
        Assert.Equal(CodeCheck.TooManyAttempts, (await Verifier.VerifyAsync(Answer(Pool, CodePurposes.SignUp, code), None)).Check);
    }

    [Fact]
    public async Task VerifyTravelling_CountedPastTheCap_RightCodeRefused()
    {
        var (issued, code) = await IssueAsync(Request(Pool, CodePurposes.SignIn));
        var cap = Pool.Options.OneTimeCode.MaxAttempts;

        Assert.Equal(CodeCheck.Match, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code), issued.Code with { Attempts = cap }, None));
        Assert.Equal(CodeCheck.TooManyAttempts, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code), issued.Code with { Attempts = cap + 1 }, None));
        Assert.Equal(CodeCheck.NoCode, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code), null, None));
    }

    [Fact]
    public async Task VerifyTravelling_AfterTheSignInCodesLifetime_Expired()
    {
        var (issued, code) = await IssueAsync(Request(Pool, CodePurposes.SignIn));
        App.Clock.Advance(Pool.Options.OneTimeCode.Lifetime);

        Assert.Equal(CodeCheck.Expired, await Verifier.VerifyTravellingAsync(Answer(Pool, CodePurposes.SignIn, code), issued.Code, None));
    }
}
