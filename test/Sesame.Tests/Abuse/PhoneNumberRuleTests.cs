using PhoneNumbers;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Abuse;

/// <summary>
/// What a pool refuses to text before any code is drawn (Codes/CodeIssuer → Abuse/SendLimits): number types that bill
/// the sender, countries outside the allow-list, invalid numbers when the pool asks for valid ones, and prefixes that
/// show the pumping signature (sends never followed by a verification). On the manual clock.
/// </summary>
public sealed class PhoneNumberRuleTests
{
    private const string Limits = "Sesame:UserPools:us-east-1_SesameDev:Limits";

    // libphonenumber's own example numbers for Great Britain and the US, so the tests follow its metadata.
    private static readonly string GbPremiumRate = Example("GB", PhoneNumberType.PREMIUM_RATE);
    private static readonly string SharedCost = new[] { "GB", "FR", "BE", "ES", "IT", "CH", "AT", "PL" }
        .Where(r => PhoneNumberUtil.GetInstance().GetExampleNumberForType(r, PhoneNumberType.SHARED_COST) is not null)
        .Select(r => Example(r, PhoneNumberType.SHARED_COST)).First();
    private static readonly string GbFixedLine = Example("GB", PhoneNumberType.FIXED_LINE);
    private static readonly string GbMobile = Example("GB", PhoneNumberType.MOBILE);
    private static readonly string UsNumber = Example("US", PhoneNumberType.FIXED_LINE);

    private static string Example(string region, PhoneNumberType type) =>
        PhoneNumberUtil.GetInstance().Format(PhoneNumberUtil.GetInstance().GetExampleNumberForType(region, type), PhoneNumberFormat.E164);

    private static SesameApp App(params (string Key, string Value)[] settings)
    {
        var all = new Dictionary<string, string?> { [$"{Limits}:DestinationInterval"] = "00:01:00" };
        foreach (var (key, value) in settings)
        {
            all[key] = value;
        }

        return new SesameApp(all);
    }

