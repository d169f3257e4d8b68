using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sesame;
using Sesame.CognitoApi;
using Sesame.CognitoApi.Operations;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Delivery.Development;
using Sesame.Secrets;
using Sesame.SignIn;
using Sesame.SignUp;
using Sesame.Storage;
using Sesame.Storage.Sqlite;
using Sesame.Tokens;
using Sesame.Triggers;
using Sesame.Triggers.OneTimeCode;
using Sesame.Users;

namespace Microsoft.Extensions.DependencyInjection;

/// <summary>Registers Sesame in a host.</summary>
public static class SesameServiceCollectionExtensions
{
    /// <summary>
    /// Adds the Sesame server, configured from the <c>Sesame</c> section. Every default is registered with
    /// <c>TryAdd</c>, so an app's own registration (a trigger, a sender, a <see cref="TimeProvider"/>) replaces it.
    /// </summary>
    public static SesameBuilder AddSesame(this IServiceCollection services, IConfiguration configuration, IHostEnvironment environment)
    {
        services.AddOptions<SesameOptions>()
            .Bind(configuration.GetSection(SesameOptions.SectionName))
            .PostConfigure(options => options.DevOutbox.Enabled ??= environment.IsDevelopment())
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, SesameOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton<ServerSecrets>();
        services.TryAddSingleton<UserPools>();
        services.TryAddSingleton<Pseudonyms>();

        // Storage: SQLite, one file under the data directory.
        services.TryAddSingleton<SqliteDatabase>();
        services.TryAddSingleton<IUserStore, SqliteUserStore>();
        services.TryAddSingleton<ISignInSessionStore, SqliteSignInSessionStore>();
        services.TryAddSingleton<IRefreshTokenStore, SqliteRefreshTokenStore>();
        services.TryAddSingleton<IOutboxStore, SqliteOutboxStore>();
        services.TryAddSingleton<SqliteSigningKeyStore>();
        services.TryAddSingleton<ISigningKeyStore>(sp => sp.GetRequiredService<SqliteSigningKeyStore>());
        services.TryAddSingleton<IStorageHealth>(sp => sp.GetRequiredService<SqliteSigningKeyStore>());

        // Tokens.
        services.TryAddSingleton<SigningKeys>();
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<AccessTokenValidator>();
        services.TryAddSingleton<RefreshTokenFlow>();

        // Delivery: the development outbox when enabled, otherwise whatever the app registers.
        services.TryAddSingleton<Outbox>();
        services.TryAddSingleton(sp =>
        {
            var options = sp.GetRequiredService<IOptions<SesameOptions>>().Value.DevOutbox;
            return new DevOutbox(options.Capacity, sp.GetRequiredService<TimeProvider>());
        });
        services.TryAddSingleton<ISmsSender>(sp => (ISmsSender)DefaultSender(sp));
        services.TryAddSingleton<IEmailSender>(sp => (IEmailSender)DefaultSender(sp));
        services.AddHostedService<OutboxDispatcher>();
        services.AddHostedService<StartupTasks>();

        // Triggers: the built-in one-time-code flow; an app's own ITrigger<T> registered later wins.
        services.TryAddSingleton<TriggerInvoker>();
        services.TryAddSingleton<OneTimeCodes>();
        services.AddSingleton<ITrigger<DefineAuthChallengeEvent>, DefineOneTimeCodeChallenge>();
        services.AddSingleton<ITrigger<CreateAuthChallengeEvent>, CreateOneTimeCodeChallenge>();
        services.AddSingleton<ITrigger<VerifyAuthChallengeResponseEvent>, VerifyOneTimeCodeChallenge>();

        // Flows and the wire protocol.
        services.TryAddSingleton<SessionStrings>();
        services.TryAddSingleton<SignInSessions>();
        services.TryAddSingleton<CustomAuthFlow>();
        services.TryAddSingleton<UserAuthFlow>();
        services.TryAddSingleton<SignUpFlow>();
        services.TryAddSingleton<CognitoApiEndpoint>();
        services.AddSingleton<ICognitoOperation, SignUp>();
        services.AddSingleton<ICognitoOperation, ConfirmSignUp>();
        services.AddSingleton<ICognitoOperation, ResendConfirmationCode>();
        services.AddSingleton<ICognitoOperation, InitiateAuth>();
        services.AddSingleton<ICognitoOperation, RespondToAuthChallenge>();
        services.AddSingleton<ICognitoOperation, GetUser>();

        services.AddCors(cors => cors.AddPolicy(SesameEndpointRouteBuilderExtensions.CorsPolicy, policy => policy
            .AllowAnyOrigin()
            .WithMethods("POST", "GET", "OPTIONS")
            .WithHeaders("content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "amz-sdk-invocation-id",
                "amz-sdk-request", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")
            .WithExposedHeaders("x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        return new SesameBuilder(services);
    }

    private static object DefaultSender(IServiceProvider services) =>
        services.GetRequiredService<IOptions<SesameOptions>>().Value.DevOutbox.Enabled == true
            ? services.GetRequiredService<DevOutbox>()
            : new UnconfiguredSender();
}

/// <summary>Adds app-supplied parts to Sesame.</summary>
public sealed class SesameBuilder(IServiceCollection services)
{
    /// <summary>The host's services.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Runs <typeparamref name="TTrigger"/> for <typeparamref name="TEvent"/> in every pool, instead of the built-in default.</summary>
    public SesameBuilder AddTrigger<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>()
        where TEvent : TriggerEvent
        where TTrigger : class, ITrigger<TEvent>
    {
        Services.AddSingleton<ITrigger<TEvent>, TTrigger>();
        return this;
    }

    /// <summary>Sends text messages through <typeparamref name="TSender"/>.</summary>
    public SesameBuilder AddSmsSender<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSender>() where TSender : class, ISmsSender
    {
        Services.RemoveAll<ISmsSender>();
        Services.AddSingleton<ISmsSender, TSender>();
        return this;
    }

    /// <summary>Sends email through <typeparamref name="TSender"/>.</summary>
    public SesameBuilder AddEmailSender<[DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TSender>() where TSender : class, IEmailSender
    {
        Services.RemoveAll<IEmailSender>();
        Services.AddSingleton<IEmailSender, TSender>();
        return this;
    }
}
