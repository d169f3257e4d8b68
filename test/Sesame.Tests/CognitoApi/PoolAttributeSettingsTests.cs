using System.Buffers.Text;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Configuration;
using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.CognitoApi;

/// <summary>
/// A pool's <c>AliasAttributes</c>, <c>AutoVerifiedAttributes</c> and <c>Schema</c>, and its clients' <c>ReadAttributes</c> /
/// <c>WriteAttributes</c>, declared in configuration and through CreateUserPool / CreateUserPoolClient, with Cognito's errors.
/// </summary>
public sealed class PoolAttributeSettingsTests
{
    private const string Pool = $"Sesame:UserPools:{SesameApp.PoolId}";
    private const string Client = $"{Pool}:Clients:{SesameApp.ClientId}";

    internal static JsonNode Claims(string jwt) => JsonNode.Parse(Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    private static readonly string[] Email = ["email"];
    private static readonly string[] EmailAndPhone = ["email", "phone_number"];
    private static readonly string[] NameOnly = ["name"];
    private static readonly string[] EmailAndPlan = ["email", "custom:plan"];

    private sealed record NameValue(string Name, string Value);

    private static NameValue[] Attributes(params (string Name, string Value)[] attributes) => [.. attributes.Select(a => new NameValue(a.Name, a.Value))];

    // A second configured pool: the development pool signs users up by phone or email (UsernameAttributes), which
    // AliasAttributes excludes. Its limits are off, as SesameApp turns them off for the development pool.
    internal const string AliasPoolId = "us-east-1_Seed002";
    internal const string AliasClientId = "seed002client";

    internal static Dictionary<string, string?> AliasPool()
    {
        var settings = new Dictionary<string, string?>
        {
            [$"Sesame:UserPools:{AliasPoolId}:AliasAttributes:0"] = "phone_number",
            [$"Sesame:UserPools:{AliasPoolId}:AliasAttributes:1"] = "email",
            [$"Sesame:UserPools:{AliasPoolId}:AutoVerifiedAttributes:0"] = "email",
            [$"Sesame:UserPools:{AliasPoolId}:Clients:{AliasClientId}:Name"] = "seed 002",
            [$"Sesame:UserPools:{AliasPoolId}:Limits:DestinationInterval"] = "00:00:00",
        };
        foreach (var limit in new[] { "DestinationPerTenMinutes", "DestinationPerDay", "ClientIpPerHour", "ClientIpPerDay", "PrefixUnconvertedPerHour" })
        {
            settings[$"Sesame:UserPools:{AliasPoolId}:Limits:{limit}"] = "0";
            settings[$"{Pool}:Limits:{limit}"] = "0";
        }

        settings[$"{Pool}:Limits:DestinationInterval"] = "00:00:00";
        return settings;
    }

    internal static Task<CognitoResponse> StartAliasAsync(SesameApp app, string login) =>
        app.CallAsync("InitiateAuth", new { ClientId = AliasClientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = login } });

