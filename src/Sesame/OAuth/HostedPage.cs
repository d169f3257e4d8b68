using System.Globalization;
using System.Resources;
using System.Security.Cryptography;
using System.Text;
using System.Text.Encodings.Web;
using Sesame.Pools;
using Sesame.SignUp;

namespace Sesame.OAuth;

/// <summary>Which screen of the hosted page to show.</summary>
internal enum PageView
{
    Login,
    Code,
    NewPassword,
    Error,
    SignedOut,
}

/// <summary>Everything one rendering of the page needs.</summary>
internal sealed record PageModel(PageView View, string Lang, AppClient? Client)
{
    public string? Csrf { get; init; }
    public CodeSignInState? Step { get; init; }
    public string? Error { get; init; }
    public string? Info { get; init; }
    public string? Login { get; init; }
    public string? RedirectUri { get; init; }
    public DateTimeOffset Now { get; init; }
    public int StatusCode { get; init; } = StatusCodes.Status200OK;
}

/// <summary>
/// The hosted sign-in page, rendered on the server: plain HTML forms that work without JavaScript, a few lines of
/// script that only improve them (a resend countdown, digits-only paste, Web OTP), strings from resource files (English and
/// French, by <c>lang</c> or <c>Accept-Language</c>), the app client's branding, and headers that keep it from being
/// framed, cached or sniffed.
/// </summary>
internal static class HostedPage
{
    public static readonly string[] Languages = ["en", "fr"];
    // One neutral resource file per language (PageStrings_en.resx, PageStrings_fr.resx): the server runs with invariant
    // globalization, where satellite assemblies chosen by CultureInfo are not available.
    private static readonly Dictionary<string, ResourceManager> Strings = Languages.ToDictionary(
        l => l, l => new ResourceManager("Sesame.OAuth.PageStrings_" + l, typeof(HostedPage).Assembly), StringComparer.Ordinal);

    private static readonly Dictionary<string, string> LanguageNames = new(StringComparer.Ordinal) { ["en"] = "English", ["fr"] = "Français" };

    /// <summary>
    /// <c>lang</c> (query or form, Cognito's parameter) when supported, else the page's earlier choice, else the first
    /// supported of OpenID Connect's <c>ui_locales</c> (space-separated, in order of preference), else the best of
    /// <c>Accept-Language</c>, else English.
    /// </summary>
    public static string Language(HttpRequest request, string? fromState = null)
    {
        // Only a form the endpoint has read (a malformed one is never read again here, nor read synchronously).
        var asked = request.Query["lang"].FirstOrDefault() ?? Forms.AlreadyRead(request)?["lang"].FirstOrDefault();
        if (asked is not null && Languages.Contains(asked))
        {
            return asked;
        }

        if (fromState is not null && Languages.Contains(fromState))
        {
            return fromState;
        }

        var uiLocales = (request.Query["ui_locales"].FirstOrDefault() ?? string.Empty).Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var accepted = request.GetTypedHeaders().AcceptLanguage.OrderByDescending(v => v.Quality ?? 1).Select(v => v.Value.Value ?? string.Empty);
        return uiLocales.Concat(accepted).Select(tag => tag.Split('-')[0].ToLowerInvariant()).FirstOrDefault(Languages.Contains) ?? "en";
    }

    public static string Text(string lang, string key, params object[] args)
    {
        var text = Strings[lang].GetString(key, CultureInfo.InvariantCulture) ?? Strings["en"].GetString(key, CultureInfo.InvariantCulture) ?? key;
        return args.Length == 0 ? text : string.Format(CultureInfo.InvariantCulture, text, args);
    }

    public static IResult Render(HttpContext context, PageModel model)
    {
        var nonce = Convert.ToBase64String(RandomNumberGenerator.GetBytes(16));
        var headers = context.Response.Headers;
        headers.ContentSecurityPolicy = Csp(nonce, model);
        headers.XFrameOptions = "DENY";
        headers.CacheControl = "no-store";
        headers.Pragma = "no-cache";
        return Results.Content(Html(nonce, model), "text/html; charset=utf-8", Encoding.UTF8, model.StatusCode);
    }

