using PhoneNumbers;

namespace Sesame.Users;

/// <summary>What a phone number is, as Google's libphonenumber classifies it.</summary>
public enum PhoneNumberKind
{
    Unknown,
    FixedLine,
    Mobile,
    FixedLineOrMobile,
    TollFree,
    PremiumRate,
    SharedCost,
    Voip,
    PersonalNumber,
    Pager,
    Uan,
    Voicemail,
}

/// <summary>
/// A phone number classified: country calling code, region (ISO 3166-1 alpha-2 from the whole number, so <c>+1</c>
/// tells the US, Canada and the Caribbean apart), number type and validity. <see cref="IsValid"/> is libphonenumber's
/// strict check: fictional numbers such as <c>+1555…</c> are well-formed E.164 but not valid.
/// </summary>
/// <param name="E164">The number as given, <c>+</c> and digits.</param>
/// <param name="CountryCallingCode">The calling code, e.g. 1, 44, 91.</param>
/// <param name="RegionCode">The region the whole number belongs to, or null when no region claims it.</param>
/// <param name="NationalNumber">The digits after the calling code.</param>
public sealed record PhoneNumberInfo(string E164, int CountryCallingCode, string? RegionCode, string NationalNumber, PhoneNumberKind Kind, bool IsValid)
{
    /// <summary>The calling code and the first <paramref name="nationalDigits"/> national digits, e.g. <c>+4477009</c>.</summary>
    public string Prefix(int nationalDigits) =>
        "+" + CountryCallingCode.ToString(System.Globalization.CultureInfo.InvariantCulture)
        + NationalNumber[..Math.Min(nationalDigits, NationalNumber.Length)];
}

/// <summary>The one place Sesame asks libphonenumber about a number (limits, routing, validation share it).</summary>
public static class PhoneNumberClassifier
{
    private static readonly PhoneNumberUtil Util = PhoneNumberUtil.GetInstance();

    /// <summary>Classifies an E.164 number (<c>+</c> then digits); null when libphonenumber cannot parse it at all.</summary>
    public static PhoneNumberInfo? Classify(string e164)
    {
        ArgumentNullException.ThrowIfNull(e164);
        PhoneNumber number;
        try
        {
            number = Util.Parse(e164, null);
        }
        catch (NumberParseException)
        {
            return null;
        }

        var region = Util.GetRegionCodeForNumber(number);
        var valid = Util.IsValidNumber(number);
        return new PhoneNumberInfo(
            e164,
            number.CountryCode,
            string.IsNullOrEmpty(region) || region == "ZZ" ? null : region,
            Util.GetNationalSignificantNumber(number),
            valid ? Kind(Util.GetNumberType(number)) : PhoneNumberKind.Unknown,
            valid);
    }

    /// <summary>The region codes of a calling code, e.g. 1 → US, CA, and the NANP countries.</summary>
    public static IReadOnlyList<string> RegionsFor(int countryCallingCode) => Util.GetRegionCodesForCountryCode(countryCallingCode);

    private static PhoneNumberKind Kind(PhoneNumberType type) => type switch
    {
        PhoneNumberType.FIXED_LINE => PhoneNumberKind.FixedLine,
        PhoneNumberType.MOBILE => PhoneNumberKind.Mobile,
        PhoneNumberType.FIXED_LINE_OR_MOBILE => PhoneNumberKind.FixedLineOrMobile,
        PhoneNumberType.TOLL_FREE => PhoneNumberKind.TollFree,
        PhoneNumberType.PREMIUM_RATE => PhoneNumberKind.PremiumRate,
        PhoneNumberType.SHARED_COST => PhoneNumberKind.SharedCost,
        PhoneNumberType.VOIP => PhoneNumberKind.Voip,
        PhoneNumberType.PERSONAL_NUMBER => PhoneNumberKind.PersonalNumber,
        PhoneNumberType.PAGER => PhoneNumberKind.Pager,
        PhoneNumberType.UAN => PhoneNumberKind.Uan,
        PhoneNumberType.VOICEMAIL => PhoneNumberKind.Voicemail,
        _ => PhoneNumberKind.Unknown,
    };
}
