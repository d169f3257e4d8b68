using Sesame.Configuration;
using Sesame.Tests.TestSupport;

namespace Sesame.Tests.Unit;

public sealed class TriggerOptionsValidatorTests
{
    private static SesameOptions Options(Action<UserPoolOptions> configure)
    {
        var pool = new UserPoolOptions();
        configure(pool);
        var options = new SesameOptions();
        options.UserPools["us-east-1_Test"] = pool;
        return options;
    }

    private static string? Failure(SesameOptions options, string environment = "Production") =>
        new TriggerOptionsValidator(new TestHostEnvironment(environment)).Validate(null, options).FailureMessage;

    [Fact]
    public void Validate_TestNumbersInProduction_Refused()
    {
        var options = Options(pool => pool.OneTimeCode.TestNumbers["+10000000000"] = "111111");

        Assert.Contains("AllowTestNumbers", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_TestNumbersInDevelopment_Accepted()
    {
        Assert.Null(Failure(Options(pool => pool.OneTimeCode.TestNumbers["+10000000000"] = "111111"), "Development"));
    }

    [Fact]
    public void Validate_TestNumbersInProductionExplicitlyAllowed_Accepted()
    {
        var options = Options(pool => pool.OneTimeCode.TestNumbers["+10000000000"] = "111111");
        options.AllowTestNumbers = true;

        Assert.Null(Failure(options));
    }

    [Fact]
    public void Validate_TestNumberCodeOfWrongLength_Refused()
    {
        Assert.Contains("6 digits", Failure(Options(pool => pool.OneTimeCode.TestNumbers["+10000000000"] = "1111"), "Development"), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpTriggerWithoutSecret_RefusedNamingTheSetting()
    {
        var options = Options(pool => pool.Triggers.DefineAuthChallenge = new TriggerOptions { Url = "https://hooks.example.com/define" });

        Assert.Contains("Sesame:UserPools:us-east-1_Test:Triggers:DefineAuthChallenge:Secret", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_HttpTriggerWithRelativeUrl_Refused()
    {
        var options = Options(pool => pool.Triggers.PreSignUp = new TriggerOptions { Url = "/presignup", Secret = new string('s', 32) });

        Assert.Contains("Triggers:PreSignUp:Url", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_PlainHttpToAnotherHostInProduction_Refused()
    {
        var options = Options(pool => pool.Triggers.CreateAuthChallenge = new TriggerOptions { Url = "http://hooks.example.com/c", Secret = new string('s', 32) });

        Assert.Contains("must use https", Failure(options), StringComparison.Ordinal);
        Assert.Null(Failure(options, "Development"));
    }

    [Fact]
    public void Validate_PlainHttpToLoopbackInProduction_Accepted()
    {
        var options = Options(pool => pool.Triggers.CreateAuthChallenge = new TriggerOptions { Url = "http://127.0.0.1:8080/c", Secret = new string('s', 32) });

        Assert.Null(Failure(options));
    }

    [Fact]
    public void Validate_BuiltInForATriggerWithoutOne_Refused()
    {
        var options = Options(pool => pool.Triggers.PreSignUp = new TriggerOptions { BuiltIn = true });

        Assert.Contains("no built-in PreSignUp", Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_WellFormedHttpTrigger_Accepted()
    {
        var options = Options(pool => pool.Triggers.PreTokenGeneration = new TriggerOptions { Url = "https://hooks.example.com/t", Secret = new string('s', 32) });

        Assert.Null(Failure(options));
    }

    private const string Arn = "arn:aws:lambda:us-east-1:123456789012:function:define";

    [Theory]
    [InlineData(null, "https://hooks.example.com/define", "LambdaFunctions:0:Arn")]
    [InlineData(Arn, null, "LambdaFunctions:0:Url is required")]
    [InlineData(Arn, "http://hooks.example.com/define", "must use https")]
    public void Validate_LambdaFunctionIncomplete_RefusedNamingTheSetting(string? arn, string? url, string expected)
    {
        var options = new SesameOptions();
        options.LambdaFunctions.Add(new LambdaFunctionOptions { Arn = arn, Url = url, Secret = new string('s', 32) });

        Assert.Contains(expected, Failure(options), StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_LambdaFunctionTwiceOrShortSecret_Refused()
    {
        var options = new SesameOptions();
        options.LambdaFunctions.Add(new LambdaFunctionOptions { Arn = Arn, Url = "https://hooks.example.com/a", Secret = new string('s', 32) });
        options.LambdaFunctions.Add(new LambdaFunctionOptions { Arn = Arn, Url = "https://hooks.example.com/b", Secret = "short" });

        var failure = Failure(options);

        Assert.Contains("mapped twice", failure, StringComparison.Ordinal);
        Assert.Contains("LambdaFunctions:1:Secret", failure, StringComparison.Ordinal);
    }
}