    private static string Csp(string nonce, PageModel model)
    {
        var images = model.Client?.Options.Branding.LogoUrl is { } logo && Uri.TryCreate(logo, UriKind.Absolute, out var logoUri)
            ? " " + logoUri.GetLeftPart(UriPartial.Authority)
            : string.Empty;
        // Browsers apply form-action to the redirect that follows a form post, so the client's callback origin is listed.
        var forms = model.RedirectUri is { } redirect && Uri.TryCreate(redirect, UriKind.Absolute, out var redirectUri)
            ? " " + (redirectUri.Scheme is "http" or "https" ? redirectUri.GetLeftPart(UriPartial.Authority) : redirectUri.Scheme + ":")
            : string.Empty;
        return $"default-src 'none'; style-src 'nonce-{nonce}'; script-src 'nonce-{nonce}'; img-src 'self'{images}; form-action 'self'{forms}; "
            + "frame-ancestors 'none'; base-uri 'none'";
    }

    private static string Html(string nonce, PageModel m)
    {
        var e = HtmlEncoder.Default;
        string T(string key, params object[] args) => e.Encode(Text(m.Lang, key, args));
        var branding = m.Client?.Options.Branding;
        var name = branding?.DisplayName ?? m.Client?.Options.Name ?? m.Client?.Pool.Options.Name ?? "Sesame";
        var colour = branding?.PrimaryColor is { Length: 7 } c && c[0] == '#' && c[1..].All(char.IsAsciiHexDigit) ? c : "#1f5fbf";
        var title = m.View switch
        {
            PageView.Code => T("Title_Code"),
            PageView.NewPassword => T("Title_NewPassword"),
            PageView.Error => T("Error_Title"),
            PageView.SignedOut => T("SignedOut_Title"),
            _ => T("Title_SignIn"),
        };

        var b = new StringBuilder(4096);
        b.Append("<!doctype html>\n<html lang=\"").Append(m.Lang).Append("\">\n<head>\n<meta charset=\"utf-8\">\n")
            .Append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<meta name=\"referrer\" content=\"no-referrer\">\n")
            .Append("<title>").Append(title).Append(" – ").Append(e.Encode(name)).Append("</title>\n")
            .Append("<style nonce=\"").Append(nonce).Append("\">\n:root{--primary:").Append(colour).Append(";}\n").Append(Css).Append("</style>\n</head>\n<body>\n<main>\n<header>\n");
        if (branding?.LogoUrl is { } logo)
        {
            b.Append("<img class=\"logo\" src=\"").Append(e.Encode(logo)).Append("\" alt=\"\" height=\"48\">\n");
        }

        b.Append("<p class=\"brand\">").Append(e.Encode(name)).Append("</p>\n</header>\n<h1>").Append(title).Append("</h1>\n");
        if (m.Error is { } error)
        {
            b.Append("<p id=\"error\" class=\"error\" role=\"alert\"><strong>").Append(T("ErrorPrefix")).Append("</strong> ").Append(e.Encode(error)).Append("</p>\n");
        }

        if (m.Info is { } info)
        {
            b.Append("<p class=\"info\" role=\"status\">").Append(e.Encode(info)).Append("</p>\n");
        }