    internal static async Task<JsonNode> SignInAliasAsync(SesameApp app, string login, string codeTo)
    {
        var before = app.Outbox.For(codeTo).Count;
        var start = await StartAliasAsync(app, login);
        start.AssertOk();
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = AliasClientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = await app.CodeAsync(codeTo, before + 1) },
        });
        answer.AssertOk();
        return answer.Json["AuthenticationResult"]!;
    }

    [Fact]
    public async Task AliasAttributes_Seed002SignUp_FreeFormUsernameConfirmedByEmailAndSignsInByVerifiedAlias()
    {
        // Seed 002: Amplify.Auth.signUp(username: 'myusername', email and phone attributes) in a pool declared with aliases.
        using var app = new SesameApp(AliasPool());
        var username = "myusername" + Guid.NewGuid().ToString("N")[..8];
        var (email, phone) = (SesameApp.NewEmail(), SesameApp.NewPhone());
        var signUp = await app.CallAsync("SignUp", new
        {
            ClientId = AliasClientId, Username = username, Password = "mysupersecurepassword",
            UserAttributes = Attributes(("email", email), ("phone_number", phone)),
        });
        signUp.AssertOk();
        // The pool verifies email: the code goes there, and no SMS is sent for the phone-number attribute.
        Assert.Equal("EMAIL", signUp.Json["CodeDeliveryDetails"]!["DeliveryMedium"]!.GetValue<string>());
        Assert.Equal(0, await app.QueuedMessagesAsync(phone));

        var code = await app.CodeAsync(email);

        // Before the email is verified it is no alias yet: a sign-in by it sends nothing.
        var queued = await app.QueuedMessagesAsync(email);
        (await StartAliasAsync(app, email)).AssertOk();
        Assert.Equal(queued, await app.QueuedMessagesAsync(email));

        (await app.CallAsync("ConfirmSignUp", new { ClientId = AliasClientId, Username = username, ConfirmationCode = code })).AssertOk();

        // Verified: the email signs the user in; the unverified phone number still does not.
        var tokens = await SignInAliasAsync(app, email, email);
        Assert.Equal(username, Claims(tokens["IdToken"]!.GetValue<string>())["cognito:username"]!.GetValue<string>());
        queued = await app.QueuedMessagesAsync(phone);
        (await StartAliasAsync(app, phone)).AssertOk();
        Assert.Equal(queued, await app.QueuedMessagesAsync(phone));
        Assert.Empty(app.Outbox.For(phone));
        await SignInAliasAsync(app, username, email);
    }

    [Fact]
    public async Task Schema_RequiredEmailMissing_InvalidParameterException()
    {
        // Seed 001's pool requires email.
        using var app = new SesameApp(new() { [$"{Pool}:Schema:0:Name"] = "email", [$"{Pool}:Schema:0:Required"] = "true" });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone }))
            .AssertError("InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required");
        Assert.Empty(app.Outbox.For(phone));

        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, UserAttributes = Attributes(("email", SesameApp.NewEmail())) })).AssertOk();
    }

    [Fact]
    public async Task Schema_DeleteRequiredAttribute_InvalidParameterExceptionAndNothingDeleted()
    {
        using var app = new SesameApp(new() { [$"{Pool}:Schema:0:Name"] = "given_name", [$"{Pool}:Schema:0:Required"] = "true" });
        var email = SesameApp.NewEmail();
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, MessageAction = "SUPPRESS",
            UserAttributes = Attributes(("email", email), ("given_name", "Ada"), ("nickname", "ada")),
        })).AssertOk();

        // All or none: the nickname named beside the required attribute stays too.
        (await app.AdminCallAsync("AdminDeleteUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = email, UserAttributeNames = new List<string> { "nickname", "given_name" } }))
            .AssertError("InvalidParameterException", "Attributes did not conform to the schema: given_name: The attribute is required");
        var user = await app.AdminCallAsync("AdminGetUser", new { UserPoolId = SesameApp.PoolId, Username = email });
        var names = user.Json["UserAttributes"]!.AsArray().Select(a => a!["Name"]!.GetValue<string>()).ToList();
        Assert.Contains("given_name", names);
        Assert.Contains("nickname", names);

        (await app.AdminCallAsync("AdminDeleteUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = email, UserAttributeNames = new List<string> { "nickname" } }))
            .AssertOk();
    }

    [Fact]
    public async Task Schema_RequiredAttributeAnAdminLeftOut_ListedInNewPasswordRequired()
    {
        using var app = new SesameApp(new() { [$"{Pool}:Schema:0:Name"] = "given_name", [$"{Pool}:Schema:0:Required"] = "true" });
        var email = SesameApp.NewEmail();
        // Administrators may create a user without a required attribute (Cognito's rule); the first sign-in asks for it.
        (await app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = SesameApp.PoolId, Username = email, TemporaryPassword = "temporary-pass-1", MessageAction = "SUPPRESS",
            UserAttributes = Attributes(("email", email)),
        })).AssertOk();
        var challenge = await app.CallAsync("InitiateAuth", new
        {
            SesameApp.ClientId, AuthFlow = "USER_PASSWORD_AUTH", AuthParameters = new { USERNAME = email, PASSWORD = "temporary-pass-1" },
        });
        challenge.AssertOk();
        Assert.Equal("NEW_PASSWORD_REQUIRED", challenge.Json["ChallengeName"]!.GetValue<string>());
        Assert.Equal("[\"userAttributes.given_name\"]", challenge.Json["ChallengeParameters"]!["requiredAttributes"]!.GetValue<string>());
    }

    [Fact]
    public async Task Schema_CustomAttributes_ConstraintsAndMutabilityHold()
    {
        using var app = new SesameApp(new()
        {
            [$"{Pool}:Schema:0:Name"] = "plan",
            [$"{Pool}:Schema:0:StringAttributeConstraints:MaxLength"] = "5",
            [$"{Pool}:Schema:1:Name"] = "custom:age",
            [$"{Pool}:Schema:1:AttributeDataType"] = "Number",
            [$"{Pool}:Schema:1:NumberAttributeConstraints:MinValue"] = "18",
            [$"{Pool}:Schema:1:NumberAttributeConstraints:MaxValue"] = "130",
            [$"{Pool}:Schema:2:Name"] = "tenant",
            [$"{Pool}:Schema:2:Mutable"] = "false",
        });
        var phone = SesameApp.NewPhone();
        Task<CognitoResponse> SignUpAsync(params (string, string)[] attributes) =>
            app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, UserAttributes = Attributes(attributes) });

        (await SignUpAsync(("custom:plan", "premium"))).AssertError("InvalidParameterException",
            "Attributes did not conform to the schema: custom:plan: String must be between 0 and 5 characters long");
        (await SignUpAsync(("custom:age", "12"))).AssertError("InvalidParameterException",
            "Attributes did not conform to the schema: custom:age: Number must be between 18 and 130");
        (await SignUpAsync(("custom:age", "old"))).AssertError("InvalidParameterException", "Attributes did not conform to the schema: custom:age: Number expected");
        (await SignUpAsync(("custom:favorite_flavor", "x"))).AssertError("InvalidParameterException",
            "Attributes did not conform to the schema: custom:favorite_flavor: Attribute does not exist in the schema.");
        Assert.Empty(app.Outbox.For(phone));

        await app.CreateConfirmedUserAsync(phone, ("custom:plan", "basic"), ("custom:age", "40"), ("custom:tenant", "acme"));
        var access = (await app.SignInAsync(phone))["AccessToken"]!.GetValue<string>();
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = Attributes(("custom:tenant", "evil")) }))
            .AssertError("InvalidParameterException", "user.custom:tenant: Attribute cannot be updated.");
        (await app.AdminCallAsync("AdminUpdateUserAttributes", new { UserPoolId = SesameApp.PoolId, Username = phone, UserAttributes = Attributes(("custom:tenant", "evil")) }))
            .AssertError("InvalidParameterException", "user.custom:tenant: Attribute cannot be updated.");
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = Attributes(("custom:plan", "gold")) })).AssertOk();

        var user = await app.CallAsync("GetUser", new { AccessToken = access });
        var attributes = user.Json["UserAttributes"]!.AsArray().ToDictionary(a => a!["Name"]!.GetValue<string>(), a => a!["Value"]!.GetValue<string>());
        Assert.Equal("gold", attributes["custom:plan"]);
        Assert.Equal("acme", attributes["custom:tenant"]);
    }

    [Fact]
    public async Task ClientAttributes_ReadAndWrite_GetUserTokenAndWritesFollowThem()
    {
        using var app = new SesameApp(new()
        {
            [$"{Client}:ReadAttributes:0"] = "phone_number",
            [$"{Client}:ReadAttributes:1"] = "phone_number_verified",
            [$"{Client}:ReadAttributes:2"] = "name",
            [$"{Client}:WriteAttributes:0"] = "phone_number",
            [$"{Client}:WriteAttributes:1"] = "email",
            [$"{Client}:WriteAttributes:2"] = "name",
            [$"{Client}:WriteAttributes:3"] = "custom:role",
        });
        var phone = SesameApp.NewPhone();
        (await app.CallAsync("SignUp", new { SesameApp.ClientId, Username = phone, UserAttributes = Attributes(("given_name", "Ann")) }))
            .AssertError("NotAuthorizedException", "A client attempted to write unauthorized attribute");

        await app.CreateConfirmedUserAsync(phone, ("name", "Ann"), ("email", SesameApp.NewEmail()), ("custom:role", "user"));
        var tokens = await app.SignInAsync(phone);
        var id = Claims(tokens["IdToken"]!.GetValue<string>());
        Assert.Equal("Ann", id["name"]!.GetValue<string>());
        Assert.Equal(phone, id["phone_number"]!.GetValue<string>());
        Assert.Null(id["email"]);
        Assert.Null(id["custom:role"]);

        var access = tokens["AccessToken"]!.GetValue<string>();
        var user = await app.CallAsync("GetUser", new { AccessToken = access });
        var names = user.Json["UserAttributes"]!.AsArray().Select(a => a!["Name"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(["name", "phone_number", "phone_number_verified", "sub"], names);

        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = Attributes(("family_name", "Smith")) }))
            .AssertError("NotAuthorizedException", "A client attempted to write unauthorized attribute");
        (await app.CallAsync("UpdateUserAttributes", new { AccessToken = access, UserAttributes = Attributes(("name", "Anna")) })).AssertOk();
    }

    [Fact]
    public async Task CreateUserPool_AttributeSettings_HonouredAndDescribed()
    {
        using var app = new SesameApp();
        (await app.AdminCallAsync("CreateUserPool", new { PoolName = "both", UsernameAttributes = Email, AliasAttributes = Email }))
            .AssertError("InvalidParameterException");
        (await app.AdminCallAsync("CreateUserPool", new
        {
            PoolName = "required custom",
            Schema = new[] { new { Name = "plan", AttributeDataType = "String", Required = true } },
        })).AssertError("InvalidParameterException", "Schema:0:Required Required custom attributes are not supported currently.");

        var created = await app.AdminCallAsync("CreateUserPool", new
        {
            PoolName = "aliases",
            AliasAttributes = EmailAndPhone,
            AutoVerifiedAttributes = Email,
            Schema = new object[]
            {
                new { Name = "email", AttributeDataType = "String", Required = true, Mutable = true },
                new { Name = "plan", AttributeDataType = "String", Mutable = true, StringAttributeConstraints = new { MinLength = "1", MaxLength = "8" } },
            },
        });
        created.AssertOk();
        var poolId = created.Json["UserPool"]!["Id"]!.GetValue<string>();
        var pool = (await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId })).Json["UserPool"]!;
        Assert.Equal(["email", "phone_number"], pool["AliasAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Equal(["email"], pool["AutoVerifiedAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));
        Assert.Empty(pool["UsernameAttributes"]!.AsArray());
        var schema = pool["SchemaAttributes"]!.AsArray();
        Assert.True(schema.Single(a => a!["Name"]!.GetValue<string>() == "email")!["Required"]!.GetValue<bool>());
        Assert.Equal("8", schema.Single(a => a!["Name"]!.GetValue<string>() == "custom:plan")!["StringAttributeConstraints"]!["MaxLength"]!.GetValue<string>());

        (await app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = poolId, ClientName = "web", WriteAttributes = NameOnly }))
            .AssertError("InvalidParameterException", "Invalid write attributes specified while creating a client");
        var client = await app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = poolId, ClientName = "web", WriteAttributes = EmailAndPlan, ReadAttributes = Email,
        });
        client.AssertOk();
        var clientId = client.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();

        // AutoVerifiedAttributes: [] sends no code at all; an administrator confirms.
        var silent = await app.AdminCallAsync("CreateUserPool", new { PoolName = "silent", AutoVerifiedAttributes = Array.Empty<string>() });
        var silentClient = await app.AdminCallAsync("CreateUserPoolClient", new { UserPoolId = silent.Json["UserPool"]!["Id"]!.GetValue<string>(), ClientName = "web" });
        var quiet = SesameApp.NewEmail();
        var signUp = await app.CallAsync("SignUp", new
        {
            ClientId = silentClient.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>(), Username = "quiet", UserAttributes = Attributes(("email", quiet)),
        });
        signUp.AssertOk();
        Assert.Null(signUp.Json["CodeDeliveryDetails"]);
        Assert.Empty(app.Outbox.For(quiet));
        Assert.Equal(["email", "custom:plan"], client.Json["UserPoolClient"]!["WriteAttributes"]!.AsArray().Select(a => a!.GetValue<string>()));

        // The pool's own schema answers at SignUp.
        (await app.CallAsync("SignUp", new { ClientId = clientId, Username = "someone", UserAttributes = Attributes(("custom:plan", "basic")) }))
            .AssertError("InvalidParameterException", "Attributes did not conform to the schema: email: The attribute is required");

        (await app.AdminCallAsync("AddCustomAttributes", new { UserPoolId = poolId, CustomAttributes = new[] { new { Name = "tier", AttributeDataType = "Number" } } })).AssertOk();
        (await app.AdminCallAsync("AddCustomAttributes", new { UserPoolId = poolId, CustomAttributes = new[] { new { Name = "tier", AttributeDataType = "Number" } } }))
            .AssertError("InvalidParameterException", "Existing attribute already has name custom:tier.");
        var described = (await app.AdminCallAsync("DescribeUserPool", new { UserPoolId = poolId })).Json["UserPool"]!["SchemaAttributes"]!.AsArray();
        Assert.Equal("Number", described.Single(a => a!["Name"]!.GetValue<string>() == "custom:tier")!["AttributeDataType"]!.GetValue<string>());
        (await app.AdminCallAsync("AddCustomAttributes", new { UserPoolId = SesameApp.PoolId, CustomAttributes = new[] { new { Name = "tier" } } }))
            .AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task TokenValidity_PerClient_ConfiguredAndCreatedWithUnits_HonouredInTokens()
    {
        using var app = new SesameApp(new() { [$"{Client}:AccessTokenValidity"] = "00:05:00", [$"{Client}:IdTokenValidity"] = "00:10:00" });
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        var tokens = await app.SignInAsync(phone);
        Assert.Equal(300, tokens["ExpiresIn"]!.GetValue<int>());
        var access = Claims(tokens["AccessToken"]!.GetValue<string>());
        var id = Claims(tokens["IdToken"]!.GetValue<string>());
        Assert.Equal(300, access["exp"]!.GetValue<long>() - access["iat"]!.GetValue<long>());
        Assert.Equal(600, id["exp"]!.GetValue<long>() - id["iat"]!.GetValue<long>());

        // Through the API, in Cognito's numbers and units.
        var created = await app.AdminCallAsync("CreateUserPoolClient", new
        {
            UserPoolId = SesameApp.PoolId, ClientName = "units", AccessTokenValidity = 7, IdTokenValidity = 2,
            TokenValidityUnits = new { AccessToken = "minutes", IdToken = "hours" },
        });
        created.AssertOk();
        var clientId = created.Json["UserPoolClient"]!["ClientId"]!.GetValue<string>();
        var before = app.Outbox.For(phone).Count;
        var start = await app.CallAsync("InitiateAuth", new { ClientId = clientId, AuthFlow = "CUSTOM_AUTH", AuthParameters = new { USERNAME = phone } });
        start.AssertOk();
        var answer = await app.CallAsync("RespondToAuthChallenge", new
        {
            ClientId = clientId,
            ChallengeName = "CUSTOM_CHALLENGE",
            Session = start.Json["Session"]!.GetValue<string>(),
            ChallengeResponses = new { USERNAME = start.Json["ChallengeParameters"]!["USERNAME"]!.GetValue<string>(), ANSWER = await app.CodeAsync(phone, before + 1) },
        });
        answer.AssertOk();
        var result = answer.Json["AuthenticationResult"]!;
        Assert.Equal(420, result["ExpiresIn"]!.GetValue<int>());
        var createdId = Claims(result["IdToken"]!.GetValue<string>());
        Assert.Equal(7200, createdId["exp"]!.GetValue<long>() - createdId["iat"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("Sesame:UserPools:us-east-1_X:AliasAttributes cannot be set together with UsernameAttributes", "AliasAttributes:0", "email", "UsernameAttributes:0", "email")]
    [InlineData("Sesame:UserPools:us-east-1_X:AliasAttributes may hold only", "AliasAttributes:0", "nickname")]
    [InlineData("Sesame:UserPools:us-east-1_X:AutoVerifiedAttributes may hold only", "AutoVerifiedAttributes:0", "name")]
    [InlineData("Sesame:UserPools:us-east-1_X:Schema:0:Required Required custom attributes", "Schema:0:Name", "plan", "Schema:0:Required", "true")]
    [InlineData("Sesame:UserPools:us-east-1_X:Clients:c1:WriteAttributes must include the required attribute 'email'",
        "Schema:0:Name", "email", "Schema:0:Required", "true", "Clients:c1:WriteAttributes:0", "name")]
    [InlineData("Sesame:UserPools:us-east-1_X:Clients:c1:ReadAttributes 'custom:plan' is not an attribute of the pool",
        "Schema:0:Name", "email", "Clients:c1:ReadAttributes:0", "custom:plan")]
    public void Validate_BadAttributeSetting_FailsNamingIt(string message, params string[] pairs)
    {
        var settings = new Dictionary<string, string?> { ["UserPools:us-east-1_X:Clients:c1:Name"] = "app" };
        for (var i = 0; i < pairs.Length; i += 2)
        {
            settings[$"UserPools:us-east-1_X:{pairs[i]}"] = pairs[i + 1];
        }

        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        var options = new SesameOptions();
        configuration.Bind(options);
        var result = new PoolAttributeSettingsValidator().Validate(null, options);
        Assert.True(result.Failed);
        Assert.Contains(result.Failures!, f => f.StartsWith(message, StringComparison.Ordinal));
    }

    [Fact]
    public void Validate_SoundAttributeSettings_Succeeds()
    {
        var options = new SesameOptions();
        options.UserPools["us-east-1_X"] = new UserPoolOptions
        {
            AliasAttributes = ["email"],
            AutoVerifiedAttributes = ["email"],
            Schema = [new SchemaAttributeOptions { Name = "email", Required = true }, new SchemaAttributeOptions { Name = "plan" }],
            Clients = { ["c1"] = new AppClientOptions { ReadAttributes = ["email", "custom:plan"], WriteAttributes = ["email"] } },
        };
        Assert.True(new PoolAttributeSettingsValidator().Validate(null, options).Succeeded);
    }
}
