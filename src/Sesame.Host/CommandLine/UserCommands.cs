using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.CognitoApi.Operations;
using Sesame.Users;

namespace Sesame.Host.CommandLine;

/// <summary><c>sesame users list|get|create|delete|disable|enable|set-attribute</c>: the Admin* operations, run in-process.</summary>
internal static class UserCommands
{
    public static Command Create(CommandRun run)
    {
        var users = new Command("users", "List, show, create, delete, disable and enable users, and set their attributes.");
        users.Add(List(run));
        users.Add(Get(run));
        users.Add(CreateUser(run));
        users.Add(Simple(run, "delete", "Delete a user, with every token and pending code.", async (cli, request, ct) =>
            await cli.Operation<AdminDeleteUser>().ExecuteAsync(request, cli.Call(), ct), "deleted"));
        users.Add(Simple(run, "disable", "Disable a user: signing in is refused and every token is revoked.", async (cli, request, ct) =>
            await cli.Operation<AdminDisableUser>().ExecuteAsync(request, cli.Call(), ct), "disabled"));
        users.Add(Simple(run, "enable", "Enable a disabled user.", async (cli, request, ct) =>
            await cli.Operation<AdminEnableUser>().ExecuteAsync(request, cli.Call(), ct), "enabled"));
        users.Add(SetAttribute(run));
        return users;
    }

    /// <summary><c>--pool</c>, required by every user command.</summary>
    public static Option<string> PoolOption() => new("--pool", "-p") { Description = "The user pool id, e.g. us-east-1_SesameDev.", Required = true };

    private static Argument<string> UsernameArgument() => new("username") { Description = "The username, or the user's phone number or email." };

