// docs/triggers.md, "Seed 000": the Flutter tutorial's PreSignUp, which confirms every new user and marks the phone
// number verified, so sign-up sends no code. Tested in TriggerExamplesTests.
using Sesame.Triggers;

namespace Sesame.Tests.Triggers.Examples;

public sealed class AutoConfirmPreSignUp : ITrigger<PreSignUpEvent>
{
    public ValueTask HandleAsync(PreSignUpEvent triggerEvent, CancellationToken cancellationToken)
    {
        triggerEvent.Response.AutoConfirmUser = true;
        if (triggerEvent.Request.UserAttributes.ContainsKey("phone_number"))
        {
            triggerEvent.Response.AutoVerifyPhone = true;
        }

        return ValueTask.CompletedTask;
    }
}

// docs/triggers.md, "PreTokenGeneration": a claim added, one suppressed.
public sealed class TenantClaims : ITrigger<PreTokenGenerationEvent>
{
    public ValueTask HandleAsync(PreTokenGenerationEvent triggerEvent, CancellationToken cancellationToken)
    {
        triggerEvent.Response.ClaimsOverrideDetails = new ClaimsOverrideDetails
        {
            ClaimsToAddOrOverride = new() { ["tenant"] = "acme", ["sub"] = "not-allowed" },
            ClaimsToSuppress = ["phone_number"],
        };
        return ValueTask.CompletedTask;
    }
}
