using System.Text.Json.Nodes;

namespace Sesame.Tests.Triggers;

/// <summary>
/// The DefineAuthChallenge that the tutorials copy (seed 003's, as its tutorial wrote it): a CUSTOM_CHALLENGE first,
/// tokens when the one round so far passed, otherwise fail. Trusting the last result without asking which challenge it
/// answered is what opens the SRP_A bypass.
/// </summary>
internal static class TutorialDefine
{
    public static void Answer(JsonNode e)
    {
        var response = e["response"]!;
        var session = e["request"]!["session"]!.AsArray();
        if (session.Count == 0)
        {
            response["challengeName"] = "CUSTOM_CHALLENGE";
        }
        else if (session.Count == 1 && session[0]!["challengeResult"]!.GetValue<bool>())
        {
            response["issueTokens"] = true;
        }
        else
        {
            response["failAuthentication"] = true;
        }
    }
}
