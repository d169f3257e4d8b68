using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Admin;

public sealed class ListUsersTests : IDisposable
{
    private readonly SesameApp _app = new();

    private static readonly string[] EmailOnly = ["email"];

    public void Dispose() => _app.Dispose();

    private async Task<string> PoolAsync()
    {
        var pool = await _app.AdminCallAsync("CreateUserPool", new { PoolName = "people" });
        pool.AssertOk();
        return pool.Json["UserPool"]!["Id"]!.GetValue<string>();
    }

    private async Task CreateAsync(string poolId, string username, params (string Name, string Value)[] attributes) =>
        (await _app.AdminCallAsync("AdminCreateUser", new
        {
            UserPoolId = poolId,
            Username = username,
            MessageAction = "SUPPRESS",
            UserAttributes = attributes.Select(a => new { a.Name, a.Value }).ToArray(),
        })).AssertOk();

    private async Task<List<string>> NamesAsync(string poolId, string? filter)
    {
        var response = await _app.AdminCallAsync("ListUsers", new { UserPoolId = poolId, Filter = filter });
        response.AssertOk();
        return [.. response.Json["Users"]!.AsArray().Select(u => u!["Username"]!.GetValue<string>())];
    }

    private async Task<string> PeopleAsync()
    {
        var poolId = await PoolAsync();
        await CreateAsync(poolId, "alice", ("email", "Alice@Example.com"), ("given_name", "Alice"), ("phone_number", "+15550100001"));
        await CreateAsync(poolId, "albert", ("email", "albert@example.org"), ("given_name", "Albert \"Al\""), ("name", "Al"));
        await CreateAsync(poolId, "bob", ("email", "bob@example.com"), ("phone_number", "+15550100002"), ("custom:team", "red"));
        return poolId;
    }

    [Theory]
    [InlineData(null, "albert,alice,bob")]
    [InlineData("", "albert,alice,bob")]
    [InlineData("username = \"alice\"", "alice")]
    [InlineData("\"username\"^=\"al\"", "albert,alice")]
    [InlineData("username ^= \"AL\"", "")]
    [InlineData("email = \"alice@example.com\"", "alice")]
    [InlineData("email ^= \"b\"", "bob")]
    [InlineData("phone_number ^= \"+1555010000\"", "alice,bob")]
    [InlineData("given_name = \"Albert \\\"Al\\\"\"", "albert")]
    [InlineData("name = \"Al\"", "albert")]
    [InlineData("cognito:user_status = \"confirmed\"", "albert,alice,bob")]
    [InlineData("cognito:user_status = \"UNCONFIRMED\"", "")]
    [InlineData("status = \"Enabled\"", "albert,alice,bob")]
    [InlineData("status = \"enabled\"", "")]
    public async Task ListUsers_Filter_MatchingUsersInUsernameOrder(string? filter, string expected)
    {
        var poolId = await PeopleAsync();

        var names = await NamesAsync(poolId, filter);

        Assert.Equal(expected, string.Join(',', names));
    }

    [Fact]
    public async Task ListUsers_FilterBySub_ThatUser()
    {
        var poolId = await PeopleAsync();
        var bob = await _app.AdminCallAsync("AdminGetUser", new { UserPoolId = poolId, Username = "bob" });
        var sub = bob.Json["UserAttributes"]!.AsArray().First(a => a!["Name"]!.GetValue<string>() == "sub")!["Value"]!.GetValue<string>();

        Assert.Equal(["bob"], await NamesAsync(poolId, $"sub = \"{sub}\""));
    }

    [Theory]
    [InlineData("custom:team = \"red\"")]
    [InlineData("email = bob@example.com")]
    [InlineData("email == \"x\"")]
    public async Task ListUsers_UnsupportedFilter_InvalidParameterException(string filter)
    {
        var poolId = await PeopleAsync();

        (await _app.AdminCallAsync("ListUsers", new { UserPoolId = poolId, Filter = filter })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task ListUsers_PagesOfTwo_EveryUserOnceAndNoTokenOnTheLastPage()
    {
        var poolId = await PoolAsync();
        for (var i = 0; i < 5; i++)
        {
            await CreateAsync(poolId, $"user{i}", ("email", $"user{i}@example.com"));
        }

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var response = await _app.AdminCallAsync("ListUsers", new { UserPoolId = poolId, Limit = 2, PaginationToken = token });
            response.AssertOk();
            var users = response.Json["Users"]!.AsArray();
            Assert.InRange(users.Count, 1, 2);
            seen.AddRange(users.Select(u => u!["Username"]!.GetValue<string>()));
            token = response.Json["PaginationToken"]?.GetValue<string>();
            pages++;
        }
        while (token is not null && pages < 10);

        Assert.Equal(3, pages);
        Assert.Equal(["user0", "user1", "user2", "user3", "user4"], seen);
    }

    [Fact]
    public async Task ListUsers_AttributesToGet_OnlyThoseAttributes()
    {
        var poolId = await PeopleAsync();
        var createdAt = _app.Clock.GetUtcNow().ToUnixTimeMilliseconds() / 1000.0;
        _app.Clock.Advance(TimeSpan.FromMinutes(5));

        var response = await _app.AdminCallAsync("ListUsers", new { UserPoolId = poolId, AttributesToGet = EmailOnly, Filter = "username = \"bob\"" });

        response.AssertOk();
        var user = response.Json["Users"]![0]!;
        Assert.Equal("bob@example.com", Assert.Single(user["Attributes"]!.AsArray())!["Value"]!.GetValue<string>());
        Assert.Equal("CONFIRMED", user["UserStatus"]!.GetValue<string>());
        Assert.True(user["Enabled"]!.GetValue<bool>());
        Assert.Equal(createdAt, user["UserCreateDate"]!.GetValue<double>());
        Assert.Equal(createdAt, user["UserLastModifiedDate"]!.GetValue<double>());
    }

    [Theory]
    [InlineData(61)]
    [InlineData(-1)]
    public async Task ListUsers_LimitOutOfRange_InvalidParameterException(int limit)
    {
        (await _app.AdminCallAsync("ListUsers", new { UserPoolId = SesameApp.PoolId, Limit = limit })).AssertError("InvalidParameterException");
    }

    [Fact]
    public async Task ListUsers_ForgedPaginationToken_InvalidParameterException()
    {
        (await _app.AdminCallAsync("ListUsers", new { UserPoolId = SesameApp.PoolId, PaginationToken = "bm90LWEtdG9rZW4" }))
            .AssertError("InvalidParameterException", "Invalid pagination token.");
    }

    [Fact]
    public async Task ListUsers_UnknownPool_ResourceNotFoundException()
    {
        (await _app.AdminCallAsync("ListUsers", new { UserPoolId = "us-east-1_Nope" })).AssertError("ResourceNotFoundException");
    }

    [Fact]
    public async Task ListUsers_OtherPoolsUsers_NotListed()
    {
        var poolId = await PeopleAsync();
        await _app.CreateConfirmedUserAsync(SesameApp.NewPhone());

        var response = await _app.AdminCallAsync("ListUsers", new { UserPoolId = SesameApp.PoolId });

        response.AssertOk();
        Assert.Single(response.Json["Users"]!.AsArray());
        Assert.Equal(3, (await NamesAsync(poolId, null)).Count);
    }
}
