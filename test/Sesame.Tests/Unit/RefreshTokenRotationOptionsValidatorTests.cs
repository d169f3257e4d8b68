using Sesame.Configuration;

namespace Sesame.Tests.Unit;

public sealed class RefreshTokenRotationOptionsValidatorTests
{
    private static SesameOptions With(string feature, int grace) => new()
    {
        UserPools =
        {
            ["us-east-1_SesameDev"] = new UserPoolOptions
            {
                Clients =
                {
                    ["sesamedevclient0000000000"] = new AppClientOptions
                    {
                        RefreshTokenRotation = new RefreshTokenRotationOptions { Feature = feature, RetryGracePeriodSeconds = grace },
                    },
                },
            },
        },
    };

    [Theory]
    [InlineData("DISABLED", 0)]
    [InlineData("ENABLED", 0)]
    [InlineData("ENABLED", 60)]
    public void Validate_CognitoRange_Succeeds(string feature, int grace) =>
        Assert.True(new RefreshTokenRotationOptionsValidator().Validate(null, With(feature, grace)).Succeeded);

    [Theory]
    [InlineData("ENABLED", 61, "RetryGracePeriodSeconds must be between 0 and 60")]
    [InlineData("ENABLED", -1, "RetryGracePeriodSeconds must be between 0 and 60")]
    [InlineData("enabled", 0, "Feature must be ENABLED or DISABLED")]
    public void Validate_OutOfRange_FailsNamingTheSetting(string feature, int grace, string message)
    {
        var result = new RefreshTokenRotationOptionsValidator().Validate(null, With(feature, grace));

        Assert.True(result.Failed);
        Assert.Contains("Sesame:UserPools:us-east-1_SesameDev:Clients:sesamedevclient0000000000:RefreshTokenRotation:", result.FailureMessage, StringComparison.Ordinal);
        Assert.Contains(message, result.FailureMessage, StringComparison.Ordinal);
    }
}
