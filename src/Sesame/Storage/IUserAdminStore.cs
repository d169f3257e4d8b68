using Sesame.Users;

namespace Sesame.Storage;

/// <summary>One ListUsers condition: a searchable attribute, equal to or starting with a value.</summary>
/// <param name="Attribute">
/// One of Cognito's searchable names: <c>username</c>, <c>email</c>, <c>phone_number</c>, <c>name</c>,
/// <c>given_name</c>, <c>family_name</c>, <c>preferred_username</c>, <c>cognito:user_status</c>, <c>status</c>, <c>sub</c>.
/// </param>
internal sealed record UserCondition(string Attribute, bool Prefix, string Value);

/// <summary>Users as the admin API sees them: listed page by page (ListUsers), counted, and sent invitations.</summary>
internal interface IUserAdminStore
{
    /// <summary>
    /// Up to <paramref name="limit"/> users whose username key sorts after <paramref name="afterUsernameKey"/>, in
    /// username-key order, matching <paramref name="condition"/> when one is given.
    /// </summary>
    ValueTask<IReadOnlyList<User>> ListAsync(
        string poolId, UserCondition? condition, string? afterUsernameKey, int limit, CancellationToken cancellationToken);

    /// <summary>How many users the pool holds (DescribeUserPool's EstimatedNumberOfUsers).</summary>
    ValueTask<long> CountAsync(string poolId, CancellationToken cancellationToken);

    /// <summary>Queues messages (an invitation's second channel) in one transaction.</summary>
    ValueTask QueueAsync(IReadOnlyList<OutboxMessage> messages, CancellationToken cancellationToken);
}
