
namespace Sesame.Users;

/// <summary>Cognito-style masked destinations for <c>CodeDeliveryDetails</c> and logs.</summary>
internal static class Masking
{
    /// <summary><c>+15551234567</c> → <c>+*******4567</c>.</summary>
    public static string Phone(string phone)
    {
        if (phone.Length <= 5)
        {
            return new string('*', phone.Length);
        }

        return "+" + new string('*', phone.Length - 5) + phone[^4..];
    }

    /// <summary><c>jane@example.com</c> → <c>j***@e***</c>.</summary>
    public static string Email(string email)
    {
        var at = email.LastIndexOf('@');
        if (at <= 0 || at == email.Length - 1)
        {
            return "***";
        }

        return $"{email[0]}***@{email[at + 1]}***";
    }
}
