using Sesame.Cognito;
using Sesame.Configuration;
using Sesame.Pools;
using Sesame.Triggers;

namespace Sesame.CognitoApi;

/// <summary>Cognito's versioned trigger configuration (<c>PreTokenGenerationConfig</c>, <c>CustomSMSSender</c>, …).</summary>
internal sealed record LambdaVersionConfigType(string? LambdaVersion, string? LambdaArn);

/// <summary>Cognito's <c>LambdaConfigType</c>: one Lambda function ARN per trigger.</summary>
internal sealed record LambdaConfigType(
    string? PreSignUp = null, string? CustomMessage = null, string? PostConfirmation = null, string? PreAuthentication = null,
    string? PostAuthentication = null, string? DefineAuthChallenge = null, string? CreateAuthChallenge = null,
    string? VerifyAuthChallengeResponse = null, string? PreTokenGeneration = null, string? UserMigration = null,
    LambdaVersionConfigType? PreTokenGenerationConfig = null, LambdaVersionConfigType? CustomSMSSender = null,
    LambdaVersionConfigType? CustomEmailSender = null, string? KMSKeyID = null);

/// <summary>
/// <c>LambdaConfig</c> to and from a pool's triggers. A Lambda function cannot be called from here, so each ARN must be
/// mapped to an HTTP trigger in <c>Sesame:LambdaFunctions</c>; an unmapped ARN, or a trigger Sesame does not run, is
/// refused with a message that says what to do.
/// </summary>
internal static class LambdaConfigShapes
{
    /// <summary>The pool's triggers as <paramref name="config"/> sets them: each ARN kept, to run as its mapped HTTP trigger.</summary>
    public static UserPoolTriggersOptions ToTriggers(LambdaConfigType? config, LambdaFunctions lambdas)
    {
        var triggers = new UserPoolTriggersOptions();
        if (config is null)
        {
            return triggers;
        }

        Unsupported(config.PreAuthentication, "PreAuthentication");
        Unsupported(config.UserMigration, "UserMigration");
        Unsupported(config.CustomSMSSender?.LambdaArn, "CustomSMSSender");
        Unsupported(config.CustomEmailSender?.LambdaArn, "CustomEmailSender");
        Unsupported(config.KMSKeyID, "KMSKeyID");

        var preToken = config.PreTokenGeneration;
        if (config.PreTokenGenerationConfig is { } versioned)
        {
            if (versioned.LambdaVersion is not (null or "V1_0"))
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                    $"LambdaConfig.PreTokenGenerationConfig.LambdaVersion {versioned.LambdaVersion} is not supported: Sesame runs the V1_0 event.");
            }

            if (preToken is not null && versioned.LambdaArn is not null && preToken != versioned.LambdaArn)
            {
                throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                    "LambdaConfig.PreTokenGeneration and LambdaConfig.PreTokenGenerationConfig.LambdaArn name different functions.");
            }

            preToken ??= versioned.LambdaArn;
        }

        triggers.PreSignUp = Mapped(config.PreSignUp, "PreSignUp", lambdas);
        triggers.CustomMessage = Mapped(config.CustomMessage, "CustomMessage", lambdas);
        triggers.PostConfirmation = Mapped(config.PostConfirmation, "PostConfirmation", lambdas);
        triggers.PostAuthentication = Mapped(config.PostAuthentication, "PostAuthentication", lambdas);
        triggers.DefineAuthChallenge = Mapped(config.DefineAuthChallenge, "DefineAuthChallenge", lambdas);
        triggers.CreateAuthChallenge = Mapped(config.CreateAuthChallenge, "CreateAuthChallenge", lambdas);
        triggers.VerifyAuthChallengeResponse = Mapped(config.VerifyAuthChallengeResponse, "VerifyAuthChallengeResponse", lambdas);
        triggers.PreTokenGeneration = Mapped(preToken, "PreTokenGeneration", lambdas);
        return triggers;
    }

    /// <summary>
    /// The pool's triggers as <c>LambdaConfig</c>: the ARN set through the API, or for an HTTP trigger from configuration
    /// the ARN mapped to its URL, else a stand-in ARN that names the trigger (so tools see a trigger is there).
    /// </summary>
    public static LambdaConfigType FromTriggers(UserPool pool, LambdaFunctions lambdas)
    {
        var t = pool.Options.Triggers;
        string? Arn(TriggerOptions? trigger, string name) => trigger switch
        {
            { LambdaArn: { } arn } => arn,
            { Url: { } url } => lambdas.ArnOf(url) ?? $"arn:aws:lambda:{pool.Region}:{Operations.DescribeUserPool.AccountId}:function:sesame-http-{name}",
            _ => null,
        };

        var preToken = Arn(t.PreTokenGeneration, "PreTokenGeneration");
        return new LambdaConfigType(
            PreSignUp: Arn(t.PreSignUp, "PreSignUp"),
            CustomMessage: Arn(t.CustomMessage, "CustomMessage"),
            PostConfirmation: Arn(t.PostConfirmation, "PostConfirmation"),
            PostAuthentication: Arn(t.PostAuthentication, "PostAuthentication"),
            DefineAuthChallenge: Arn(t.DefineAuthChallenge, "DefineAuthChallenge"),
            CreateAuthChallenge: Arn(t.CreateAuthChallenge, "CreateAuthChallenge"),
            VerifyAuthChallengeResponse: Arn(t.VerifyAuthChallengeResponse, "VerifyAuthChallengeResponse"),
            PreTokenGeneration: preToken,
            PreTokenGenerationConfig: preToken is null ? null : new LambdaVersionConfigType("V1_0", preToken));
    }

    private static TriggerOptions? Mapped(string? arn, string trigger, LambdaFunctions lambdas)
    {
        if (arn is null)
        {
            return null;
        }

        Validate.Length(arn, $"lambdaConfig.{char.ToLowerInvariant(trigger[0])}{trigger[1..]}", 20, 2048);
        return lambdas.Find(arn) is not null
            ? new TriggerOptions { LambdaArn = arn }
            : throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                $"LambdaConfig.{trigger} names {arn}, which Sesame cannot invoke. Map it to the HTTP trigger that stands in for it: "
                + $"add {{ \"Arn\": \"{arn}\", \"Url\": \"https://…\", \"Secret\": \"…\" }} to {SesameOptions.SectionName}:LambdaFunctions "
                + "(docs/configuration.md).");
    }

    private static void Unsupported(string? value, string trigger)
    {
        if (value is not null)
        {
            throw CognitoErrors.Error(CognitoErrors.InvalidParameter,
                $"LambdaConfig.{trigger} is not supported by Sesame; leave it out (docs/compatibility.md lists the triggers Sesame runs).");
        }
    }
}
