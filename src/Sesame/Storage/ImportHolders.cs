using Sesame.Users;

namespace Sesame.Storage;

/// <summary>Why an imported user was not inserted, from the rows that hold its keys (both engines decide alike).</summary>
internal static class ImportHolders
{
    public static ImportOutcome Decide(User user, string usernameKey, string? phoneKey, string? emailKey,
        IEnumerable<(string UsernameKey, string Sub, string? Phone, string? Email)> holders)
    {
        var list = holders.ToList();
        if (list.FirstOrDefault(h => h.UsernameKey == usernameKey) is { UsernameKey: not null } same)
        {
            return same.Sub == user.Sub ? ImportOutcome.Exists : ImportOutcome.UsernameTaken;
        }

        return list.Any(h => h.Sub == user.Sub) ? ImportOutcome.SubTaken
            : phoneKey is not null && list.Any(h => h.Phone == phoneKey) ? ImportOutcome.PhoneNumberTaken
            : emailKey is not null && list.Any(h => h.Email == emailKey) ? ImportOutcome.EmailTaken
            // Held a moment ago by a user deleted since: the caller's next run imports it.
            : ImportOutcome.UsernameTaken;
    }

    public static (string UsernameKey, string? PhoneKey, string? EmailKey) Keys(User user) =>
        (Logins.UsernameKey(user.Username), user.PhoneKey, user.EmailKey);
}
