using Sesame.CognitoApi;

namespace Sesame.Triggers;

/// <summary>
/// Runs a pool's trigger for an event and turns its failures into the errors Cognito clients expect:
/// a thrown error is <c>UserLambdaValidationException</c> "<c>&lt;Trigger&gt; failed with error &lt;message&gt;.</c>", a
/// trigger that takes longer than Cognito's 5 seconds is <c>UnexpectedLambdaException</c>.
/// </summary>
internal sealed class TriggerInvoker(IServiceProvider services, TimeProvider time)
{
    // Cognito's fixed Lambda trigger timeout.
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    public async ValueTask InvokeAsync<TEvent>(string triggerName, TEvent triggerEvent, CancellationToken cancellationToken)
        where TEvent : TriggerEvent
    {
        // The last registration wins, so an app's own trigger replaces the built-in default.
        var trigger = services.GetServices<ITrigger<TEvent>>().LastOrDefault();
        if (trigger is null)
        {
            return;
        }

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            await trigger.HandleAsync(triggerEvent, timeout.Token).AsTask().WaitAsync(Timeout, time, cancellationToken);
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
}
