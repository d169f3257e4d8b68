using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Triggers.Http;

namespace Sesame.Triggers;

/// <summary>
/// Runs a pool's trigger for an event and turns its failures into the errors Cognito clients expect:
/// a thrown error is <c>UserLambdaValidationException</c> "<c>&lt;Trigger&gt; failed with error &lt;message&gt;.</c>", a
/// trigger that takes longer than Cognito's 5 seconds is <c>UnexpectedLambdaException</c>.
/// Which trigger runs is decided per pool (<see cref="UserPoolTriggersOptions"/>): an HTTP hook, the built-in one, a C#
/// trigger registered for the pool, a C# trigger registered for every pool, in that order.
/// </summary>
internal sealed class TriggerInvoker(IServiceProvider services, UserPools pools, HttpTrigger http, LambdaFunctions lambdas, TimeProvider time)
{
    /// <summary>The DI key of the built-in one-time-code triggers.</summary>
    public const string BuiltInKey = "Sesame.BuiltIn";

    // Cognito's fixed Lambda trigger timeout.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    /// <summary>True when the pool has a trigger for <paramref name="triggerName"/>, so callers can skip building an event nobody reads.</summary>
    public bool Has<TEvent>(string poolId, string triggerName) where TEvent : TriggerEvent =>
        Resolve<TEvent>(poolId, triggerName) is not (null, null);

    /// <summary>
    /// True when what runs for <paramref name="triggerName"/> is Sesame's built-in trigger, or nothing: code known not to
    /// change, disable or delete the user, so a flow need not read the user again after it (an HTTP hook or an app's C#
    /// trigger may do anything).
    /// </summary>
    public bool IsBuiltInOrNone<TEvent>(string poolId, string triggerName) where TEvent : TriggerEvent =>
        Resolve<TEvent>(poolId, triggerName) switch
        {
            (null, null) => true,
            (null, { } trigger) => ReferenceEquals(trigger, services.GetKeyedService<ITrigger<TEvent>>(BuiltInKey)),
            _ => false,
        };

    /// <summary>
    /// Which trigger runs for <paramref name="triggerName"/>, for operators' log lines: an HTTP hook's URL without its
    /// query, or a C# trigger's type name.
    /// </summary>
    public string Describe<TEvent>(string poolId, string triggerName) where TEvent : TriggerEvent =>
        Resolve<TEvent>(poolId, triggerName) switch
        {
            ({ Url: { } url }, _) => Uri.TryCreate(url, UriKind.Absolute, out var uri) ? $"HTTP hook {uri.GetLeftPart(UriPartial.Path)}" : "HTTP hook",
            (_, { } trigger) => $"C# trigger {trigger.GetType().FullName}",
            _ => "none",
        };

    public async ValueTask InvokeAsync<TEvent>(string triggerName, TEvent triggerEvent, CancellationToken cancellationToken)
        where TEvent : TriggerEvent
    {
        var (hook, trigger) = Resolve<TEvent>(triggerEvent.UserPoolId, triggerName);
        if (hook is null && trigger is null)
        {
            return;
        }

        using var activity = Telemetry.Source.StartActivity("trigger " + triggerName);
        activity?.SetTag("sesame.trigger", triggerName);
        activity?.SetTag("sesame.trigger.kind", hook is null ? "code" : "http");

        // One timer, on the server's clock, armed before the trigger starts: it cancels an HTTP call, and WaitAsync stops
        // waiting for a C# trigger that ignores its token.
        using var timer = new CancellationTokenSource(Timeout, time);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        try
        {
            var running = hook is not null
                ? http.InvokeAsync(triggerName, hook, triggerEvent, timeout.Token)
                : trigger!.HandleAsync(triggerEvent, timeout.Token);
            await running.AsTask().WaitAsync(timeout.Token);
        }
        catch (CognitoException)
        {
            throw;
        }
        catch (Exception e) when (e is TimeoutException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            throw CognitoErrors.Error(CognitoErrors.UnexpectedLambda,
                $"{triggerName} invocation failed due to error Socket timeout while invoking Lambda function.");
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            throw CognitoErrors.Error(CognitoErrors.UserLambdaValidation, $"{triggerName} failed with error {e.Message}.");
        }
    }

    private (TriggerOptions? Hook, ITrigger<TEvent>? Trigger) Resolve<TEvent>(string poolId, string triggerName) where TEvent : TriggerEvent
    {
        var options = pools.FindPool(poolId)?.Options.Triggers.All().FirstOrDefault(t => t.Name == triggerName).Options;
        if (options?.Url is not null)
        {
            return (options, null);
        }

        // A trigger set through LambdaConfig runs as the HTTP trigger its ARN is mapped to. An ARN taken out of the
        // table since fails like a Lambda that cannot be invoked, never silently falls back to another trigger.
        if (options?.LambdaArn is { } arn)
        {
            return (lambdas.Find(arn) ?? throw CognitoErrors.Error(CognitoErrors.UnexpectedLambda,
                $"{triggerName} invocation failed: {arn} is not mapped in {SesameOptions.SectionName}:LambdaFunctions."), null);
        }

        if (options?.BuiltIn == true)
        {
            return (null, services.GetKeyedServices<ITrigger<TEvent>>(BuiltInKey).LastOrDefault());
        }

        // The last registration wins, so an app's own trigger replaces the built-in default.
        return (null, services.GetKeyedServices<ITrigger<TEvent>>(poolId).LastOrDefault() ?? services.GetServices<ITrigger<TEvent>>().LastOrDefault());
    }
}
