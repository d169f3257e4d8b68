using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.WebUtilities;
using Sesame.Cognito;
using Sesame.Pools;
using Sesame.Storage;
using Sesame.SignUp;
using Sesame.Tokens;
using Sesame.Users;

namespace Sesame.OAuth;

/// <summary>
/// <c>/oauth2/authorize</c>, the hosted page at <c>/login</c> and <c>/logout</c>, on Cognito's paths. A browser with a
/// live page session gets a code at once (unless <c>prompt=login</c>, or <c>max_age</c> is shorter than the time since
/// it signed in); otherwise it goes to the page, which signs the user in (or up) with one code and then redirects to the
/// client with an authorization code. Page sessions are recorded in the store, and /logout ends them there.
/// </summary>
internal sealed partial class HostedUiEndpoints(
    UserPools pools, HostedUiCookies cookies, SignInOrSignUp codeSignIn, AuthorizationCodes codes, IOAuthGrantStore grants, ILogger<HostedUiEndpoints> logger)
{
    public async Task<IResult> AuthorizeAsync(HttpContext context, CancellationToken cancellationToken)
    {
        switch (AuthorizeRequest.Check(context.Request.Query, pools))
        {
            case AuthorizeCheck.Refused refused:
                return ErrorPage(context, null, Refusal(HostedPage.Language(context.Request), refused));
            case AuthorizeCheck.RedirectError redirect:
                return Results.Redirect(redirect.Location);
            case AuthorizeCheck.Valid { Client: var client, Parameters: var request }:
                if (await ReusableSessionAsync(context, client, request, cancellationToken) is { } session)
                {
                    return await CodeRedirectAsync(context, client, request, session, cancellationToken);
                }

                if (request.Prompt == "none")
                {
                    return Results.Redirect(AuthorizeRequest.ErrorRedirect(request, "login_required", "The user is not signed in."));
                }

                // Cognito's authorization endpoint sends the browser to its login page with the same parameters.
                return Results.Redirect("/login" + context.Request.QueryString.Value);
        }

        return ErrorPage(context, null, HostedPage.Text(HostedPage.Language(context.Request), "Error_BadRequest"));
    }

    /// <summary>
    /// Around every page endpoint: a failure (the store down, a bug) shows the plain error page with a 500, never a stack
    /// trace (in Development ASP.NET Core would show its exception page); the exception goes to the log, without the request.
    /// </summary>
    public async ValueTask<object?> PageErrorsAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var context = invocation.HttpContext;
        try
        {
            return await next(invocation);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception e) when (!context.Response.HasStarted)
        {
            if (e is not StorageUnavailableException)
            {
                // The store logs its own outage once; anything else is logged here, by type and stack, never with the request.
                LogFailed(logger, e);
            }

            var lang = HostedPage.Language(context.Request);
            return ErrorPage(context, null, HostedPage.Text(lang, "Error_Generic"), StatusCodes.Status500InternalServerError, lang);
        }
    }

    /// <summary>GET /login: a new authorization request (Cognito's classic hosted UI path), or the current page again (a language change).</summary>
    public async Task<IResult> LoginPageAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!context.Request.Query.ContainsKey("client_id"))
        {
            return CurrentPage(context);
        }

        switch (AuthorizeRequest.Check(context.Request.Query, pools))
        {
            case AuthorizeCheck.Refused refused:
                return ErrorPage(context, null, Refusal(HostedPage.Language(context.Request), refused));
            case AuthorizeCheck.RedirectError redirect:
                return Results.Redirect(redirect.Location);
            case AuthorizeCheck.Valid { Client: var client, Parameters: var request }:
                if (await ReusableSessionAsync(context, client, request, cancellationToken) is { } session)
                {
                    return await CodeRedirectAsync(context, client, request, session, cancellationToken);
                }

                var state = new PageState(request, Base64Url(RandomNumberGenerator.GetBytes(32)), HostedPage.Language(context.Request),
                    (cookies.Now + HostedUiCookies.PageLifetime).ToUnixTimeSeconds(), Step: null);
                Save(context, state);
                return Page(context, client, state, PageView.Login);
        }

        return ErrorPage(context, null, HostedPage.Text(HostedPage.Language(context.Request), "Error_BadRequest"));
    }

    /// <summary>POST /login: one step of the page (send a code, answer it, resend it, start over).</summary>
    public async Task<IResult> LoginPostAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (await Forms.ReadAsync(context.Request, cancellationToken) is not { } form)
        {
            return ErrorPage(context, null, HostedPage.Text(HostedPage.Language(context.Request), "Error_Forbidden"));
        }

        var state = Load(context);
        if (state is null || pools.FindClient(state.Request.ClientId) is not { } client)
        {
            return ErrorPage(context, null, HostedPage.Text(HostedPage.Language(context.Request), "Error_PageExpired"));
        }

        state = state with { Lang = HostedPage.Language(context.Request, state.Lang) };
        // Double-submit CSRF token, compared in constant time; SameSite=Lax already keeps other sites' posts cookie-less.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.ASCII.GetBytes(form["csrf"].FirstOrDefault() ?? string.Empty), Encoding.ASCII.GetBytes(state.Csrf)))
        {
            return ErrorPage(context, client, HostedPage.Text(state.Lang, "Error_Forbidden"), StatusCodes.Status403Forbidden, state.Lang);
        }

        try
        {
            return form["action"].FirstOrDefault() switch
            {
                "start" => await StartAsync(context, client, state, form["login"].FirstOrDefault(), cancellationToken),
                "answer" => await AnswerAsync(context, client, state, form["code"].FirstOrDefault(), cancellationToken),
                "resend" => await ResendAsync(context, client, state, cancellationToken),
                "password" => await NewPasswordAsync(context, client, state, form["password"].FirstOrDefault(), cancellationToken),
                "restart" => Restart(context, client, state),
                _ => Page(context, client, state, ViewOf(state)),
            };
        }
        catch (CognitoException e) when (e.Type is CognitoErrors.LimitExceeded or "TooManyRequestsException")
        {
            return Page(context, client, state, ViewOf(state), HostedPage.Text(state.Lang, "Error_TooMany"));
        }
        catch (CognitoException e) when (e.Type == CognitoErrors.UserNotConfirmed)
        {
            // Sign-up closed and nothing to confirm with: say so rather than a bare refusal.
            LogRefused(logger, e.Type);
            return Page(context, client, state with { Step = null }, PageView.Login, HostedPage.Text(state.Lang, "Error_NotConfirmed"));
        }
        catch (CognitoException e)
        {
            LogRefused(logger, e.Type);
            return Page(context, client, state, ViewOf(state), HostedPage.Text(state.Lang, "Error_CannotSignIn"));
        }
    }

    /// <summary>
    /// GET /logout: Cognito's <c>client_id</c> + <c>logout_uri</c> (one of LogoutURLs), or <c>client_id</c> +
    /// <c>redirect_uri</c> + <c>response_type</c> to sign in again; OpenID Connect's <c>post_logout_redirect_uri</c> (with
    /// <c>client_id</c> or <c>id_token_hint</c>, and <c>state</c> passed back) is accepted too. The page session ends in
    /// every case, in the browser and in the store.
    /// </summary>
    public async Task<IResult> LogoutAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var query = context.Request.Query;
        var lang = HostedPage.Language(context.Request);
        if (cookies.Read(context.Request, HostedUiCookies.SessionCookie, OAuthJsonContext.Default.HostedSession) is { } ending)
        {
            await grants.EndPageSessionAsync(ending.IdHash, cancellationToken);
        }

        cookies.Delete(context.Response, HostedUiCookies.SessionCookie);
        cookies.Delete(context.Response, HostedUiCookies.PageCookie);
        // OpenID Connect RP-initiated logout may name the client by id_token_hint alone (ASP.NET Core's handler does): its
        // aud only chooses among that client's registered sign-out URLs, so it is read, not trusted for more.
        if ((query["client_id"].FirstOrDefault() ?? AudienceOf(query["id_token_hint"].FirstOrDefault())) is not { } clientId
            || pools.FindClient(clientId) is not { } client)
        {
            return ErrorPage(context, null, HostedPage.Text(lang, "Error_UnknownClient"), lang: lang);
        }

        var logoutUris = client.Options.LogoutURLs ?? [];
        if (query["logout_uri"].FirstOrDefault() is { } logoutUri)
        {
            return logoutUris.Contains(logoutUri, StringComparer.Ordinal)
                ? Results.Redirect(logoutUri)
                : ErrorPage(context, client, HostedPage.Text(lang, "Error_LogoutUri", "logout_uri"), lang: lang);
        }

        if (query["post_logout_redirect_uri"].FirstOrDefault() is { } postLogout)
        {
            return logoutUris.Contains(postLogout, StringComparer.Ordinal)
                ? Results.Redirect(query["state"].FirstOrDefault() is { } state ? QueryHelpers.AddQueryString(postLogout, "state", state) : postLogout)
                : ErrorPage(context, client, HostedPage.Text(lang, "Error_LogoutUri", "post_logout_redirect_uri"), lang: lang);
        }

        if (query.ContainsKey("redirect_uri") && query.ContainsKey("response_type"))
        {
            return Results.Redirect("/login" + context.Request.QueryString.Value);
        }

        return HostedPage.Render(context, new PageModel(PageView.SignedOut, lang, client) { Now = cookies.Now });
    }

    private async Task<IResult> StartAsync(HttpContext context, AppClient client, PageState state, string? typed, CancellationToken cancellationToken)
    {
        if (Normalize(typed, client.Pool) is not { } login)
        {
            var key = client.Pool.UsesEmailAsUsername ? "Error_InvalidLogin" : "Error_InvalidPhone";
            return Page(context, client, state with { Step = null }, PageView.Login, HostedPage.Text(state.Lang, key), login: typed);
        }

        var step = await codeSignIn.StartAsync(client, login, cancellationToken);
        var next = state with { Step = step };
        Save(context, next);
        return Page(context, client, next, PageView.Code);
    }

    private async Task<IResult> AnswerAsync(HttpContext context, AppClient client, PageState state, string? typed, CancellationToken cancellationToken)
    {
        if (state.Step is not { } step)
        {
            return Page(context, client, state, PageView.Login);
        }

        var code = new string((typed ?? string.Empty).Where(char.IsAsciiDigit).ToArray());
        if (code.Length == 0)
        {
            return Page(context, client, state, PageView.Code, HostedPage.Text(state.Lang, "Error_CodeRequired"));
        }

        if (step.AttemptsLeft <= 0)
        {
            return Page(context, client, state, PageView.Code, HostedPage.Text(state.Lang, "Error_NoAttempts"));
        }

        if (cookies.Now >= step.ExpiresAt)
        {
            return Page(context, client, state, PageView.Code, HostedPage.Text(state.Lang, "Error_Expired"));
        }

        CodeSignInAnswer answer;
        try
        {
            answer = await codeSignIn.AnswerAsync(client, step, code, cancellationToken);
        }
        catch (CognitoException e) when (e.Type is CognitoErrors.CodeMismatch or CognitoErrors.ExpiredCode or CognitoErrors.NotAuthorized)
        {
            var left = e.Type == CognitoErrors.CodeMismatch ? step.AttemptsLeft - 1 : 0;
            var next = state with { Step = step with { AttemptsLeft = left } };
            Save(context, next);
            var message = e.Type == CognitoErrors.ExpiredCode ? "Error_Expired" : left > 0 ? "Error_WrongCode" : "Error_NoAttempts";
            return Page(context, client, next, PageView.Code, HostedPage.Text(state.Lang, message, left));
        }

        if (answer.NewPasswordStep is { } newPassword)
        {
            // A temporary password (FORCE_CHANGE_PASSWORD): the code proved the phone or email; now the user's own password.
            var next = state with { Step = newPassword };
            Save(context, next);
            return Page(context, client, next, PageView.NewPassword);
        }

        return await SignedInAsync(context, client, state, answer.User!, cancellationToken);
    }

    private async Task<IResult> NewPasswordAsync(HttpContext context, AppClient client, PageState state, string? typed, CancellationToken cancellationToken)
    {
        if (state.Step is not { Kind: CodeSignInState.NewPasswordKind } step)
        {
            return Page(context, client, state, ViewOf(state));
        }

        User user;
        try
        {
            user = await codeSignIn.SetNewPasswordAsync(client, step, typed ?? string.Empty, cancellationToken);
        }
        catch (CognitoException e) when (e.Type == CognitoErrors.InvalidPassword)
        {
            return Page(context, client, state, PageView.NewPassword, HostedPage.Text(state.Lang, "Error_PasswordPolicy", client.Pool.Options.PasswordMinimumLength));
        }
        catch (CognitoException e) when (e.Type == CognitoErrors.NotAuthorized)
        {
            // The step outlived its session (or the password was set meanwhile): start again with a new code.
            LogRefused(logger, e.Type);
            var next = state with { Step = null };
            Save(context, next);
            return Page(context, client, next, PageView.Login, HostedPage.Text(state.Lang, "Error_PasswordStepExpired"));
        }

        return await SignedInAsync(context, client, state, user, cancellationToken);
    }

    /// <summary>Signed in on the page: the page session (cookie and store row), then the client's redirect with a code.</summary>
    private async Task<IResult> SignedInAsync(HttpContext context, AppClient client, PageState state, User user, CancellationToken cancellationToken)
    {
        var now = cookies.Now;
        var session = new HostedSession(client.Pool.Id, user.Username, user.Sub, now.ToUnixTimeSeconds(), (now + HostedUiCookies.SessionLifetime).ToUnixTimeSeconds(),
            Base64Url(RandomNumberGenerator.GetBytes(32)));
        await grants.SavePageSessionAsync(session.IdHash, session.PoolId, session.Username, now + HostedUiCookies.SessionLifetime, now, cancellationToken);
        cookies.Write(context.Response, HostedUiCookies.SessionCookie, session, OAuthJsonContext.Default.HostedSession, HostedUiCookies.SessionLifetime);
        cookies.Delete(context.Response, HostedUiCookies.PageCookie);
        var authorizationCode = await codes.IssueAsync(
            new CodeGrantRequest(client, state.Request.RedirectUri, state.Request.CodeChallenge, state.Request.Scope, state.Request.Nonce, user, now),
            cancellationToken);
        return Results.Redirect(AuthorizeRequest.CodeRedirect(state.Request, authorizationCode));
    }

    private async Task<IResult> ResendAsync(HttpContext context, AppClient client, PageState state, CancellationToken cancellationToken)
    {
        if (state.Step is not { } step)
        {
            return Page(context, client, state, PageView.Login);
        }

        if (cookies.Now < step.SentAt + client.Pool.Options.Limits.DestinationInterval)
        {
            return Page(context, client, state, PageView.Code, HostedPage.Text(state.Lang, "Error_ResendTooSoon"));
        }

        var next = state with { Step = await codeSignIn.ResendAsync(client, step, cancellationToken) };
        Save(context, next);
        return Page(context, client, next, PageView.Code, info: HostedPage.Text(state.Lang, "CodeResent", next.Step!.Destination));
    }

    private IResult Restart(HttpContext context, AppClient client, PageState state)
    {
        var next = state with { Step = null };
        Save(context, next);
        return Page(context, client, next, PageView.Login);
    }

    private IResult CurrentPage(HttpContext context)
    {
        var state = Load(context);
        if (state is null || pools.FindClient(state.Request.ClientId) is not { } client)
        {
            return ErrorPage(context, null, HostedPage.Text(HostedPage.Language(context.Request), "Error_PageExpired"));
        }

        state = state with { Lang = HostedPage.Language(context.Request, state.Lang) };
        Save(context, state);
        return Page(context, client, state, ViewOf(state));
    }

    private static PageView ViewOf(PageState state) => state.Step switch
    {
        null => PageView.Login,
        { Kind: CodeSignInState.NewPasswordKind } => PageView.NewPassword,
        _ => PageView.Code,
    };

    /// <summary>
    /// The browser's page session, when it may stand in for signing in again: no <c>prompt=login</c> (or
    /// <c>select_account</c>, <c>consent</c>), signed in no longer ago than <c>max_age</c>, and still recorded (not signed out).
    /// </summary>
    private async ValueTask<HostedSession?> ReusableSessionAsync(HttpContext context, AppClient client, AuthorizeParameters request, CancellationToken cancellationToken)
    {
        if (request.Prompt is "login" or "select_account" or "consent" || cookies.Session(context.Request, client.Pool.Id) is not { } session)
        {
            return null;
        }

        if (request.MaxAge is { } maxAge && cookies.Now.ToUnixTimeSeconds() - session.AuthTime > maxAge)
        {
            return null;
        }

        return await grants.IsPageSessionLiveAsync(session.IdHash, cookies.Now, cancellationToken) ? session : null;
    }

    private async Task<IResult> CodeRedirectAsync(HttpContext context, AppClient client, AuthorizeParameters request, HostedSession session, CancellationToken cancellationToken)
    {
        // The user must still be able to sign in; the code carries the page session's sign-in time (auth_time).
        var user = new User
        {
            PoolId = session.PoolId,
            Username = session.Username,
            Sub = session.Sub,
            Status = UserStatus.Confirmed,
            Attributes = new Dictionary<string, string>(StringComparer.Ordinal),
            CreatedAt = cookies.Now,
            ModifiedAt = cookies.Now,
        };
        var code = await codes.IssueAsync(new CodeGrantRequest(client, request.RedirectUri, request.CodeChallenge, request.Scope, request.Nonce, user,
            DateTimeOffset.FromUnixTimeSeconds(session.AuthTime)), cancellationToken);
        context.Response.Headers.CacheControl = "no-store";
        return Results.Redirect(AuthorizeRequest.CodeRedirect(request, code));
    }

    private PageState? Load(HttpContext context) =>
        cookies.Read(context.Request, HostedUiCookies.PageCookie, OAuthJsonContext.Default.PageState) is { } state && state.ExpiresAt > cookies.Now.ToUnixTimeSeconds()
            ? state
            : null;

    private void Save(HttpContext context, PageState state) =>
        cookies.Write(context.Response, HostedUiCookies.PageCookie, state, OAuthJsonContext.Default.PageState, HostedUiCookies.PageLifetime);

    private IResult Page(HttpContext context, AppClient client, PageState state, PageView view, string? error = null, string? info = null, string? login = null) =>
        HostedPage.Render(context, new PageModel(view, state.Lang, client)
        {
            Csrf = state.Csrf,
            Step = state.Step,
            Error = error,
            Info = info,
            Login = login ?? state.Step?.Login,
            RedirectUri = state.Request.RedirectUri,
            Now = cookies.Now,
            StatusCode = error is null ? StatusCodes.Status200OK : StatusCodes.Status400BadRequest,
        });

    private static string Refusal(string lang, AuthorizeCheck.Refused refused) =>
        refused.Argument is null ? HostedPage.Text(lang, refused.Key) : HostedPage.Text(lang, refused.Key, refused.Argument);

    private IResult ErrorPage(HttpContext context, AppClient? client, string message, int status = StatusCodes.Status400BadRequest, string? lang = null) =>
        HostedPage.Render(context, new PageModel(PageView.Error, lang ?? HostedPage.Language(context.Request), client)
        {
            Error = message,
            Now = cookies.Now,
            StatusCode = status,
        });

    /// <summary>A phone number in E.164 (spaces, dots, dashes and brackets dropped; 00 read as +) or an email; null for anything else.</summary>
    public static string? Normalize(string? typed, UserPool pool)
    {
        var text = (typed ?? string.Empty).Trim();
        if (text.Length is 0 or > 254)
        {
            return null;
        }

        if (text.Contains('@', StringComparison.Ordinal))
        {
            return pool.UsesEmailAsUsername && UserAttributes.IsEmail(text) ? text : null;
        }

        var phone = new string(text.Where(c => c is not (' ' or '-' or '.' or '(' or ')')).ToArray());
        if (phone.StartsWith("00", StringComparison.Ordinal))
        {
            phone = "+" + phone[2..];
        }

        return UserAttributes.IsPhoneNumber(phone) ? phone : null;
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>The <c>aud</c> of a JWT's payload (unverified), or null.</summary>
    private static string? AudienceOf(string? jwt)
    {
        var parts = jwt?.Split('.');
        if (parts is not { Length: 3 } || parts[1].Length > 8192)
        {
            return null;
        }

        try
        {
            using var payload = System.Text.Json.JsonDocument.Parse(System.Buffers.Text.Base64Url.DecodeFromChars(parts[1]));
            return payload.RootElement.ValueKind == System.Text.Json.JsonValueKind.Object
                && payload.RootElement.TryGetProperty("aud", out var aud) && aud.ValueKind == System.Text.Json.JsonValueKind.String
                ? aud.GetString()
                : null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException)
        {
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Hosted page: the request failed; the error page was shown.")]
    private static partial void LogFailed(ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Hosted page: a sign-in step was refused ({ErrorType}).")]
    private static partial void LogRefused(ILogger logger, string errorType);
}
