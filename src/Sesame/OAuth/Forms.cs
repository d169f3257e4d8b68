using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;
using Sesame.Configuration;

namespace Sesame.OAuth;

/// <summary>
/// Reading an <c>application/x-www-form-urlencoded</c> (or multipart) body the way every form endpoint must: a body that
/// is not a well-formed form — a multipart type without its boundary, a truncated part, keys or values past the form
/// limits — is a client error the endpoint answers in its own words, never an exception that becomes a 500.
/// A form body is held to <see cref="SesameOptions.MaxRequestBodyBytes"/> like a Cognito request (Kestrel's own default
/// is 30 MB, and ASP.NET Core's form reader keeps values up to 4 MB each as strings): a larger body is refused before
/// it is read past the limit, so a stream of 1 MB forms costs no large allocation.
/// </summary>
internal static class Forms
{
    /// <summary>The form, or null when the request has no form content type or its body is not a well-formed form.</summary>
    public static async Task<IFormCollection?> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        if (!request.HasFormContentType)
        {
            return null;
        }

        var limit = request.HttpContext.RequestServices.GetRequiredService<IOptions<SesameOptions>>().Value.MaxRequestBodyBytes;
        if (request.ContentLength > limit)
        {
            return null;
        }

        if (request.HttpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            // A chunked body past the limit: Kestrel stops reading it with a BadHttpRequestException (an IOException).
            size.MaxRequestBodySize = limit;
        }

        try
        {
            return await request.ReadFormAsync(
                new FormOptions { ValueLengthLimit = limit, MultipartBodyLengthLimit = limit, MultipartHeadersLengthLimit = Math.Min(limit, 16 * 1024) },
                cancellationToken);
        }
        catch (InvalidDataException)
        {
            return null;
        }
        catch (IOException) when (!cancellationToken.IsCancellationRequested)
        {
            // Kestrel's BadHttpRequestException (a body that ends early or exceeds a limit) is an IOException.
            return null;
        }
    }

    /// <summary>The form already read for this request (never reads the body), or null.</summary>
    public static IFormCollection? AlreadyRead(HttpRequest request) => request.HttpContext.Features.Get<IFormFeature>()?.Form;
}