        var invalid = m.Error is null ? string.Empty : " aria-invalid=\"true\"";
        var errorRef = m.Error is null ? string.Empty : " error";
        switch (m.View)
        {
            case PageView.Login:
            {
                var pool = m.Client!.Pool;
                var label = pool.UsesEmailAsUsername ? T("Label_PhoneOrEmail") : T("Label_Phone");
                b.Append("<p>").Append(T("Intro"));
                if (!pool.Options.AllowAdminCreateUserOnly)
                {
                    b.Append(' ').Append(T("Intro_SignUp"));
                }

                b.Append("</p>\n<form method=\"post\" action=\"/login\">\n");
                Hidden(b, m);
                b.Append("<label for=\"login\">").Append(label).Append("</label>\n")
                    .Append("<p id=\"login-hint\" class=\"hint\">").Append(T("Hint_Phone")).Append("</p>\n")
                    .Append("<input id=\"login\" name=\"login\" type=\"text\" autocomplete=\"username\" autocapitalize=\"none\" spellcheck=\"false\" required autofocus")
                    .Append(" aria-describedby=\"login-hint").Append(errorRef).Append('"').Append(invalid)
                    .Append(" value=\"").Append(e.Encode(m.Login ?? string.Empty)).Append("\">\n")
                    .Append("<button type=\"submit\" name=\"action\" value=\"start\">").Append(T("Button_SendCode")).Append("</button>\n</form>\n");
                break;
            }

            case PageView.Code:
            {
                var step = m.Step!;
                var pool = m.Client!.Pool.Options;
                var digits = step.Kind == CodeSignInState.SignUpKind ? pool.ConfirmationCode.Length : pool.OneTimeCode.Length;
                var resendAt = step.SentAt + pool.Limits.DestinationInterval;
                var wait = (int)Math.Ceiling((resendAt - m.Now).TotalSeconds);
                b.Append("<p>").Append(T("CodeSent", step.Destination)).Append("</p>\n<form method=\"post\" action=\"/login\">\n");
                Hidden(b, m);
                b.Append("<label for=\"code\">").Append(T("Label_Code")).Append("</label>\n")
                    .Append("<p id=\"code-hint\" class=\"hint\">").Append(T("Hint_Code", digits)).Append(' ')
                    .Append(T("AttemptsLeft", step.AttemptsLeft)).Append("</p>\n")
                    .Append("<input id=\"code\" name=\"code\" type=\"text\" inputmode=\"numeric\" autocomplete=\"one-time-code\" pattern=\"[0-9]*\" maxlength=\"")
                    .Append(digits).Append("\" required autofocus aria-describedby=\"code-hint").Append(errorRef).Append('"').Append(invalid).Append(">\n")
                    .Append("<button type=\"submit\" name=\"action\" value=\"answer\">").Append(T("Button_SignIn")).Append("</button>\n</form>\n")
                    .Append("<form method=\"post\" action=\"/login\" class=\"secondary\">\n");
                Hidden(b, m);
                if (wait > 0)
                {
                    b.Append("<p id=\"resend-hint\" class=\"hint\" data-resend-at=\"").Append(resendAt.ToUnixTimeMilliseconds()).Append("\">")
                        .Append(T("ResendIn", wait)).Append("</p>\n");
                }

                b.Append("<button type=\"submit\" name=\"action\" value=\"resend\" class=\"link\"")
                    .Append(wait > 0 ? " aria-describedby=\"resend-hint\"" : string.Empty).Append('>').Append(T("Button_Resend")).Append("</button>\n")
                    .Append("<button type=\"submit\" name=\"action\" value=\"restart\" class=\"link\">").Append(T("Button_ChangeLogin")).Append("</button>\n</form>\n");
                break;
            }

            case PageView.NewPassword:
            {
                var minimum = m.Client!.Pool.Options.PasswordMinimumLength;
                b.Append("<p>").Append(T("NewPassword_Intro")).Append("</p>\n<form method=\"post\" action=\"/login\">\n");
                Hidden(b, m);
                // The username field lets password managers save the new password under the right account.
                b.Append("<input type=\"text\" name=\"username\" autocomplete=\"username\" value=\"").Append(e.Encode(m.Login ?? string.Empty))
                    .Append("\" hidden readonly>\n")
                    .Append("<label for=\"password\">").Append(T("Label_NewPassword")).Append("</label>\n")
                    .Append("<p id=\"password-hint\" class=\"hint\">").Append(T("Hint_NewPassword", minimum)).Append("</p>\n")
                    .Append("<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"new-password\" minlength=\"").Append(minimum)
                    .Append("\" required autofocus aria-describedby=\"password-hint").Append(errorRef).Append('"').Append(invalid).Append(">\n")
                    .Append("<button type=\"submit\" name=\"action\" value=\"password\">").Append(T("Button_SetPassword")).Append("</button>\n</form>\n");
                break;
            }

            case PageView.SignedOut:
                b.Append("<p>").Append(T("SignedOut_Body", name)).Append("</p>\n");
                break;
        }

        if (m.View is PageView.Login or PageView.Code or PageView.NewPassword)
        {
            b.Append("<nav aria-label=\"").Append(T("Language")).Append("\"><ul class=\"languages\">");
            foreach (var language in Languages)
            {
                b.Append("<li><a href=\"/login?lang=").Append(language).Append("\" hreflang=\"").Append(language).Append("\" lang=\"").Append(language).Append('"')
                    .Append(language == m.Lang ? " aria-current=\"true\"" : string.Empty).Append('>').Append(LanguageNames[language]).Append("</a></li>");
            }

            b.Append("</ul></nav>\n");
        }