    private static Command List(CommandRun run)
    {
        var pool = PoolOption();
        var filter = new Option<string?>("--filter", "-f")
        {
            Description = "Cognito's ListUsers filter: attribute = \"value\" or attribute ^= \"prefix\", e.g. 'phone_number ^= \"+4477\"'.",
        };
        var limit = new Option<int?>("--limit") { Description = "At most this many users (default: all)." };
        var command = new Command("list", "List a pool's users in username order, optionally filtered.") { pool, filter, limit };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var max = parseResult.GetValue(limit);
            var all = new List<UserType>();
            string? token = null;
            do
            {
                var page = await cli.Operation<ListUsers>().ExecuteAsync(
                    new ListUsersRequest(parseResult.GetValue(pool), null, max is { } m ? Math.Clamp(m - all.Count, 1, 60) : 60, token, parseResult.GetValue(filter)),
                    cli.Call(), cancellationToken);
                all.AddRange(page.Users);
                token = page.PaginationToken;
            }
            while (token is not null && (max is null || all.Count < max));

            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new ListUsersResponse(all, null), AdminJsonContext.Wire.ListUsersResponse));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["USERNAME", "STATUS", "ENABLED", "SUB", "PHONE_NUMBER", "EMAIL", "CREATED"], all.Select(u => new[]
            {
                u.Username, u.UserStatus, u.Enabled ? "yes" : "no", Attribute(u.Attributes, UserAttributes.Sub),
                Attribute(u.Attributes, UserAttributes.PhoneNumber), Attribute(u.Attributes, UserAttributes.Email), Date(u.UserCreateDate),
            }));
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Get(CommandRun run)
    {
        var pool = PoolOption();
        var username = UsernameArgument();
        var command = new Command("get", "Show one user and every attribute.") { pool, username };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var user = await cli.Operation<AdminGetUser>().ExecuteAsync(
                new AdminGetUserRequest(parseResult.GetValue(pool), parseResult.GetValue(username)), cli.Call(), cancellationToken);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(user, AdminJsonContext.Wire.AdminGetUserResponse));
                return ExitCodes.Ok;
            }

            Table.WritePairs(cli.Out, [
                ("Username", user.Username), ("UserStatus", user.UserStatus), ("Enabled", user.Enabled ? "yes" : "no"),
                ("Created", Date(user.UserCreateDate)), ("LastModified", Date(user.UserLastModifiedDate)),
                .. user.UserAttributes.Select(a => (a.Name ?? "", a.Value)),
            ]);
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command CreateUser(CommandRun run)
    {
        var pool = PoolOption();
        var username = UsernameArgument();
        var attributes = new Option<string[]>("--attribute", "-a")
        {
            Description = "An attribute as name=value (repeat it), e.g. -a email=jo@example.com -a email_verified=true.",
            AllowMultipleArgumentsPerToken = false,
        };
        var invite = new Option<string[]>("--invite")
        {
            Description = "Send an invitation by SMS and/or EMAIL (repeat it). Default: none; the user signs in by code at once.",
        };
        invite.AcceptOnlyFromAmong("SMS", "EMAIL");
        var command = new Command("create", "Create a passwordless, confirmed user (AdminCreateUser).") { pool, username, attributes, invite };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var mediums = parseResult.GetValue(invite) ?? [];
            var created = await cli.Operation<AdminCreateUser>().ExecuteAsync(new AdminCreateUserRequest(
                parseResult.GetValue(pool), parseResult.GetValue(username), Pairs(parseResult.GetValue(attributes)), null,
                mediums.Length == 0 ? "SUPPRESS" : null, mediums.Length == 0 ? null : [.. mediums], null), cli.Call(), cancellationToken);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(created, AdminJsonContext.Wire.AdminCreateUserResponse));
                return ExitCodes.Ok;
            }

            await cli.Out.WriteLineAsync($"Created {created.User.Username} (sub {Attribute(created.User.Attributes, UserAttributes.Sub)}).");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command SetAttribute(CommandRun run)
    {
        var pool = PoolOption();
        var username = UsernameArgument();
        var values = new Argument<string[]>("name=value")
        {
            Description = "Attributes to set; an empty value (name=) removes one. A new phone number or email is unverified "
                + "(and gets a code) unless the same command sets its *_verified=true.",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("set-attribute", "Change attributes of a user at once (AdminUpdateUserAttributes).") { pool, username, values };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var name = parseResult.GetValue(username);
            await cli.Operation<AdminUpdateUserAttributes>().ExecuteAsync(
                new AdminUpdateUserAttributesRequest(parseResult.GetValue(pool), name, Pairs(parseResult.GetValue(values)), null), cli.Call(), cancellationToken);
            await cli.Out.WriteLineAsync($"Updated {name}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    private static Command Simple(
        CommandRun run, string name, string description, Func<CliContext, AdminUserRequest, CancellationToken, Task> action, string done)
    {
        var pool = PoolOption();
        var username = UsernameArgument();
        var command = new Command(name, description) { pool, username };
        run.Handle(command, async (parseResult, cli, cancellationToken) =>
        {
            var user = parseResult.GetValue(username);
            await action(cli, new AdminUserRequest(parseResult.GetValue(pool), user), cancellationToken);
            await cli.Out.WriteLineAsync($"User {user} {done}.");
            return ExitCodes.Ok;
        });
        return command;
    }

    // name=value pairs as Cognito's AttributeType list; a pair without '=' is refused the way Cognito refuses a bad member.
    private static List<AttributeType> Pairs(string[]? pairs) => [.. (pairs ?? []).Select(p =>
    {
        var equals = p.IndexOf('=', StringComparison.Ordinal);
        return equals > 0
            ? new AttributeType(p[..equals], p[(equals + 1)..])
            : throw Cognito.CognitoErrors.Error(Cognito.CognitoErrors.InvalidParameter, $"Attributes are name=value; got \"{p}\".");
    })];

    public static string? Attribute(List<AttributeType>? attributes, string name) => attributes?.FirstOrDefault(a => a.Name == name)?.Value;

    public static string Date(double epochSeconds) =>
        DateTimeOffset.FromUnixTimeMilliseconds((long)(epochSeconds * 1000)).ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
