using System.CommandLine;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.CognitoApi.Operations;
using Sesame.Pools;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame clients list|show|create</c>: a pool's app clients. A client secret is printed once, by <c>create</c>;
/// <c>show</c> and <c>list</c> never print it.
/// </summary>
internal static class ClientCommands
{
    public static Command Create(CommandRun run)
    {
        var clients = new Command("clients", "List, show and create app clients.");

        var pool = UserCommands.PoolOption();
        var list = new Command("list", "List a pool's app clients.") { pool };
        run.Handle(list, async (parseResult, cli, cancellationToken) =>
        {
            var found = AdminShapes.FindPool(cli.Services.GetRequiredService<UserPools>(), parseResult.GetValue(pool));
            var described = cli.Services.GetRequiredService<UserPools>().ClientsOf(found.Id)
                .Select(c => WithoutSecret(DescribeUserPoolClient.Describe(c))).ToList();
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new ClientList(described), CommandLineJsonContext.Default.ClientList));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["CLIENT_ID", "NAME", "SECRET", "CREATED"], described.Select(c => new[]
            {
                c.ClientId, c.ClientName, c.ClientSecret, c.CreationDate is { } created ? UserCommands.Date(created) : "(configured)",
            }));
            return ExitCodes.Ok;
        });
        clients.Add(list);

        var showPool = UserCommands.PoolOption();
        var id = new Argument<string>("client-id") { Description = "The app client id." };
        var show = new Command("show", "Show an app client's settings (never its secret).") { showPool, id };
        run.Handle(show, async (parseResult, cli, cancellationToken) =>
        {
            var client = WithoutSecret((await cli.Operation<DescribeUserPoolClient>().ExecuteAsync(
                new DescribeUserPoolClientRequest(parseResult.GetValue(showPool), parseResult.GetValue(id)), cli.Call(), cancellationToken)).UserPoolClient);
            await Print(cli, client);
            return ExitCodes.Ok;
        });
        clients.Add(show);

        var createPool = UserCommands.PoolOption();
        var name = new Argument<string>("name") { Description = "The client's name." };
        var secret = new Option<bool>("--secret") { Description = "Give the client a secret (a confidential, server-side app). Printed once." };
        var flows = new Option<string[]>("--auth-flows")
        {
            Description = "ALLOW_* flows (default: ALLOW_CUSTOM_AUTH ALLOW_USER_AUTH ALLOW_USER_SRP_AUTH ALLOW_REFRESH_TOKEN_AUTH).",
            AllowMultipleArgumentsPerToken = true,
        };
        var create = new Command("create", "Create an app client. Its secret, if any, is printed now and never again.") { createPool, name, secret, flows };
        run.Handle(create, async (parseResult, cli, cancellationToken) =>
        {
            var created = await cli.Operation<CreateUserPoolClient>().ExecuteAsync(new CreateUserPoolClientRequest(
                parseResult.GetValue(createPool), parseResult.GetValue(name), parseResult.GetValue(secret), null, null, null, null,
                parseResult.GetValue(flows) is { Length: > 0 } f ? [.. f] : null, null), cli.Call(), cancellationToken);
            await Print(cli, created.UserPoolClient);
            if (created.UserPoolClient.ClientSecret is not null && cli.Format == OutputFormat.Table)
            {
                await cli.Error.WriteLineAsync("Keep the ClientSecret now: no command shows it again.");
            }

            return ExitCodes.Ok;
        });
        clients.Add(create);
        return clients;
    }

    private static UserPoolClientType WithoutSecret(UserPoolClientType client) =>
        client with { ClientSecret = client.ClientSecret is null ? null : "********" };

    private static async Task Print(CliContext cli, UserPoolClientType client)
    {
        if (cli.Format == OutputFormat.Json)
        {
            await cli.Out.WriteLineAsync(JsonSerializer.Serialize(new DescribeUserPoolClientResponse(client), AdminJsonContext.Wire.DescribeUserPoolClientResponse));
            return;
        }

        Table.WritePairs(cli.Out, [
            ("ClientId", client.ClientId), ("ClientName", client.ClientName), ("UserPoolId", client.UserPoolId),
            ("ClientSecret", client.ClientSecret ?? "(none)"),
            ("ExplicitAuthFlows", string.Join(", ", client.ExplicitAuthFlows)),
            ("AccessTokenValidity", $"{client.AccessTokenValidity} {client.TokenValidityUnits.AccessToken}"),
            ("IdTokenValidity", $"{client.IdTokenValidity} {client.TokenValidityUnits.IdToken}"),
            ("RefreshTokenValidity", $"{client.RefreshTokenValidity} {client.TokenValidityUnits.RefreshToken}"),
            ("AuthSessionValidity", $"{client.AuthSessionValidity} minutes"),
            ("Created", client.CreationDate is { } created ? UserCommands.Date(created) : "(configured)"),
        ]);
    }
}
