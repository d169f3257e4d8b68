using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Sesame.CognitoApi;
using Sesame.Storage;
using Sesame.Users;

namespace Sesame.Host.CommandLine;

/// <summary>
/// <c>sesame outbox list|retry</c>: where queued SMS and email stand (destinations masked, content never shown), and
/// sending a message that waits for its next attempt now.
/// </summary>
internal static class OutboxCommands
{
    public static Command Create(CommandRun run)
    {
        var outbox = new Command("outbox", "The message outbox: delivery status, retries.");

        var pool = new Option<string?>("--pool", "-p") { Description = "Only this pool's messages." };
        var status = new Option<string?>("--status") { Description = "queued, sent or failed." };
        status.AcceptOnlyFromAmong("queued", "sent", "failed");
        var destination = new Option<string?>("--destination") { Description = "A phone number or email (masked before matching), or a masked hint." };
        var limit = new Option<int>("--limit") { Description = "At most this many, newest first (1-1000, default 100).", DefaultValueFactory = _ => 100 };
        limit.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() is < 1 or > 1000)
            {
                result.AddError("--limit must be between 1 and 1000.");
            }
        });
        var list = new Command("list", "List messages, newest first.") { pool, status, destination, limit };
        run.Handle(list, async (parseResult, cli, cancellationToken) =>
        {
            var to = parseResult.GetValue(destination)?.Trim();
            var hint = string.IsNullOrEmpty(to) ? null
                : to.Contains('*', StringComparison.Ordinal) ? to
                : UserAttributes.IsPhoneNumber(to) ? Masking.Phone(to)
                : to.Contains('@', StringComparison.Ordinal) ? Masking.Email(to)
                : to;
            var found = MessageStatusList.From(await cli.Services.GetRequiredService<IMessageStatusStore>().QueryAsync(
                new MessageStatusQuery(parseResult.GetValue(pool), parseResult.GetValue(status), hint, parseResult.GetValue(limit)), cancellationToken));
            if (cli.Format == OutputFormat.Json)
            {
                await cli.Out.WriteLineAsync(JsonSerializer.Serialize(found, MessageStatusJsonContext.Relaxed.MessageStatusList));
                return ExitCodes.Ok;
            }

            Table.Write(cli.Out, ["ID", "POOL", "CHANNEL", "TO", "STATUS", "ATTEMPTS", "PROVIDER", "CREATED", "NEXT_ATTEMPT", "ERROR"], found.Messages.Select(m => new[]
            {
                m.Id.ToString(CultureInfo.InvariantCulture), m.UserPoolId, m.Channel, m.Destination, m.Status,
                m.Attempts.ToString(CultureInfo.InvariantCulture), m.Provider, Time(m.CreatedAt), m.NextAttemptAt is { } next ? Time(next) : null,
                m.Error,
            }));
            return ExitCodes.Ok;
        });
        outbox.Add(list);

        var retryPool = new Option<string?>("--pool", "-p") { Description = "Every waiting message of this pool." };
        var id = new Argument<long?>("id") { Description = "One message (default: every message waiting for a retry).", Arity = ArgumentArity.ZeroOrOne };
        var retry = new Command("retry", "Send messages that wait for their next attempt now (the running server's dispatcher picks them up). "
            + "Sent and failed messages no longer hold their content and cannot be sent again.") { retryPool, id };
        run.Handle(retry, async (parseResult, cli, cancellationToken) =>
        {
            var now = cli.Services.GetRequiredService<TimeProvider>().GetUtcNow();
            var count = await cli.Services.GetRequiredService<IOutboxStore>().RetryNowAsync(
                parseResult.GetValue(id), parseResult.GetValue(retryPool), now, cancellationToken);
            if (count == 0 && parseResult.GetValue(id) is { } one)
            {
                await cli.Error.WriteLineAsync($"Message {one} is not waiting for a retry (unknown, already due, sent or failed).");
                return ExitCodes.NotFound;
            }

            await cli.Out.WriteLineAsync($"{count} message(s) due now.");
            return ExitCodes.Ok;
        });
        outbox.Add(retry);
        return outbox;
    }

    private static string Time(DateTimeOffset time) => time.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture);
}
