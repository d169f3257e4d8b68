using Sesame.Users;

namespace Sesame.Storage;

/// <summary>What became of one imported user.</summary>
internal enum ImportOutcome
{
    /// <summary>Written.</summary>
    Imported,

    /// <summary>A user with this username and sub is already there (an earlier run): skipped, unchanged.</summary>
    Exists,

    /// <summary>Another user (another sub) holds the username.</summary>
    UsernameTaken,

    /// <summary>Another user holds the sub.</summary>
    SubTaken,

    /// <summary>Another user holds the phone number.</summary>
    PhoneNumberTaken,

    /// <summary>Another user holds the email.</summary>
    EmailTaken,
}

/// <summary>Users brought in from elsewhere (a Cognito export), with their usernames and subs kept.</summary>
internal interface IUserImportStore
{
    /// <summary>
    /// Writes a batch of users in one transaction: each is inserted unless its username, sub, phone number or email is
    /// already held, by anyone, confirmed or not (an import never replaces or changes a user). One outcome per user, in
    /// order. A batch that fails writes nothing, so an interrupted import leaves whole users only and can run again.
    /// </summary>
    ValueTask<IReadOnlyList<ImportOutcome>> ImportAsync(IReadOnlyList<User> users, CancellationToken cancellationToken);
}
