using System.Diagnostics.CodeAnalysis;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Cors.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Sesame;
using Sesame.Abuse;
using Sesame.Account;
using Sesame.Codes;
using Sesame.CognitoApi;
using Sesame.Configuration;
using Sesame.Delivery;
using Sesame.Messages;
using Sesame.Metrics;
using Sesame.OAuth;
using Sesame.Pools;
using Sesame.Secrets;
using Sesame.SignIn;
using Sesame.SignUp;
using Sesame.Storage;
using Sesame.Tokens;
using Sesame.Triggers;
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
            .PostConfigure(options =>
            {
                options.DevOutbox.Enabled ??= environment.IsDevelopment();
                if (environment.IsDevelopment() && options.Cors.AllowedOrigins.Count == 0)
                {
                    options.Cors.AllowedOrigins.Add("*");
                }
            })
            .ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, SesameOptionsValidator>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<SesameOptions>, ProductionOptionsValidator>());

        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<DataDirectory>();
        services.TryAddSingleton<ServerSecrets>();
        services.TryAddSingleton<UserPools>();
        services.AddHostedService<StoredUserPoolsLoader>();
        services.TryAddSingleton<Pseudonyms>();
        services.TryAddSingleton<Readiness>();
        services.AddHostedService<StartupTasks>();

        // One line per feature; each folder registers its own parts.
        services.AddSesameStorage();
        services.AddSesameTokens();
        services.AddSesameDelivery();
        services.AddSesameTriggers();
        services.AddSesameMessages();
        services.AddSesameCodes();
        services.AddSesameAbuse();
        services.AddSesameSignIn();
        services.AddSesameSignUp();
        services.AddSesameAdmin();
        services.AddSesameMetrics();
        services.AddSesameAccount();
        services.AddSesameCognitoApi();
        services.AddSesameOAuth();

        services.AddCors();
        services.AddOptions<CorsOptions>().Configure<IOptions<SesameOptions>>((cors, sesame) => cors.AddPolicy(
            SesameEndpointRouteBuilderExtensions.CorsPolicy, policy => Origins(policy, sesame.Value.Cors.AllowedOrigins)
            .WithMethods("POST", "GET", "OPTIONS")
            .WithHeaders("content-type", "x-amz-target", "x-amz-user-agent", "cache-control", "amz-sdk-invocation-id",
                "amz-sdk-request", "authorization", "x-amz-date", "x-amz-security-token", "x-amz-content-sha256")
            .WithExposedHeaders("x-amzn-requestid", "x-amzn-errortype", "x-amzn-errormessage", "date")
            .SetPreflightMaxAge(TimeSpan.FromHours(1))));

        // Security headers on every response: no MIME sniffing, no referrer leaking a path to other sites.
        services.AddTransient<IStartupFilter, SecurityHeaders>();

        return new SesameBuilder(services);
    }

    private static CorsPolicyBuilder Origins(CorsPolicyBuilder policy, List<string> origins) =>
        origins.Contains("*") ? policy.AllowAnyOrigin() : policy.WithOrigins([.. origins]);

    private sealed class SecurityHeaders : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use((context, nextMiddleware) =>
            {
                context.Response.Headers.XContentTypeOptions = "nosniff";
                context.Response.Headers["Referrer-Policy"] = "no-referrer";
                return nextMiddleware(context);
            });
            next(app);
        };
    }
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

    /// <summary>Runs <typeparamref name="TTrigger"/> for <typeparamref name="TEvent"/> in the pool <paramref name="userPoolId"/> only.</summary>
    public SesameBuilder AddTrigger<TEvent, [DynamicallyAccessedMembers(DynamicallyAccessedMemberTypes.PublicConstructors)] TTrigger>(string userPoolId)
        where TEvent : TriggerEvent
        where TTrigger : class, ITrigger<TEvent>
    {
        Services.AddKeyedSingleton<ITrigger<TEvent>, TTrigger>(userPoolId);
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
