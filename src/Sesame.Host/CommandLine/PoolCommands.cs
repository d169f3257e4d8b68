using System.CommandLine;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.CognitoApi.Operations;

namespace Sesame.Host.CommandLine;

/// <summary><c>sesame pools list|show|create</c>: ListUserPools, DescribeUserPool and CreateUserPool, run in-process.</summary>
internal static class PoolCommands
{
    public static Command Create(CommandRun run)
    {
        var pools = new Command("pools", "List, show and create user pools.");

        var list = new Command("list", "List every pool: configured ones first, then those created through the API or this command.");
        run.Handle(list, async (parseResult, cli, cancellationToken) =>
        {
            var all = new List<UserPoolDescriptionType>();
            string? token = null;
            do
            {
                var page = await cli.Operation<ListUserPools>().ExecuteAsync(new ListUserPoolsRequest(60, token), cli.Call(), cancellationToken);
                all.AddRange(page.UserPools);
                token = page.NextToken;
            }
            while (token is not null);

            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new ListUserPoolsResponse(all, null), AdminJsonContext.Wire.ListUserPoolsResponse));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["ID", "NAME", "CREATED"], all.Select(p => new[]
            {
                p.Id, p.Name, p.CreationDate is { } created ? UserCommands.Date(created) : "(configured)",
            }));
            return ExitCodes.Ok;
        });
        pools.Add(list);

        var id = new Argument<string>("pool-id") { Description = "The user pool id." };
        var show = new Command("show", "Show a pool's settings and estimated number of users.") { id };
        run.Handle(show, async (parseResult, cli, cancellationToken) =>
        {
            var pool = (await cli.Operation<DescribeUserPool>().ExecuteAsync(
                new DescribeUserPoolRequest(parseResult.GetValue(id)), cli.Call(), cancellationToken)).UserPool;
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new DescribeUserPoolResponse(pool), AdminJsonContext.Wire.DescribeUserPoolResponse));
                return ExitCodes.Ok;
            }

            Table.WritePairs(cli.Out, [
                ("Id", pool.Id), ("Name", pool.Name), ("Arn", pool.Arn),
                ("Created", pool.CreationDate is { } created ? UserCommands.Date(created) : "(configured)"),
                ("UsernameAttributes", string.Join(", ", pool.UsernameAttributes)),
                ("PasswordMinimumLength", pool.Policies.PasswordPolicy?.MinimumLength?.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("EnumerationMode", pool.UserPoolTags?.GetValueOrDefault(CreateUserPool.EnumerationModeTag)),
                ("EstimatedNumberOfUsers", pool.EstimatedNumberOfUsers.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                ("Clients", string.Join(", ", cli.Services.GetRequiredService<Pools.UserPools>().ClientsOf(pool.Id).Select(c => c.ClientId))),
            ]);
            return ExitCodes.Ok;
        });
        pools.Add(show);

        var name = new Argument<string>("name") { Description = "The pool's name." };
        var region = new Option<string>("--region") { Description = "The region part of the new id.", DefaultValueFactory = _ => "us-east-1" };
        var usernameAttributes = new Option<string[]>("--username-attributes")
        {
            Description = "phone_number and/or email: users sign up with these as their username. Default: free-form usernames.",
            AllowMultipleArgumentsPerToken = true,
        };
        var enumerationMode = new Option<string?>("--enumeration-mode")
        {
            Description = "Strict (default: SignUp of a taken number answers like a new one, the owner is told) or Cognito (Cognito's answers, "
                + "UsernameExistsException). Stored as the pool's tag sesame:EnumerationMode.",
        };
        enumerationMode.AcceptOnlyFromAmong("Strict", "Cognito");
        var create = new Command("create", "Create a pool (stored; a server on the same SQLite data sees it from its next start, PostgreSQL nodes within Storage:RefreshInterval).") { name, region, usernameAttributes, enumerationMode };
        run.Handle(create, async (parseResult, cli, cancellationToken) =>
        {
            var created = await cli.Operation<CreateUserPool>().ExecuteAsync(
                new CreateUserPoolRequest(parseResult.GetValue(name), null, parseResult.GetValue(usernameAttributes) is { Length: > 0 } a ? [.. a] : null, null,
                    UserPoolTags: parseResult.GetValue(enumerationMode) is { } mode ? new() { [CreateUserPool.EnumerationModeTag] = mode } : null),
                cli.Call(parseResult.GetValue(region)), cancellationToken);
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(created, AdminJsonContext.Wire.CreateUserPoolResponse));
                return ExitCodes.Ok;
            }

            await cli.Out.WriteLineAsync($"Created user pool {created.UserPool.Id}.");
            return ExitCodes.Ok;
        });
        pools.Add(create);
        return pools;
    }
}
