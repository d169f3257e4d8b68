using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Sesame.Tests.TestSupport;
using Sesame.Tests.Triggers;
using Sesame.Triggers;

namespace Sesame.Tests.Admin;

/// <summary>The group operations over HTTP with SigV4, and the group claims of the tokens they lead to.</summary>
public sealed class GroupTests : IDisposable
{
    private const string EditorRole = "arn:aws:iam::123456789012:role/editor";
    private const string AdminRole = "arn:aws:iam::123456789012:role/admin";

    private readonly SesameApp _app = new();

    public void Dispose() => _app.Dispose();

    private static JsonNode Payload(string jwt) => JsonNode.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(jwt.Split('.')[1]))!;

    private static string[] Names(JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<string>())];

    private static Task<CognitoResponse> CreateAsync(SesameApp app, string name, int? precedence = null, string? role = null) =>
        app.AdminCallAsync("CreateGroup", new { UserPoolId = SesameApp.PoolId, GroupName = name, Description = "the " + name, Precedence = precedence, RoleArn = role });

    private static Task<CognitoResponse> AddAsync(SesameApp app, string username, string group) =>
        app.AdminCallAsync("AdminAddUserToGroup", new { UserPoolId = SesameApp.PoolId, Username = username, GroupName = group });

    [Fact]
    public async Task CreateGroup_ThenGet_CognitoGroupTypeWithDates()
    {
        var created = await CreateAsync(_app, "editors", 2, EditorRole);

        created.AssertOk();
        var group = created.Json["Group"]!;
        Assert.Equal(("editors", SesameApp.PoolId, "the editors", EditorRole, 2),
            (group["GroupName"]!.GetValue<string>(), group["UserPoolId"]!.GetValue<string>(), group["Description"]!.GetValue<string>(),
                group["RoleArn"]!.GetValue<string>(), group["Precedence"]!.GetValue<int>()));
        Assert.Equal(_app.Clock.GetUtcNow().ToUnixTimeSeconds(), group["CreationDate"]!.GetValue<double>());
        var got = await _app.AdminCallAsync("GetGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "editors" });
        got.AssertOk();
        Assert.Equal(group.ToJsonString(), got.Json["Group"]!.ToJsonString());
    }

    [Fact]
    public async Task CreateGroup_NameTakenInAnotherCase_GroupExistsException()
    {
        (await CreateAsync(_app, "Admins")).AssertOk();

        (await CreateAsync(_app, "ADMINS")).AssertError("GroupExistsException", "A group with the name already exists.");
    }

    [Theory]
    [InlineData("", null, null)]
    [InlineData("has space", null, null)]
    [InlineData("ok", -1, null)]
    [InlineData("ok", null, "not-an-arn-at-all-really")]
    public async Task CreateGroup_MembersOutsideTheModel_InvalidParameterException(string name, int? precedence, string? role)
    {
        (await CreateAsync(_app, name, precedence, role)).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task GroupOperations_UnknownGroup_ResourceNotFoundException()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        var missing = new { UserPoolId = SesameApp.PoolId, GroupName = "nobody" };

        (await _app.AdminCallAsync("GetGroup", missing)).AssertError("ResourceNotFoundException", "Group not found.");
        (await _app.AdminCallAsync("DeleteGroup", missing)).AssertError("ResourceNotFoundException", "Group not found.");
        (await _app.AdminCallAsync("UpdateGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "nobody", Precedence = 1 })).AssertError("ResourceNotFoundException");
        (await _app.AdminCallAsync("ListUsersInGroup", missing)).AssertError("ResourceNotFoundException");
        (await AddAsync(_app, phone, "nobody")).AssertError("ResourceNotFoundException", "Group not found.");
        (await AddAsync(_app, "no-such-user", "nobody")).AssertError("UserNotFoundException", "User does not exist.");
    }

    [Fact]
    public async Task UpdateGroup_OnlyPrecedence_DescriptionAndRoleKept()
    {
        await CreateAsync(_app, "editors", 2, EditorRole);
        _app.Clock.Advance(TimeSpan.FromSeconds(5));

        var updated = await _app.AdminCallAsync("UpdateGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "editors", Precedence = 0 });

        updated.AssertOk();
        var group = updated.Json["Group"]!;
        Assert.Equal((0, "the editors", EditorRole), (group["Precedence"]!.GetValue<int>(), group["Description"]!.GetValue<string>(), group["RoleArn"]!.GetValue<string>()));
        Assert.Equal(group["CreationDate"]!.GetValue<double>() + 5, group["LastModifiedDate"]!.GetValue<double>());
    }

    [Fact]
    public async Task ListGroups_PagesOfTwo_EveryGroupOnceThenNoToken()
    {
        foreach (var name in new[] { "c", "a", "B", "d", "e" })
        {
            await CreateAsync(_app, name);
        }

        var seen = new List<string>();
        string? token = null;
        for (var page = 0; page < 5; page++)
        {
            var response = await _app.AdminCallAsync("ListGroups", new { UserPoolId = SesameApp.PoolId, Limit = 2, NextToken = token });
            response.AssertOk();
            seen.AddRange(response.Json["Groups"]!.AsArray().Select(g => g!["GroupName"]!.GetValue<string>()));
            token = response.Json["NextToken"]?.GetValue<string>();
            if (token is null)
            {
                break;
            }
        }

        Assert.Equal(["a", "B", "c", "d", "e"], seen);
        Assert.Null(token);
        (await _app.AdminCallAsync("ListGroups", new { UserPoolId = SesameApp.PoolId, Limit = 61 })).AssertError("InvalidParameterException");
        (await _app.AdminCallAsync("ListGroups", new { UserPoolId = SesameApp.PoolId, NextToken = "garbage" })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task Membership_AddListRemove_BothListsAgree()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        await CreateAsync(_app, "readers");
        await CreateAsync(_app, "writers");

        (await AddAsync(_app, phone, "readers")).AssertOk();
        (await AddAsync(_app, phone, "readers")).AssertOk();
        (await AddAsync(_app, phone, "writers")).AssertOk();

        var groups = await _app.AdminCallAsync("AdminListGroupsForUser", new { UserPoolId = SesameApp.PoolId, Username = phone });
        groups.AssertOk();
        Assert.Equal(["readers", "writers"], groups.Json["Groups"]!.AsArray().Select(g => g!["GroupName"]!.GetValue<string>()));
        var members = await _app.AdminCallAsync("ListUsersInGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "readers" });
        members.AssertOk();
        var member = Assert.Single(members.Json["Users"]!.AsArray())!;
        Assert.Contains(member["Attributes"]!.AsArray(), a => a!["Name"]!.GetValue<string>() == "phone_number" && a["Value"]!.GetValue<string>() == phone);

        (await _app.AdminCallAsync("AdminRemoveUserFromGroup", new { UserPoolId = SesameApp.PoolId, Username = phone, GroupName = "readers" })).AssertOk();

        var after = await _app.AdminCallAsync("ListUsersInGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "readers" });
        Assert.Empty(after.Json["Users"]!.AsArray());
    }

    [Fact]
    public async Task SignIn_UserInGroups_GroupsByPrecedenceInBothTokensRolesInTheIdToken()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        await CreateAsync(_app, "everyone");
        await CreateAsync(_app, "editors", 5, EditorRole);
        await CreateAsync(_app, "admins", 1, AdminRole);
        await CreateAsync(_app, "unjoined", 0);
        foreach (var group in new[] { "everyone", "editors", "admins" })
        {
            await AddAsync(_app, phone, group);
        }

        var tokens = await _app.SignInAsync(phone);

        var id = Payload(tokens["IdToken"]!.GetValue<string>());
        var access = Payload(tokens.Access());
        Assert.Equal(["admins", "editors", "everyone"], Names(id["cognito:groups"]));
        Assert.Equal(["admins", "editors", "everyone"], Names(access["cognito:groups"]));
        Assert.Equal([AdminRole, EditorRole], Names(id["cognito:roles"]));
        Assert.Equal(AdminRole, id["cognito:preferred_role"]!.GetValue<string>());
        Assert.Null(access["cognito:roles"]);
    }

    [Fact]
    public async Task SignIn_NoGroups_NoGroupClaims_RefreshSeesLaterGroups()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);

        var tokens = await _app.SignInAsync(phone);

        Assert.Null(Payload(tokens["IdToken"]!.GetValue<string>())["cognito:groups"]);
        Assert.Null(Payload(tokens.Access())["cognito:groups"]);

        await CreateAsync(_app, "late");
        await AddAsync(_app, phone, "late");
        var refreshed = await _app.GetTokensAsync(tokens.Refresh());
        refreshed.AssertOk();
        Assert.Equal(["late"], Names(Payload(refreshed.Json["AuthenticationResult"]!["AccessToken"]!.GetValue<string>())["cognito:groups"]));
    }

    [Fact]
    public async Task PreTokenGeneration_GroupConfigurationGivenAndOverrideHonouredInBothTokens()
    {
        var seen = new RecordingTrigger<PreTokenGenerationEvent>(e => e.Response.ClaimsOverrideDetails = new ClaimsOverrideDetails
        {
            GroupOverrideDetails = new GroupConfiguration { GroupsToOverride = ["from-trigger"], PreferredRole = AdminRole },
        });
        using var app = new SesameApp(services: s => s.AddSingleton<ITrigger<PreTokenGenerationEvent>>(seen));
        var phone = SesameApp.NewPhone();
        await app.CreateConfirmedUserAsync(phone);
        await CreateAsync(app, "editors", 5, EditorRole);
        await CreateAsync(app, "viewers", 9);
        await AddAsync(app, phone, "viewers");
        await AddAsync(app, phone, "editors");

        var tokens = await app.SignInAsync(phone);

        var configuration = Assert.Single(seen.Events).Request.GroupConfiguration;
        Assert.Equal(["editors", "viewers"], configuration.GroupsToOverride);
        Assert.Equal([EditorRole], configuration.IamRolesToOverride);
        Assert.Equal(EditorRole, configuration.PreferredRole);
        var id = Payload(tokens["IdToken"]!.GetValue<string>());
        Assert.Equal(["from-trigger"], Names(id["cognito:groups"]));
        Assert.Equal(["from-trigger"], Names(Payload(tokens.Access())["cognito:groups"]));
        Assert.Null(id["cognito:roles"]);
        Assert.Equal(AdminRole, id["cognito:preferred_role"]!.GetValue<string>());
    }

    [Fact]
    public async Task DeleteGroup_WithMembers_GoneFromTheirNextTokens()
    {
        var phone = SesameApp.NewPhone();
        await _app.CreateConfirmedUserAsync(phone);
        await CreateAsync(_app, "temp");
        await AddAsync(_app, phone, "temp");

        (await _app.AdminCallAsync("DeleteGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "temp" })).AssertOk();

        Assert.Null(Payload((await _app.SignInAsync(phone)).Access())["cognito:groups"]);
        var groups = await _app.AdminCallAsync("AdminListGroupsForUser", new { UserPoolId = SesameApp.PoolId, Username = phone });
        Assert.Empty(groups.Json["Groups"]!.AsArray());
    }

    [Fact]
    public async Task GroupOperations_Unsigned_MissingAuthenticationToken()
    {
        (await _app.CallAsync("CreateGroup", new { UserPoolId = SesameApp.PoolId, GroupName = "x" })).AssertError("MissingAuthenticationTokenException");
        (await _app.CallAsync("ListGroups", new { UserPoolId = SesameApp.PoolId })).AssertError("MissingAuthenticationTokenException");
    }
}
