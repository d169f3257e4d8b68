using Microsoft.AspNetCore.Http.Features;

namespace Sesame.OAuth;

/// <summary>
/// Reading an <c>application/x-www-form-urlencoded</c> (or multipart) body the way every form endpoint must: a body that
/// is not a well-formed form — a multipart type without its boundary, a truncated part, keys or values past the form
/// limits — is a client error the endpoint answers in its own words, never an exception that becomes a 500.
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

        try
        {
            return await request.ReadFormAsync(cancellationToken);
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
