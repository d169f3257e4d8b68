using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;

namespace Sesame.Tests.CognitoApi;

public sealed class UserAttributeTests : IDisposable
{
    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private async Task<(string Phone, System.Text.Json.Nodes.JsonNode Tokens)> SignedInAsync(params (string Name, string Value)[] attributes)
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone, attributes);
        return (phone, await _app.SignInAsync(phone));
    }

    private Task<CognitoResponse> UpdateAsync(string accessToken, params (string Name, string Value)[] attributes) =>
        _app.CallAsync("UpdateUserAttributes", new { AccessToken = accessToken, UserAttributes = attributes.Select(a => new { a.Name, a.Value }).ToArray() });

    private Task<CognitoResponse> VerifyAsync(string accessToken, string attribute, string code) =>
        _app.CallAsync("VerifyUserAttribute", new { AccessToken = accessToken, AttributeName = attribute, Code = code });

    [Fact]
    public async Task UpdateUserAttributes_PlainAttributes_ChangeAtOnce_BlankDeletes()
    {
        var (_, tokens) = await SignedInAsync(("name", "Jane"), ("nickname", "jj"));

        var response = await UpdateAsync(tokens.Access(), ("name", "Janet"), ("nickname", ""), ("custom:team", "blue"));

        response.AssertOk();
        Assert.Empty(response.Json["CodeDeliveryDetailsList"]!.AsArray());
        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.Equal("Janet", attributes["name"]);
        Assert.Equal("blue", attributes["custom:team"]);
        Assert.False(attributes.ContainsKey("nickname"));
    }

    [Fact]
    public async Task UpdateUserAttributes_NewEmail_ChangesOnlyOnceVerified_ThenSignsIn()
    {
        var oldEmail = SesameApp.NewEmail();
        var newEmail = SesameApp.NewEmail();
        var (_, tokens) = await SignedInAsync(("email", oldEmail));

        var response = await UpdateAsync(tokens.Access(), ("email", newEmail));

        response.AssertOk();
        var delivery = response.Json["CodeDeliveryDetailsList"]!.AsArray().Single()!;
        Assert.Equal("email", delivery["AttributeName"]!.GetValue<string>());
        Assert.Equal("EMAIL", delivery["DeliveryMedium"]!.GetValue<string>());
        Assert.DoesNotContain(newEmail, delivery["Destination"]!.GetValue<string>(), StringComparison.Ordinal);
        var code = await _app.CodeAsync(newEmail);
        // Until verified, the old address stays (AttributesRequireVerificationBeforeUpdate semantics).
        Assert.Equal(oldEmail, (await _app.GetUserAsync(tokens.Access())).Attributes()["email"]);

        (await VerifyAsync(tokens.Access(), "email", code)).AssertOk();

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        Assert.Equal(newEmail, attributes["email"]);
        Assert.Equal("true", attributes["email_verified"]);
        (await _app.SignInAsync(newEmail)).Access();
        (await VerifyAsync(tokens.Access(), "email", code)).AssertError("ExpiredCodeException");
    }

    [Fact]
    public async Task UpdateUserAttributes_NewPhone_SmsCodeVerifies_OldNumberNoLongerAnAlias()
    {
        var (oldPhone, tokens) = await SignedInAsync();
        var newPhone = SesameApp.NewPhone();

        var response = await UpdateAsync(tokens.Access(), ("phone_number", newPhone));

        response.AssertOk();
        Assert.Equal("SMS", response.Json["CodeDeliveryDetailsList"]![0]!["DeliveryMedium"]!.GetValue<string>());
        (await VerifyAsync(tokens.Access(), "phone_number", await _app.CodeAsync(newPhone))).AssertOk();
        Assert.Equal(newPhone, (await _app.GetUserAsync(tokens.Access())).Attributes()["phone_number"]);
        // The old number is free: a new sign-up may take it.
        await _app.CreateConfirmedUserAsync(oldPhone);
    }

    [Fact]
    public async Task UpdateUserAttributes_EmailOfAnotherConfirmedUser_AliasExists()
    {
        var taken = SesameApp.NewEmail();
        await _app.CreateConfirmedUserAsync(SesameApp.NewPhone(), ("email", taken));
        var (_, tokens) = await SignedInAsync();

        (await UpdateAsync(tokens.Access(), ("email", taken))).AssertError("AliasExistsException", "An account with the given email already exists.");
    }

    [Fact]
    public async Task VerifyUserAttribute_EmailTakenWhilePending_AliasExists_ValueUnchanged()
    {
        var wanted = SesameApp.NewEmail();
        var (_, tokens) = await SignedInAsync();
        (await UpdateAsync(tokens.Access(), ("email", wanted))).AssertOk();
        var code = await _app.CodeAsync(wanted);
        // Someone else confirms the address first.
        await _app.CreateConfirmedUserAsync(SesameApp.NewPhone(), ("email", wanted));

        (await VerifyAsync(tokens.Access(), "email", code)).AssertError("AliasExistsException");
        Assert.False((await _app.GetUserAsync(tokens.Access())).Attributes().ContainsKey("email"));
    }

    [Fact]
    public async Task UpdateUserAttributes_VerifiedFlagOrSub_NotWritableByClient()
    {
        var (_, tokens) = await SignedInAsync(("email", SesameApp.NewEmail()));

        (await UpdateAsync(tokens.Access(), ("email_verified", "true"))).AssertError("NotAuthorizedException");
        (await UpdateAsync(tokens.Access(), ("sub", Guid.NewGuid().ToString()))).AssertError("NotAuthorizedException");
        (await UpdateAsync(tokens.Access(), ("shoe_size", "42"))).AssertError("InvalidParameterException");
        (await UpdateAsync(tokens.Access(), ("email", "not-an-email"))).AssertError("InvalidParameterException");
        Assert.Equal("false", (await _app.GetUserAsync(tokens.Access())).Attributes()["email_verified"]);
    }

    [Fact]
    public async Task VerifyUserAttribute_WrongCode_Mismatch_CapKillsEvenTheRightCode()
    {
        var email = SesameApp.NewEmail();
        var (_, tokens) = await SignedInAsync(("email", email));
        (await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" })).AssertOk();
        var code = await _app.CodeAsync(email);
        var wrong = code == "000000" ? "111111" : "000000";

        for (var i = 0; i < 5; i++)
        {
            (await VerifyAsync(tokens.Access(), "email", wrong)).AssertError("CodeMismatchException", "Invalid verification code provided, please try again.");
        }

        (await VerifyAsync(tokens.Access(), "email", code)).AssertError("CodeMismatchException");
        Assert.Equal("false", (await _app.GetUserAsync(tokens.Access())).Attributes()["email_verified"]);
    }

    [Fact]
    public async Task GetUserAttributeVerificationCode_UnverifiedEmail_CodeVerifiesIt()
    {
        var email = SesameApp.NewEmail();
        var (_, tokens) = await SignedInAsync(("email", email));

        var sent = await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" });

        sent.AssertOk();
        Assert.Equal("EMAIL", sent.Json["CodeDeliveryDetails"]!["DeliveryMedium"]!.GetValue<string>());
        (await VerifyAsync(tokens.Access(), "email", await _app.CodeAsync(email))).AssertOk();
        Assert.Equal("true", (await _app.GetUserAsync(tokens.Access())).Attributes()["email_verified"]);
    }

    [Fact]
    public async Task VerifyUserAttribute_ExpiredOrMissingCode_ExpiredCode()
    {
        var email = SesameApp.NewEmail();
        var (_, tokens) = await SignedInAsync(("email", email));
        (await VerifyAsync(tokens.Access(), "email", "123456")).AssertError("ExpiredCodeException");
        (await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" })).AssertOk();
        var code = await _app.CodeAsync(email);
        _app.Clock.Advance(TimeSpan.FromMinutes(10) + TimeSpan.FromSeconds(1));
        var fresh = (await _app.GetTokensAsync(tokens.Refresh())).Json["AuthenticationResult"]!.Access();

        (await VerifyAsync(fresh, "email", code)).AssertError("ExpiredCodeException");
    }

    [Fact]
    public async Task GetUserAttributeVerificationCode_NotPhoneOrEmail_InvalidParameter()
    {
        var (_, tokens) = await SignedInAsync();
        (await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "name" }))
            .AssertError("InvalidParameterException");
        (await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task UpdateUserAttributes_ConcurrentUpdates_NoLostUpdate()
    {
        var (_, tokens) = await SignedInAsync();

        var answers = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => UpdateAsync(tokens.Access(), ($"custom:k{i}", $"v{i}"))));

        var attributes = (await _app.GetUserAsync(tokens.Access())).Attributes();
        for (var i = 0; i < answers.Length; i++)
        {
            if (answers[i].Status == 200)
            {
                Assert.Equal($"v{i}", attributes[$"custom:k{i}"]);
            }
            else
            {
                // The only other outcome is a retryable refusal that wrote nothing.
                answers[i].AssertError("TooManyRequestsException");
                Assert.False(attributes.ContainsKey($"custom:k{i}"));
            }
        }

        Assert.Contains(answers, a => a.Status == 200);
    }

    [Fact]
    public async Task AttributeCodes_CustomMessageTrigger_SeesCognitosTriggerSources()
    {
        var sources = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(new CustomMessageTrigger(e =>
        {
            sources.Enqueue(e.TriggerSource);
            e.Response.SmsMessage = $"{e.TriggerSource} {{####}}";
        })));
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);
        var newPhone = SesameApp.NewPhone();

        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = tokens.Access(), UserAttributes = new[] { new { Name = "phone_number", Value = newPhone } } }))
            .AssertOk();
        // Delivered before the second is queued: two messages queued together may be sent in either order.
        Assert.StartsWith("CustomMessage_UpdateUserAttribute ", (await app.MessageAsync(newPhone, 1)).Body, StringComparison.Ordinal);
        (await app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "phone_number" })).AssertOk();

        var resent = await app.MessageAsync(newPhone, 2);
        Assert.StartsWith("CustomMessage_VerifyUserAttribute ", resent.Body, StringComparison.Ordinal);
        // The latest code is the one that verifies.
        (await app.CallAsync("VerifyUserAttribute", new { AccessToken = tokens.Access(), AttributeName = "phone_number", Code = resent.Code })).AssertOk();
        Assert.Contains("CustomMessage_UpdateUserAttribute", sources);
    }

    private sealed class CustomMessageTrigger(Action<CustomMessageEvent> edit) : ITrigger<CustomMessageEvent>
    {
        public ValueTask HandleAsync(CustomMessageEvent triggerEvent, CancellationToken cancellationToken)
        {
            edit(triggerEvent);
            return ValueTask.CompletedTask;
        }
    }

    [Fact]
    public async Task AccessTokenOperations_AfterGlobalSignOut_Refused()
    {
        var (_, tokens) = await SignedInAsync(("email", SesameApp.NewEmail()));
        (await _app.CallAsync("GlobalSignOut", new { AccessToken = tokens.Access() })).AssertOk();

        (await UpdateAsync(tokens.Access(), ("name", "x"))).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.CallAsync("GetUserAttributeVerificationCode", new { AccessToken = tokens.Access(), AttributeName = "email" }))
            .AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await VerifyAsync(tokens.Access(), "email", "123456")).AssertError("NotAuthorizedException", "Access Token has been revoked");
        (await _app.CallAsync("DeleteUser", new { AccessToken = tokens.Access() })).AssertError("NotAuthorizedException", "Access Token has been revoked");
    }
}