        b.Append("</main>\n<script nonce=\"").Append(nonce).Append("\">\n").Append(Script).Append("</script>\n</body>\n</html>\n");
        return b.ToString();
    }

    private static void Hidden(StringBuilder b, PageModel m)
    {
        b.Append("<input type=\"hidden\" name=\"csrf\" value=\"").Append(HtmlEncoder.Default.Encode(m.Csrf ?? string.Empty)).Append("\">\n")
            .Append("<input type=\"hidden\" name=\"lang\" value=\"").Append(m.Lang).Append("\">\n");
    }

    // Contrast: #1a1a1a on white is 17:1; hints #4a4a4a 8.9:1; the error red #b00020 6.9:1; the primary colour is checked at start-up.
    private const string Css = """
        *{box-sizing:border-box}[hidden]{display:none!important}
        body{margin:0;font:1rem/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1a1a1a;background:#f4f5f7}
        main{max-width:26rem;margin:2rem auto;padding:2rem;background:#fff;border-radius:.75rem;box-shadow:0 1px 3px rgba(0,0,0,.15)}
        header{text-align:center}.brand{font-weight:600;margin:.25rem 0 1rem}.logo{max-height:48px;width:auto}
        h1{font-size:1.5rem;margin:0 0 1rem}
        label{display:block;font-weight:600;margin-top:1rem}
        .hint{color:#4a4a4a;font-size:.9rem;margin:.25rem 0}
        input{display:block;width:100%;font-size:1.25rem;padding:.6rem .75rem;margin:.25rem 0 1rem;border:2px solid #6b6b6b;border-radius:.4rem}
        input#code{letter-spacing:.3em;font-variant-numeric:tabular-nums}
        input[aria-invalid=true]{border-color:#b00020}
        :focus-visible{outline:3px solid var(--primary);outline-offset:2px}
        button{font:inherit;font-weight:600;width:100%;padding:.7rem;border:0;border-radius:.4rem;background:var(--primary);color:#fff;cursor:pointer}
        button.link{background:none;color:var(--primary);text-decoration:underline;width:auto;padding:.4rem 0;margin-right:1rem}
        button:disabled{opacity:.6;cursor:not-allowed}
        .secondary{margin-top:1rem}
        .error{color:#b00020;background:#fdecee;padding:.6rem .75rem;border-radius:.4rem}
        .info{background:#eef4fc;padding:.6rem .75rem;border-radius:.4rem}
        .languages{list-style:none;padding:0;margin:1.5rem 0 0;display:flex;gap:1rem;font-size:.9rem}
        .languages a{color:#1a1a1a}
        """;

    // Progressive only: the page works the same without it.
    private const string Script = """
        (function(){
          var hint=document.querySelector('[data-resend-at]');
          var button=document.querySelector('button[value=resend]');
          if(hint&&button){
            var at=+hint.getAttribute('data-resend-at'),text=hint.textContent;
            var tick=function(){var s=Math.ceil((at-Date.now())/1000);
              if(s<=0){hint.hidden=true;button.disabled=false;button.removeAttribute('aria-describedby');return;}
              button.disabled=true;hint.textContent=text.replace(/\d+/,s);setTimeout(tick,1000);};
            tick();
          }
          var code=document.getElementById('code');
          if(code){code.addEventListener('paste',function(e){var t=(e.clipboardData||window.clipboardData).getData('text');
            var d=t.replace(/\D/g,'');if(d&&d!==t){e.preventDefault();code.value=d.slice(0,code.maxLength);}});}
          // Web OTP (Chrome on Android): the SMS's last line "@host #code" lets the browser offer the code, then sign in.
          if(code&&'OTPCredential' in window&&navigator.credentials){
            var form=code.form,submit=form.querySelector('button[value=answer]'),stop=new AbortController();
            form.addEventListener('submit',function(){stop.abort();});
            navigator.credentials.get({otp:{transport:['sms']},signal:stop.signal}).then(function(otp){
              if(otp&&otp.code&&!code.value){code.value=otp.code;if(form.requestSubmit){form.requestSubmit(submit);}else{submit.click();}}
            }).catch(function(){});
          }
        })();
        """;
}