    private static Task<CognitoResponse> SignUpAsync(SesameApp app, string phone) =>
        app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone });

    private static async Task AssertRefusedAsync(SesameApp app, string phone, string type)
    {
        var before = await app.QueuedMessagesAsync(phone);
        var response = await SignUpAsync(app, phone);
        Assert.Equal(400, response.Status);
        Assert.Contains(type, response.Body, StringComparison.Ordinal);
        Assert.Equal(before, await app.QueuedMessagesAsync(phone));
        // Nothing half-written: the number is not taken by a user that was never sent a code.
        Assert.Contains("UserNotFoundException\"", (await app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Classifier_ExampleNumbers_HaveTheKindsTheTestsAssume()
    {
        Assert.Equal(Sesame.Users.PhoneNumberKind.PremiumRate, Sesame.Users.PhoneNumberClassifier.Classify(GbPremiumRate)!.Kind);
        Assert.Equal(Sesame.Users.PhoneNumberKind.SharedCost, Sesame.Users.PhoneNumberClassifier.Classify(SharedCost)!.Kind);
        Assert.Equal(Sesame.Users.PhoneNumberKind.FixedLine, Sesame.Users.PhoneNumberClassifier.Classify(GbFixedLine)!.Kind);
        Assert.Equal(Sesame.Users.PhoneNumberKind.Mobile, Sesame.Users.PhoneNumberClassifier.Classify(GbMobile)!.Kind);
        Assert.True(Sesame.Users.PhoneNumberClassifier.Classify(UsNumber)!.IsValid);
        Assert.False(Sesame.Users.PhoneNumberClassifier.Classify("+15551234567")!.IsValid);
    }

    [Fact]
    public async Task SignUp_PremiumRateAndSharedCostNumbers_RefusedByDefaultNothingSent()
    {
        using var app = App();

        await AssertRefusedAsync(app, GbPremiumRate, "InvalidParameterException");
        await AssertRefusedAsync(app, SharedCost, "InvalidParameterException");
        (await SignUpAsync(app, GbMobile)).AssertOk();
        Assert.Contains("sesame_limits_sends_total{outcome=\"refused\",reason=\"number_kind\"} 2",
            await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_OperatorRefusesFixedLine_FixedLineRefusedMobileSent()
    {
        using var app = App(($"{Limits}:RefusedNumberKinds:0", "FixedLine"), ($"{Limits}:RefusedNumberKinds:1", "PremiumRate"));

        await AssertRefusedAsync(app, GbFixedLine, "InvalidParameterException");
        await AssertRefusedAsync(app, GbPremiumRate, "InvalidParameterException");
        (await SignUpAsync(app, GbMobile)).AssertOk();
    }

    [Fact]
    public async Task SignUp_CountryAllowList_OtherCountriesRefused()
    {
        using var app = App(($"{Limits}:SmsCountries:0", "GB"));

        await AssertRefusedAsync(app, UsNumber, "InvalidParameterException");
        (await SignUpAsync(app, GbMobile)).AssertOk();
        // Email is not SMS: no country applies.
        (await SignUpAsync(app, SesameApp.NewEmail())).AssertOk();
    }

    [Fact]
    public async Task SignUp_CallingCodeInAllowList_FictionalNumbersOfItPass()
    {
        using var app = App(($"{Limits}:SmsCountries:0", "+1"));

        (await SignUpAsync(app, SesameApp.NewPhone())).AssertOk();
        await AssertRefusedAsync(app, GbMobile, "InvalidParameterException");
    }

    [Fact]
    public async Task SignUp_RequireValidPhoneNumbers_FictionalRefusedValidSent()
    {
        using var strict = App(("Sesame:UserPools:us-east-1_SesameDev:RequireValidPhoneNumbers", "true"));
        await AssertRefusedAsync(strict, SesameApp.NewPhone(), "Invalid phone number format.");
        (await SignUpAsync(strict, UsNumber)).AssertOk();

        using var lenient = App();
        (await SignUpAsync(lenient, SesameApp.NewPhone())).AssertOk();
    }

    [Fact]
    public async Task SignUp_SequentialNumbersNeverVerified_PrefixBlockedAfterTheLimit()
    {
        using var app = App(($"{Limits}:PrefixUnconvertedPerHour", "3"));

        for (var i = 0; i < 3; i++)
        {
            (await SignUpAsync(app, $"+1555123000{i}")).AssertOk();
        }

        var fourth = await SignUpAsync(app, "+15551230003");
        var fifth = await SignUpAsync(app, "+15551239999");

        Assert.Contains("LimitExceededException", fourth.Body, StringComparison.Ordinal);
        Assert.Equal("86400", fourth.Headers["retry-after"]);
        Assert.Contains("LimitExceededException", fifth.Body, StringComparison.Ordinal);
        (await SignUpAsync(app, "+15551240000")).AssertOk();   // another prefix
        Assert.Contains("sesame_limits_prefix_blocks_total 1", await app.CreateClient().GetStringAsync("/metrics"), StringComparison.Ordinal);

        // The block outlasts the hour of sends, and ends after PrefixBlock.
        app.Clock.Advance(TimeSpan.FromHours(2));
        Assert.Contains("LimitExceededException", (await SignUpAsync(app, "+15551230004")).Body, StringComparison.Ordinal);
        app.Clock.Advance(TimeSpan.FromHours(22));
        (await SignUpAsync(app, "+15551230005")).AssertOk();
    }

    [Fact]
    public async Task SignInCodes_UnansweredInOnePrefix_CountedAndBlockedLikeSignUpCodes_AnsweredOnesConverted()
    {
        using var app = App(($"{Limits}:PrefixUnconvertedPerHour", "3"));
        var phones = Enumerable.Range(0, 4).Select(i => $"+1555888000{i}").ToList();
        foreach (var phone in phones)
        {
            await app.CreateConfirmedUserAsync(phone); // verified sign-ups: converted, nothing unconverted yet
        }

        Assert.NotNull((await app.SignInAsync(phones[0]))["IdToken"]); // a sign-in code answered: converted too
        var started = new List<CognitoResponse>();
        foreach (var phone in phones.Skip(1))
        {
            started.Add(await CustomAuthAsync(app, phone)); // sign-in codes never answered: three unconverted
        }

        app.Clock.Advance(TimeSpan.FromMinutes(2));
        var fifth = await CustomAuthAsync(app, phones[0]);

        Assert.All(started, s => s.AssertOk());
        fifth.AssertError("TooManyRequestsException");
        Assert.Equal("86400", fifth.Headers["retry-after"]);
        Assert.Contains("LimitExceededException", (await SignUpAsync(app, "+15558880009")).Body, StringComparison.Ordinal);
    }

    private static Task<CognitoResponse> CustomAuthAsync(SesameApp app, string phone) =>
        app.CallAsync("InitiateAuth", new { SesameApp.ClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });

    [Fact]
    public async Task SignUp_VerifiedSendsInAPrefix_DoNotCountTowardsTheBlock()
    {
        using var app = App(($"{Limits}:PrefixUnconvertedPerHour", "3"));

        for (var i = 0; i < 3; i++)
        {
            var phone = $"+1555777000{i}";
            (await SignUpAsync(app, phone)).AssertOk();
            (await app.CallAsync("ConfirmSignUp", new { SesameApp.ClientId, Username = phone, ConfirmationCode = await app.CodeAsync(phone) })).AssertOk();
        }

        for (var i = 0; i < 3; i++)
        {
            (await SignUpAsync(app, $"+1555777100{i}")).AssertOk();
        }

        Assert.Contains("LimitExceededException", (await SignUpAsync(app, "+15557771003")).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SignUp_64ConcurrentToOnePrefix_ExactlyTheLimitSent()
    {
        using var app = App(($"{Limits}:PrefixUnconvertedPerHour", "20"));
        // Started before the burst: 64 first requests at once race the signing key's creation (a start-up matter, not a limit's).
        await app.CreateClient().GetStringAsync($"/{SesameApp.PoolId}/.well-known/jwks.json");
        var next = 0;

        var responses = await Concurrently.RunAsync(64, async () =>
            await SignUpAsync(app, "+155588" + Interlocked.Increment(ref next).ToString("D5", System.Globalization.CultureInfo.InvariantCulture)));

        Assert.Equal(20, responses.Count(r => r.Status == 200));
        Assert.Equal(44, responses.Count(r => r.Body.Contains("LimitExceededException", StringComparison.Ordinal)));
    }
}
