
namespace Sesame.Configuration;

/// <summary>
/// A pool's Cognito triggers (<c>Sesame:UserPools:&lt;id&gt;:Triggers</c>). For each trigger, in order: an HTTP hook when
/// <see cref="TriggerOptions.Url"/> is set; the built-in one when <see cref="TriggerOptions.BuiltIn"/> is true; else a C#
/// <c>ITrigger&lt;TEvent&gt;</c> registered for this pool, then one registered for every pool; else the built-in
/// one-time-code trigger (DefineAuthChallenge, CreateAuthChallenge, VerifyAuthChallengeResponse) or none.
/// </summary>
public sealed class UserPoolTriggersOptions
{
    /// <summary>PreSignUp: may auto-confirm and auto-verify a new user, or reject the sign-up.</summary>
    public TriggerOptions? PreSignUp { get; set; }

    /// <summary>PostConfirmation: told that a sign-up was confirmed.</summary>
    public TriggerOptions? PostConfirmation { get; set; }

    /// <summary>DefineAuthChallenge: decides the next step of a custom sign-in.</summary>
    public TriggerOptions? DefineAuthChallenge { get; set; }

    /// <summary>CreateAuthChallenge: makes (and sends) a challenge.</summary>
    public TriggerOptions? CreateAuthChallenge { get; set; }

    /// <summary>VerifyAuthChallengeResponse: checks an answer.</summary>
    public TriggerOptions? VerifyAuthChallengeResponse { get; set; }

    /// <summary>PostAuthentication: told of a sign-in before tokens go out; failing refuses it.</summary>
    public TriggerOptions? PostAuthentication { get; set; }

    /// <summary>PreTokenGeneration (version 1): adds, overrides or suppresses ID token claims.</summary>
    public TriggerOptions? PreTokenGeneration { get; set; }

    /// <summary>CustomMessage: rewrites the text of code messages (docs/delivery.md).</summary>
    public TriggerOptions? CustomMessage { get; set; }

    /// <summary>Each trigger's settings by its Cognito name.</summary>
    public IEnumerable<(string Name, TriggerOptions? Options)> All() =>
    [
        (nameof(PreSignUp), PreSignUp), (nameof(PostConfirmation), PostConfirmation),
        (nameof(DefineAuthChallenge), DefineAuthChallenge), (nameof(CreateAuthChallenge), CreateAuthChallenge),
        (nameof(VerifyAuthChallengeResponse), VerifyAuthChallengeResponse), (nameof(PostAuthentication), PostAuthentication),
        (nameof(PreTokenGeneration), PreTokenGeneration), (nameof(CustomMessage), CustomMessage),
    ];
}

/// <summary>How one trigger of one pool runs.</summary>
public sealed class TriggerOptions
{
    /// <summary>
    /// An HTTP(S) endpoint that receives the event JSON in a POST and answers with the event JSON, as a Lambda would
    /// (see docs/triggers.md for the contract).
    /// </summary>
    public string? Url { get; set; }

    /// <summary>The hook's signing secret (at least 32 characters), required with <see cref="Url"/>. Keep it out of source control.</summary>
    public string? Secret { get; set; }

    /// <summary>Use the built-in one-time-code trigger in this pool even when a C# trigger is registered.</summary>
    public bool BuiltIn { get; set; }

    /// <summary>
    /// The Lambda function ARN that CreateUserPool / UpdateUserPool set (<c>LambdaConfig</c>); it runs as the HTTP trigger
    /// <see cref="SesameOptions.LambdaFunctions"/> maps it to. Set through the API, not in configuration.
    /// </summary>
    public string? LambdaArn { get; set; }
}

/// <summary>One Lambda function ARN and the HTTP trigger that runs in its place (<c>Sesame:LambdaFunctions</c>).</summary>
public sealed class LambdaFunctionOptions
{
    /// <summary>The ARN as serverless.yml, the Amplify CLI or CloudFormation put it in <c>LambdaConfig</c>.</summary>
    public string? Arn { get; set; }

    /// <summary>The HTTP(S) endpoint that receives the event JSON, as <see cref="TriggerOptions.Url"/>.</summary>
    public string? Url { get; set; }

    /// <summary>The hook's signing secret (at least 32 characters), as <see cref="TriggerOptions.Secret"/>.</summary>
    public string? Secret { get; set; }
}
