using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;
using Sesame.Triggers;

namespace Sesame.Tests.Delivery;

/// <summary>Templates per locale, the Web OTP line, and the CustomMessage trigger, as the user's phone shows them.</summary>
public sealed class MessageTemplateTests
{
    [Fact]
    public async Task WebOtp_DomainConfigured_SmsEndsWithOriginBoundLine()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:WebOtpDomain"] = "app.example.com",
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:AndroidAppHash"] = "FA+9qCX9VSu",
        });
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.EndsWith($"\n\n@app.example.com #{message.Code} FA+9qCX9VSu", message.Body);
        Assert.StartsWith($"{message.Code} is your Sesame Dev verification code.", message.Body);
    }

    [Fact]
    public async Task Locale_UserLocaleFrCa_GetsFrenchTemplateByLanguage()
    {
        using var app = new SesameApp(new Dictionary<string, string?>
        {
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:Templates:fr:SignUp:SmsMessage"] = "Votre code {app} : {####} (valide {minutes} min)",
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:Templates:fr:SignIn:SmsMessage"] = "Connexion {app} : {####}",
            ["Sesame:UserPools:us-east-1_SesameDev:Delivery:Templates:de:SignUp:SmsMessage"] = "Ihr Code: {####}",
        });
        var phone = SesameApp.NewPhone();
        var english = SesameApp.NewPhone();

        await app.CreateConfirmedUserAsync(phone, ("locale", "fr-CA"));
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = english })).AssertOk();
        await app.SignInAsync(phone);

        var signUp = await app.MessageAsync(phone);
        Assert.Equal($"Votre code Sesame Dev : {signUp.Code} (valide 10 min)", signUp.Body);
        var signIn = await app.MessageAsync(phone, 2);
        Assert.Equal($"Connexion Sesame Dev : {signIn.Code}", signIn.Body);
        var other = await app.MessageAsync(english);
        Assert.Equal($"{other.Code} is your Sesame Dev verification code.", other.Body);
    }

    [Fact]
    public async Task CustomMessage_SignUpTrigger_GetsCognitoEventAndItsSmsIsSentWithTheCode()
    {
        var trigger = new RecordingCustomMessage(e => e.Response.SmsMessage = $"[{e.TriggerSource}] code {e.Request.CodeParameter} for {e.Request.UserAttributes["phone_number"]}");
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.Equal($"[CustomMessage_SignUp] code {message.Code} for {phone}", message.Body);
        var e = Assert.Single(trigger.Events);
        Assert.Equal(("CustomMessage_SignUp", "{####}", "{##Click Here##}", null), (e.TriggerSource, e.Request.CodeParameter, e.Request.LinkParameter, e.Request.UsernameParameter));
        Assert.Equal(("us-east-1_SesameDev", "us-east-1", SesameApp.ClientId), (e.UserPoolId, e.Region, e.CallerContext.ClientId));
        Assert.Equal("UNCONFIRMED", e.Request.UserAttributes["cognito:user_status"]);
        Assert.True(e.Request.UserAttributes.ContainsKey("sub"));
        // The trigger never sees the code.
        Assert.DoesNotContain(message.Code!, System.Text.Json.JsonSerializer.Serialize(e.Request.UserAttributes));
    }

    [Fact]
    public async Task CustomMessage_ResendAndSignIn_UseTheirTriggerSources()
    {
        var trigger = new RecordingCustomMessage(e => e.Response.SmsMessage = $"{e.TriggerSource}: {{####}}");
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
        await app.MessageAsync(phone);

        (await app.CallAsync("ResendConfirmationCode", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();
        var resent = await app.MessageAsync(phone, 2);
        (await app.CallAsync("ConfirmSignUp", new { ClientId = SesameApp.ClientId, Username = phone, ConfirmationCode = resent.Code })).AssertOk();
        await app.SignInAsync(phone);

        Assert.Equal($"CustomMessage_ResendCode: {resent.Code}", resent.Body);
        var signIn = await app.MessageAsync(phone, 3);
        Assert.Equal($"CustomMessage_Authentication: {signIn.Code}", signIn.Body);
        Assert.Equal(["CustomMessage_SignUp", "CustomMessage_ResendCode", "CustomMessage_Authentication"], trigger.Events.Select(e => e.TriggerSource));
    }

    [Fact]
    public async Task CustomMessage_SignUpAndResend_GetTheCallsClientMetadata()
    {
        var trigger = new RecordingCustomMessage(_ => { });
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone, ClientMetadata = new { campaign = "spring" } })).AssertOk();
        (await app.CallAsync("ResendConfirmationCode", new { ClientId = SesameApp.ClientId, Username = phone, ClientMetadata = new { screen = "resend" } })).AssertOk();
        await app.MessageAsync(phone, 2);

        Assert.Equal(
            [("CustomMessage_SignUp", "campaign", "spring"), ("CustomMessage_ResendCode", "screen", "resend")],
            trigger.Events.Select(e => (e.TriggerSource, Assert.Single(e.Request.ClientMetadata!).Key, e.Request.ClientMetadata!.Values.Single())));
    }

    [Fact]
    public async Task CustomMessage_AdminResetUserPasswordAndAdminUpdateUserAttributes_GetTheCallsClientMetadata()
    {
        var trigger = new RecordingCustomMessage(_ => { });
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var email = SesameApp.NewEmail();
        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = email, Password = "old password 1234" })).AssertOk();
        (await app.CallAsync("ConfirmSignUp", new { ClientId = SesameApp.ClientId, Username = email, ConfirmationCode = await app.CodeAsync(email) })).AssertOk();

        (await app.AdminCallAsync("AdminResetUserPassword", new { UserPoolId = SesameApp.PoolId, Username = email, ClientMetadata = new { ticket = "helpdesk-42" } })).AssertOk();
        await app.MessageAsync(email, 2);
        // A new, unverified phone number: its verification code is sent, and the trigger composes that message.
        var phone = SesameApp.NewPhone();
        (await app.AdminCallAsync("AdminUpdateUserAttributes", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, UserAttributes = new[] { new { Name = "phone_number", Value = phone } },
            ClientMetadata = new { screen = "admin-console" },
        })).AssertOk();
        await app.MessageAsync(phone);

        Assert.Equal(
            [("CustomMessage_ForgotPassword", "ticket", "helpdesk-42"), ("CustomMessage_UpdateUserAttribute", "screen", "admin-console")],
            trigger.Events.Skip(1).Select(e => (e.TriggerSource, Assert.Single(e.Request.ClientMetadata!).Key, e.Request.ClientMetadata!.Values.Single())));
        Assert.All(trigger.Events.Skip(1), e => Assert.Equal("CLIENT_ID_NOT_APPLICABLE", e.CallerContext.ClientId));
    }

    [Fact]
    public async Task CustomMessage_AdminCreateUserInvitation_RewrittenWithUsernameAndTemporaryPassword()
    {
        var trigger = new RecordingCustomMessage(e => e.Response.SmsMessage = $"[{e.TriggerSource}] sign in as {e.Request.UsernameParameter} with {e.Request.CodeParameter}");
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = phone, TemporaryPassword = "Temp-Passw0rd!", ClientMetadata = new { source = "crm" },
        })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.Equal($"[CustomMessage_AdminCreateUser] sign in as {phone} with Temp-Passw0rd!", message.Body);
        var e = Assert.Single(trigger.Events);
        Assert.Equal(("{####}", "{username}", "CLIENT_ID_NOT_APPLICABLE", "crm"),
            (e.Request.CodeParameter, e.Request.UsernameParameter, e.CallerContext.ClientId, e.Request.ClientMetadata!["source"]));
        Assert.Equal(phone, e.Request.UserAttributes["phone_number"]);
    }

    [Fact]
    public async Task CustomMessage_InvitationWithoutUsernamePlaceholder_BuiltInInvitationIsSent()
    {
        var trigger = new RecordingCustomMessage(e => e.Response.SmsMessage = "Welcome aboard! {####}");
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        (await app.AdminCallAsync("AdminCreateUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.Equal($"You have been invited to Sesame Dev. Sign in with {phone}: a one-time code will be sent to you.", message.Body);
        Assert.Single(trigger.Events);
    }

    [Fact]
    public async Task CustomMessage_WithoutCodePlaceholder_PoolTemplateIsSent()
    {
        var trigger = new RecordingCustomMessage(e => e.Response.SmsMessage = "Welcome! (no code here)");
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone })).AssertOk();

        var message = await app.MessageAsync(phone);
        Assert.Equal($"{message.Code} is your Sesame Dev verification code.", message.Body);
    }

    [Fact]
    public async Task CustomMessage_TriggerThrows_SignUpFailsWithUserLambdaValidation()
    {
        var trigger = new RecordingCustomMessage(_ => throw new InvalidOperationException("no messages today"));
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var phone = SesameApp.NewPhone();

        var response = await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = phone });

        response.AssertError("UserLambdaValidationException", "CustomMessage failed with error no messages today.");
        Assert.Equal(0, await app.QueuedMessagesAsync(phone));
    }

    [Fact]
    public async Task CustomMessage_EmailMessage_SentAsHtmlWithSubjectAndTextPart()
    {
        var trigger = new RecordingCustomMessage(e =>
        {
            e.Response.EmailSubject = "Bienvenue";
            e.Response.EmailMessage = "<p>Votre code&nbsp;: <b>{####}</b></p>";
        });
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<CustomMessageEvent>>(trigger));
        var email = SesameApp.NewEmail();

        (await app.CallAsync("SignUp", new { ClientId = SesameApp.ClientId, Username = email })).AssertOk();

        var message = await app.MessageAsync(email);
        // The dev outbox shows the text part; the HTML part goes to real providers (see the SMTP and SES tests).
        Assert.Equal($"Votre code\u00a0: {message.Code}", message.Body);
    }

    private sealed class RecordingCustomMessage(Action<CustomMessageEvent> edit) : ITrigger<CustomMessageEvent>
    {
        public ConcurrentQueue<CustomMessageEvent> Events { get; } = new();

        public ValueTask HandleAsync(CustomMessageEvent triggerEvent, CancellationToken cancellationToken)
        {
            Events.Enqueue(triggerEvent);
            edit(triggerEvent);
            return ValueTask.CompletedTask;
        }
    }
}
