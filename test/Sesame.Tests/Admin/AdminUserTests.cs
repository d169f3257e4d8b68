using System.Text.Json.Nodes;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Admin;

public sealed class AdminUserTests : IDisposable
{
    private readonly SesameApp _app = new();

    private static readonly string[] BothMediums = ["SMS", "EMAIL"];
    private static readonly string[] EmailOnly = ["EMAIL"];

    public void Dispose() => _app.Dispose();

    private Task<CognitoResponse> CreateAsync(object body) => _app.AdminCallAsync("AdminCreateUser", body);

    // A pool created without UsernameAttributes takes free-form usernames, as in Cognito.
    private async Task<string> FreeFormPoolAsync()
    {
        var pool = await _app.AdminCallAsync("CreateUserPool", new { PoolName = "free form" });
        pool.AssertOk();
        return pool.Json["UserPool"]!["Id"]!.GetValue<string>();
    }

    private static string? Attribute(JsonNode attributes, string name) =>
        attributes.AsArray().FirstOrDefault(a => a!["Name"]!.GetValue<string>() == name)?["Value"]?.GetValue<string>();

    [Fact]
    public async Task AdminCreateUser_PasswordlessPhoneSuppressed_ConfirmedAndSignsInWithCustomAuth()
    {
        var phone = SesameApp.NewPhone();

        var created = await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone, MessageAction = "SUPPRESS" });

        created.AssertOk();
        var user = created.Json["User"]!;
        Assert.Equal("CONFIRMED", user["UserStatus"]!.GetValue<string>());
        Assert.True(user["Enabled"]!.GetValue<bool>());
        Assert.True(Guid.TryParse(user["Username"]!.GetValue<string>(), out _));
        Assert.Equal(phone, Attribute(user["Attributes"]!, "phone_number"));
        Assert.Equal("false", Attribute(user["Attributes"]!, "phone_number_verified"));
        Assert.Equal(_app.Clock.GetUtcNow().ToUnixTimeSeconds(), user["UserCreateDate"]!.GetValue<double>());
        Assert.Empty(_app.Outbox.For(phone));

        var tokens = await _app.SignInAsync(phone);
        Assert.False(string.IsNullOrEmpty(tokens["AccessToken"]!.GetValue<string>()));
    }

    [Fact]
    public async Task AdminCreateUser_AdminSetsVerifiedFlags_FlagsKept()
    {
        var email = SesameApp.NewEmail();

        var created = await CreateAsync(new
        {
            UserPoolId = SesameApp.PoolId,
            Username = email,
            MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email_verified", Value = "true" }, new { Name = "name", Value = "Jo" } },
        });

        created.AssertOk();
        var attributes = created.Json["User"]!["Attributes"]!;
        Assert.Equal("true", Attribute(attributes, "email_verified"));
        Assert.Equal("Jo", Attribute(attributes, "name"));
        Assert.NotNull(Attribute(attributes, "sub"));
    }

    [Fact]
    public async Task AdminCreateUser_DefaultMessageAction_InvitationSentBySmsWithoutCode()
    {
        var phone = SesameApp.NewPhone();

        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertOk();

        var message = await _app.MessageAsync(phone);
        Assert.Equal("SMS", message.Channel);
        Assert.Contains("invited", message.Body, StringComparison.Ordinal);
        Assert.Null(message.Code);
    }

    [Fact]
    public async Task AdminCreateUser_BothMediums_InvitationOnEachChannel()
    {
        var phone = SesameApp.NewPhone();
        var email = SesameApp.NewEmail();

        (await CreateAsync(new
        {
            UserPoolId = SesameApp.PoolId,
            Username = phone,
            DesiredDeliveryMediums = BothMediums,
            UserAttributes = new[] { new { Name = "email", Value = email } },
        })).AssertOk();

        Assert.Equal("SMS", (await _app.MessageAsync(phone)).Channel);
        Assert.Equal("EMAIL", (await _app.MessageAsync(email)).Channel);
    }

    [Fact]
    public async Task AdminCreateUser_EmailMediumButNoEmail_InvalidParameterAndNoUser()
    {
        var phone = SesameApp.NewPhone();

        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone, DesiredDeliveryMediums = EmailOnly }))
            .AssertError("InvalidParameterException");

        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertError("UserNotFoundException");
    }

    [Fact]
    public async Task AdminCreateUser_PhoneOfConfirmedUser_UsernameExistsException()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);

        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone, MessageAction = "SUPPRESS" }))
            .AssertError("UsernameExistsException", "An account with the given phone_number already exists.");
    }

    [Fact]
    public async Task AdminCreateUser_FreeFormUsernameTwice_UsernameExistsException()
    {
        var poolId = await FreeFormPoolAsync();
        var body = new
        {
            UserPoolId = poolId,
            Username = "jo.doe",
            MessageAction = "SUPPRESS",
            UserAttributes = new[] { new { Name = "email", Value = SesameApp.NewEmail() } },
        };
        var first = await _app.AdminCallAsync("AdminCreateUser", body);
        first.AssertOk();
        Assert.Equal("jo.doe", first.Json["User"]!["Username"]!.GetValue<string>());

        (await _app.AdminCallAsync("AdminCreateUser", body)).AssertError("UsernameExistsException", "User account already exists");
    }

    [Fact]
    public async Task AdminCreateUser_ResendForUnknownUser_UserNotFoundException()
    {
        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewPhone(), MessageAction = "RESEND" }))
            .AssertError("UserNotFoundException");
    }

    [Fact]
    public async Task AdminCreateUser_ResendForExistingUser_SecondInvitation()
    {
        var phone = SesameApp.NewPhone();
        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone })).AssertOk();
        await _app.MessageAsync(phone);

        var resent = await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = phone, MessageAction = "RESEND" });

        resent.AssertOk();
        Assert.Equal("SMS", (await _app.MessageAsync(phone, 2)).Channel);
    }

    [Fact]
    public async Task AdminCreateUser_NoPhoneNoEmailNoPassword_InvalidParameterException()
    {
        var poolId = await FreeFormPoolAsync();

        (await _app.AdminCallAsync("AdminCreateUser", new { UserPoolId = poolId, Username = "nobody", MessageAction = "SUPPRESS" }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task AdminCreateUser_TemporaryPassword_ForceChangePassword()
    {
        var created = await CreateAsync(new
        {
            UserPoolId = SesameApp.PoolId,
            Username = SesameApp.NewPhone(),
            TemporaryPassword = "Temp-pass-123",
            MessageAction = "SUPPRESS",
        });

        created.AssertOk();
        Assert.Equal("FORCE_CHANGE_PASSWORD", created.Json["User"]!["UserStatus"]!.GetValue<string>());
    }

    [Fact]
    public async Task AdminCreateUser_ShortTemporaryPassword_InvalidPasswordException()
    {
        (await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewPhone(), TemporaryPassword = "short", MessageAction = "SUPPRESS" }))
            .AssertError("InvalidPasswordException");
    }

    [Fact]
    public async Task AdminCreateUser_UnknownPool_ResourceNotFoundException()
    {
        (await CreateAsync(new { UserPoolId = "us-east-1_NoSuchPool", Username = SesameApp.NewPhone() }))
            .AssertError("ResourceNotFoundException", "User pool us-east-1_NoSuchPool does not exist.");
    }

    [Fact]
    public async Task AdminCreateUser_UnknownMessageAction_InvalidParameterException()
    {
        var response = await CreateAsync(new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewPhone(), MessageAction = "SHOUT" });

        response.AssertError("InvalidParameterException");
        Assert.Contains("messageAction", response.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminCreateUser_VerifiedFlagNotTrueOrFalse_InvalidParameterException()
    {
        (await CreateAsync(new
        {
            UserPoolId = SesameApp.PoolId,
            Username = SesameApp.NewPhone(),
            UserAttributes = new[] { new { Name = "phone_number_verified", Value = "yes" } },
        })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task AdminGetUser_ByPhoneAlias_UserWithStatusAndDates()
    {
        var phone = SesameApp.NewPhone();
        var sub = await _app.CreateConfirmedUserAsync(phone);
        var createdAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        _app.Clock.Advance(TimeSpan.FromMinutes(5)); // the dates are the stored ones, not the time of the read

        var response = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = phone });

        response.AssertOk();
        Assert.Equal("CONFIRMED", response.Json["UserStatus"]!.GetValue<string>());
        Assert.True(response.Json["Enabled"]!.GetValue<bool>());
        Assert.Equal(sub, Attribute(response.Json["UserAttributes"]!, "sub"));
        Assert.Equal("true", Attribute(response.Json["UserAttributes"]!, "phone_number_verified"));
        Assert.Equal(createdAt, response.Json["UserCreateDate"]!.GetValue<double>());
        Assert.Equal(createdAt, response.Json["UserLastModifiedDate"]!.GetValue<double>());

        var byName = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = response.Json["Username"]!.GetValue<string>() });
        Assert.Equal(sub, Attribute(byName.Json["UserAttributes"]!, "sub"));
    }

    [Fact]
    public async Task AdminGetUser_UnknownUser_UserNotFoundException()
    {
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = SesameApp.NewPhone() }))
            .AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task AdminGetUser_MalformedPoolId_InvalidParameterException()
    {
        (await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = "nopool", Username = "x" })).AssertError("InvalidParameterException");
    }
}
