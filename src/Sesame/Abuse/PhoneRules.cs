using Sesame.Pools;
using Sesame.Users;

namespace Sesame.Abuse;

/// <summary>
/// What a pool refuses to text, whatever the counts say: numbers libphonenumber calls invalid (when the pool asks for
/// valid ones), countries outside its SMS allow-list, and number types that bill the sender (premium-rate, shared-cost
/// by default; an operator may add fixed-line, VoIP …). The reason is a metric label.
/// </summary>
internal static class PhoneRules
{
    private static readonly PhoneNumberKind[] DefaultRefusedKinds = [PhoneNumberKind.PremiumRate, PhoneNumberKind.SharedCost];

    /// <summary>The rule that refuses <paramref name="phone"/> in <paramref name="pool"/>, with the client's message; null when none does.</summary>
    public static (string Reason, string Message)? Refusal(UserPool pool, PhoneNumberInfo phone)
    {
        if (pool.Options.RequireValidPhoneNumbers && !phone.IsValid)
        {
            return ("invalid_number", "Invalid phone number format.");
        }

        if (!CountryAllowed(pool.Options.Limits.SmsCountries, phone))
        {
            return ("country", "SMS to this country is not enabled in this user pool.");
        }

        if (RefusedKinds(pool.Options.Limits.RefusedNumberKinds).Contains(phone.Kind))
        {
            return ("number_kind", "SMS to this type of phone number is not enabled in this user pool.");
        }

        return null;
    }

    private static bool CountryAllowed(List<string>? countries, PhoneNumberInfo phone)
    {
        if (countries is null || countries.Count == 0 || countries.Contains("*"))
        {
            return true;
        }

        var callingCode = "+" + phone.CountryCallingCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return countries.Contains(callingCode) || (phone.RegionCode is { } region && countries.Contains(region));
    }

    private static IEnumerable<PhoneNumberKind> RefusedKinds(List<string>? kinds) =>
        kinds is null || kinds.Count == 0
            ? DefaultRefusedKinds
            : kinds.Where(k => k != "None").Select(k => Enum.Parse<PhoneNumberKind>(k));
}
