using Sesame.Users;

namespace Sesame.Storage;

/// <summary>
/// The SQL of every store, one text for every engine: <c>@name</c> parameters, <c>ON CONFLICT</c> upserts and
/// <c>RETURNING</c> (SQLite 3.35+, PostgreSQL), with the engine's differences filled in from its <see cref="SqlDialect"/>.
/// Times are Unix milliseconds; attribute maps are JSON text.
/// </summary>
internal sealed class StoreSql(SqlDialect dialect)
{
    public SqlDialect Dialect { get; } = dialect;

    // ---- users ------------------------------------------------------------------------------------------------------

    /// <summary>The columns a user is read from, in order.</summary>
    public const string UserColumns = "pool_id, username, sub, status, enabled, attributes, password_hash, created_at, modified_at, version, password_set_at";

    /// <summary><see cref="UserColumns"/> of the <c>users</c> table aliased <c>u</c>, for joins.</summary>
    public const string PrefixedUserColumns =
        "u.pool_id, u.username, u.sub, u.status, u.enabled, u.attributes, u.password_hash, u.created_at, u.modified_at, u.version, u.password_set_at";

    private const string InsertUserText = $"""
        INSERT INTO users (username_key, phone_key, email_key, preferred_username_key, {UserColumns})
        VALUES (@user, @phone, @email, @preferred, @pool, @username, @sub, @status, @enabled, @attributes, @password, @created, @modified, 1, @passwordSet)
        """;

    // The lookups by user below repeat "pool_id = @pool" inside each OR term: written once outside, SQLite reads every
    // user of the pool (its primary key's prefix) instead of using one index per term (MULTI-INDEX OR), so a sign-in
    // would cost time in proportion to the pool's size.

    /// <summary>A username match wins over an alias match of the same text.</summary>
    public string FindUser { get; } = $"""
        SELECT {UserColumns} FROM users
        WHERE (pool_id = @pool AND username_key = @key) OR (pool_id = @pool AND phone_key = @login) OR (pool_id = @pool AND email_key = @key)
            OR (pool_id = @pool AND preferred_username_key = @key)
        ORDER BY username_key = @key DESC LIMIT 1
        """;

    /// <summary>Everyone holding the username or an alias (username_key, status, phone_key, email_key, preferred_username_key).</summary>
    public string FindHolders { get; } = $"""
        SELECT username_key, status, phone_key, email_key, preferred_username_key FROM users
        WHERE (pool_id = @pool AND username_key = @user) OR (pool_id = @pool AND phone_key = @phone) OR (pool_id = @pool AND email_key = @email)
            OR (pool_id = @pool AND preferred_username_key = @preferred){dialect.ForUpdate}
        """;

    /// <summary>Everyone but the user holding one of its aliases (username_key, status, phone_key, email_key, preferred_username_key).</summary>
    public string FindOtherAliasHolders { get; } = $"""
        SELECT username_key, status, phone_key, email_key, preferred_username_key FROM users
        WHERE (pool_id = @pool AND phone_key = @phone AND username_key <> @user) OR (pool_id = @pool AND email_key = @email AND username_key <> @user)
            OR (pool_id = @pool AND preferred_username_key = @preferred AND username_key <> @user){dialect.ForUpdate}
        """;

    public string InsertUser { get; } = InsertUserText;

    /// <summary>Whoever holds an imported user's username, sub, phone number or email (username_key, sub, phone_key, email_key).</summary>
    public string FindImportHolders { get; } = """
        SELECT username_key, sub, phone_key, email_key FROM users
        WHERE (pool_id = @pool AND username_key = @user) OR (pool_id = @pool AND sub = @sub) OR (pool_id = @pool AND phone_key = @phone) OR (pool_id = @pool AND email_key = @email)
        """;

    /// <summary>
    /// Inserts unless a UNIQUE index (username, phone, email) already holds one of the keys, and then inserts nothing: the
    /// database decides between concurrent sign-ups, waiting for a concurrent insert of the same key to commit first.
    /// </summary>
    public string InsertUserUnlessTaken { get; } = InsertUserText + " ON CONFLICT DO NOTHING";

    /// <summary>Only at the version that was read (optimistic concurrency).</summary>
    public string UpdateUserAttributes { get; } = """
        UPDATE users SET attributes = @attributes, phone_key = @phone, email_key = @email, preferred_username_key = @preferred,
            modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND version = @version
        """;

    public string ConfirmUser { get; } = $"""
        UPDATE users SET status = 'CONFIRMED', modified_at = @now, version = version + 1,
            attributes = {dialect.JsonSet("attributes", "@verified", "'true'")}
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub AND status = 'UNCONFIRMED'
        """;

    /// <summary>
    /// ConfirmSignUp in a pool with <c>AliasAttributes</c>: confirmed, the attribute the code proved verified, and the
    /// aliases the user now has set (the caller made way for them first).
    /// </summary>
    public string ConfirmUserWithAliases { get; } = $"""
        UPDATE users SET status = 'CONFIRMED', modified_at = @now, version = version + 1,
            attributes = {dialect.JsonSet("attributes", "@verified", "'true'")}, phone_key = @phone, email_key = @email,
            preferred_username_key = @preferred
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub AND status = 'UNCONFIRMED'
        """;

    /// <summary>Takes the phone number alias from a user (ForceAliasCreation): the number stays, unverified.</summary>
    public string DropPhoneAlias { get; } = DropAlias(dialect, "phone_key", UserAttributes.PhoneNumberVerified);

    /// <summary>Takes the email alias from a user (ForceAliasCreation): the email stays, unverified.</summary>
    public string DropEmailAlias { get; } = DropAlias(dialect, "email_key", UserAttributes.EmailVerified);

    /// <summary>AdminConfirmSignUp: confirmed without marking any attribute verified (no code proved one).</summary>
    public string ConfirmUserWithoutVerifying { get; } = """
        UPDATE users SET status = 'CONFIRMED', modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub AND status = 'UNCONFIRMED'
        """;

    /// <summary>Marks the current value of an attribute verified.</summary>
    public string MarkVerified { get; } = $"""
        UPDATE users SET attributes = {dialect.JsonSet("attributes", "@verified", "'true'")}, modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub
        """;

    /// <summary>Sets a verified new phone number (it becomes the alias too).</summary>
    public string SetVerifiedPhone { get; } = SetVerified(dialect, "phone_key");

    /// <summary>Sets a verified new email (it becomes the alias too).</summary>
    public string SetVerifiedEmail { get; } = SetVerified(dialect, "email_key");

    public string SetEnabled { get; } = """
        UPDATE users SET enabled = @enabled, modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user RETURNING sub
        """;

    public string DeleteUser { get; } = "DELETE FROM users WHERE pool_id = @pool AND username_key = @user RETURNING sub";

    /// <summary>Every pending code of a user, of every kind.</summary>
    public string DeleteUserCodes { get; } = "DELETE FROM one_time_codes WHERE pool_id = @pool AND subject = @subject";

    // The one_time_codes table (IOneTimeCodeStore), the same text on both engines.
    public const string OneTimeCodeColumns = "nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value";

    private const string OneTimeCodeByKey = "pool_id = @pool AND subject = @subject AND purpose = @purpose";

    /// <summary>Inserts a code, or replaces the subject's code of the same purpose (its count starts again).</summary>
    public string SaveOneTimeCode { get; } = """
        INSERT INTO one_time_codes (pool_id, subject, purpose, nonce, mac, expires_at, attempts, max_attempts, attribute, pending_value)
        VALUES (@pool, @subject, @purpose, @nonce, @mac, @expires, @attempts, @max, @attribute, @pending)
        ON CONFLICT (pool_id, subject, purpose) DO UPDATE SET
            nonce = excluded.nonce, mac = excluded.mac, expires_at = excluded.expires_at, attempts = excluded.attempts,
            max_attempts = excluded.max_attempts, attribute = excluded.attribute, pending_value = excluded.pending_value
        """;

    public string FindOneTimeCode { get; } = $"SELECT {OneTimeCodeColumns} FROM one_time_codes WHERE {OneTimeCodeByKey}";

    /// <summary>One statement counts the answer and returns the count: concurrent answers each see their own number.</summary>
    public string CountOneTimeCodeAttempt { get; } =
        $"UPDATE one_time_codes SET attempts = attempts + 1 WHERE {OneTimeCodeByKey} RETURNING {OneTimeCodeColumns}";

    /// <summary>Takes the code with this MAC: of concurrent right answers exactly one gets the row.</summary>
    public string ConsumeOneTimeCode { get; } =
        $"DELETE FROM one_time_codes WHERE {OneTimeCodeByKey} AND mac = @mac RETURNING {OneTimeCodeColumns}";

    public string CountUsers { get; } = "SELECT COUNT(*) FROM users WHERE pool_id = @pool";

    /// <summary>ListUsers: a page after @after in username-key order, matching <paramref name="condition"/> (@value) when given.</summary>
    public string ListUsers(UserCondition? condition)
    {
        var match = condition is null ? string.Empty
            : condition.Prefix ? $" AND substr({ListColumn(condition.Attribute)}, 1, length(@value)) = @value"
            : $" AND {ListColumn(condition.Attribute)} = @value";
        return $"SELECT {UserColumns} FROM users WHERE pool_id = @pool AND username_key > @after{match} ORDER BY username_key LIMIT @limit";
    }

    /// <summary>The value of a ListUsers condition as its column holds it.</summary>
    public static string ListValue(UserCondition condition) => condition.Attribute switch
    {
        // Emails are matched case-insensitively everywhere in Sesame (Logins.EmailKey).
        "email" => Logins.EmailKey(condition.Value),
        // Cognito: cognito:user_status is case-insensitive, status (Enabled/Disabled) case-sensitive.
        "cognito:user_status" => condition.Value.ToUpperInvariant(),
        _ => condition.Value,
    };

    // The column expression each searchable attribute is matched against; only these fixed expressions reach the SQL
    // text, the value is always a parameter. A prefix is compared with substr, never LIKE, so '%' and '_' match literally.
    private string ListColumn(string attribute) => attribute switch
    {
        "username" => "username",
        "sub" => "sub",
        "phone_number" => "phone_key",
        "email" => "email_key",
        "cognito:user_status" => "upper(status)",
        "status" => "(CASE WHEN enabled THEN 'Enabled' ELSE 'Disabled' END)",
        "name" or "given_name" or "family_name" or "preferred_username" => Dialect.JsonText("attributes", attribute),
        _ => throw new ArgumentException($"{attribute} is not searchable.", nameof(attribute)),
    };

    // ---- one-time codes ---------------------------------------------------------------------------------------------

    // ---- passwords --------------------------------------------------------------------------------------------------

    public string FindVerifier { get; } = "SELECT salt, verifier FROM password_verifiers WHERE pool_id = @pool AND username_key = @user";

    /// <summary>Only for this very user: not an orphan, not one that took the username meanwhile.</summary>
    public string SaveVerifierOfSub { get; } = """
        INSERT INTO password_verifiers (pool_id, username_key, salt, verifier)
        SELECT @pool, @user, @salt, @verifier
        WHERE EXISTS (SELECT 1 FROM users WHERE pool_id = @pool AND username_key = @user AND sub = @sub)
        ON CONFLICT (pool_id, username_key) DO UPDATE SET salt = excluded.salt, verifier = excluded.verifier
        """;

    /// <summary>A null @status keeps the user's status (a permanent password never unconfirms anyone).</summary>
    public string SetPasswordHash { get; } = """
        UPDATE users SET password_hash = @hash, status = COALESCE(@status, status), password_set_at = @now, modified_at = @now,
            version = version + 1
        WHERE pool_id = @pool AND username_key = @user
        """;

    /// <summary>ConfirmForgotPassword: only this very user, and only from a status a reset may end.</summary>
    public string ResetPasswordHash { get; } = """
        UPDATE users SET password_hash = @hash, status = 'CONFIRMED', password_set_at = @now, modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub AND status IN ('CONFIRMED', 'RESET_REQUIRED')
        """;

    /// <summary>The hash a new password is about to replace, locked until the transaction ends.</summary>
    public string FindPasswordHashForUpdate { get; } =
        $"SELECT password_hash FROM users WHERE pool_id = @pool AND username_key = @user{dialect.ForUpdate}";

    /// <summary>
    /// The hashes a new password is compared with: the newest @limit replaced ones. Newest by generation, not replaced_at:
    /// changes within one millisecond tie on the clock (0028_password_history_generation.sql).
    /// </summary>
    public string FindPasswordHistory { get; } = """
        SELECT password_hash FROM password_history WHERE pool_id = @pool AND username_key = @user ORDER BY generation DESC LIMIT @limit
        """;

    /// <summary>
    /// Keeps a replaced hash as the user's newest (generation one past the highest), in the transaction that locked the
    /// user's row, so no two writers number alike. The same hash replaced again is one row, moved to the newest.
    /// </summary>
    public string AddPasswordHistory { get; } = """
        INSERT INTO password_history (pool_id, username_key, password_hash, replaced_at, generation)
        VALUES (@pool, @user, @hash, @now, (
            SELECT COALESCE(MAX(generation), 0) + 1 FROM password_history WHERE pool_id = @pool AND username_key = @user))
        ON CONFLICT (pool_id, username_key, password_hash) DO UPDATE SET replaced_at = excluded.replaced_at, generation = excluded.generation
        """;

    /// <summary>Forgets all but the newest @keep replaced hashes of the user (all of them with @keep 0), newest by generation.</summary>
    public string PrunePasswordHistory { get; } = """
        DELETE FROM password_history WHERE pool_id = @pool AND username_key = @user AND password_hash NOT IN (
            SELECT password_hash FROM password_history WHERE pool_id = @pool AND username_key = @user ORDER BY generation DESC LIMIT @keep)
        """;

    /// <summary>AdminResetUserPassword: the password stops working until a code sets a new one.</summary>
    public string RequirePasswordReset { get; } = """
        UPDATE users SET status = 'RESET_REQUIRED', modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub AND status IN ('CONFIRMED', 'RESET_REQUIRED')
        """;

    public string UpgradePasswordHash { get; } = """
        UPDATE users SET password_hash = @upgraded
        WHERE pool_id = @pool AND username_key = @user AND password_hash = @current
        """;

    public string UpsertVerifier { get; } = """
        INSERT INTO password_verifiers (pool_id, username_key, salt, verifier) VALUES (@pool, @user, @salt, @verifier)
        ON CONFLICT (pool_id, username_key) DO UPDATE SET salt = excluded.salt, verifier = excluded.verifier
        """;

    /// <summary>
    /// Counts one attempt in one statement, so concurrent guesses each see the others' counts: a locked name is left as
    /// it is (the attempt is refused, not counted), a count quiet for @reset starts again at one, any lock that ran out is
    /// lifted. Returns the count and the lock as they now stand.
    /// </summary>
    public string CountPasswordAttempt { get; } = """
        INSERT INTO password_attempts (pool_id, username_key, failures, locked_until, last_attempt_at)
        VALUES (@pool, @user, 1, NULL, @now)
        ON CONFLICT (pool_id, username_key) DO UPDATE SET
            failures = CASE WHEN password_attempts.locked_until > @now THEN password_attempts.failures
                            WHEN @now - password_attempts.last_attempt_at >= @reset THEN 1
                            ELSE password_attempts.failures + 1 END,
            last_attempt_at = CASE WHEN password_attempts.locked_until > @now THEN password_attempts.last_attempt_at ELSE @now END,
            locked_until = CASE WHEN password_attempts.locked_until > @now THEN password_attempts.locked_until ELSE NULL END
        RETURNING failures, locked_until
        """;

    public string LockPasswordAttempts { get; } = "UPDATE password_attempts SET locked_until = @locked WHERE pool_id = @pool AND username_key = @user";

    public string ResetPasswordAttempts { get; } = "DELETE FROM password_attempts WHERE pool_id = @pool AND username_key = @user";

    // ---- sign-in sessions -------------------------------------------------------------------------------------------

    /// <summary>Expired sessions are swept here, a few at a time, so the table stays small without a timer.</summary>
    public string SaveSession { get; } = """
        DELETE FROM auth_sessions WHERE id_hash IN (SELECT id_hash FROM auth_sessions WHERE expires_at < @sweep LIMIT 16);
        INSERT INTO auth_sessions (id_hash, pool_id, client_id, state, expires_at) VALUES (@id, @pool, @client, @state, @expires);
        """;

    /// <summary>Reads and deletes in one statement, so a session is answered once, across nodes too.</summary>
    public string TakeSession { get; } = "DELETE FROM auth_sessions WHERE id_hash = @id RETURNING pool_id, client_id, state, expires_at";

    public string CountSessionAttempt { get; } = """
        UPDATE auth_sessions SET attempts = attempts + 1 WHERE id_hash = @id
        RETURNING pool_id, client_id, state, expires_at, attempts
        """;

    public string DeleteSession { get; } = "DELETE FROM auth_sessions WHERE id_hash = @id";

    // ---- OAuth grants -----------------------------------------------------------------------------------------------

    public string InsertAuthorizationCode { get; } = """
        DELETE FROM oauth_grants WHERE expires_at < @now;
        INSERT INTO oauth_grants (code_hash, origin_jti, pool_id, client_id, redirect_uri, code_challenge, scope, nonce, username, sub,
            auth_time, code_expires_at, code_used_at, replayed_at, expires_at)
        VALUES (@hash, @origin, @pool, @client, @redirect, @challenge, @scope, @nonce, @username, @sub, @auth, @codeExpires, NULL, NULL, @codeExpires)
        """;

    /// <summary>The columns a code is read from, in order (after the hash).</summary>
    private const string CodeColumns = "origin_jti, pool_id, client_id, redirect_uri, code_challenge, scope, nonce, username, sub, auth_time, code_expires_at";

    /// <summary>Redeems an unexpired, unredeemed code: one statement, so one winner.</summary>
    public string RedeemAuthorizationCode { get; } = $"""
        UPDATE oauth_grants SET code_used_at = @now, expires_at = @grantExpires
        WHERE code_hash = @hash AND code_used_at IS NULL AND code_expires_at > @now
        RETURNING {CodeColumns}
        """;

    /// <summary>Marks a replay of a redeemed code.</summary>
    public string MarkAuthorizationCodeReplayed { get; } = $"""
        UPDATE oauth_grants SET replayed_at = @now WHERE code_hash = @hash AND code_used_at IS NOT NULL
        RETURNING {CodeColumns}
        """;

    public string IsAuthorizationCodeReplayed { get; } = "SELECT EXISTS (SELECT 1 FROM oauth_grants WHERE code_hash = @hash AND replayed_at IS NOT NULL)";

    public string FindGrantScope { get; } = "SELECT scope FROM oauth_grants WHERE origin_jti = @origin AND code_used_at IS NOT NULL";

    // ---- hosted page sessions ---------------------------------------------------------------------------------------

    public string InsertPageSession { get; } = """
        DELETE FROM hosted_ui_sessions WHERE expires_at < @now;
        INSERT INTO hosted_ui_sessions (session_hash, pool_id, username, expires_at) VALUES (@hash, @pool, @username, @expires)
        """;

    public string IsPageSessionLive { get; } = "SELECT EXISTS (SELECT 1 FROM hosted_ui_sessions WHERE session_hash = @hash AND expires_at > @now)";

    public string DeletePageSession { get; } = "DELETE FROM hosted_ui_sessions WHERE session_hash = @hash";

    // ---- refresh tokens ---------------------------------------------------------------------------------------------

    /// <summary>
    /// Stores a refresh token only while its user exists with that sub and is enabled, judged in the same statement (no
    /// row when not). On PostgreSQL the user's row is share-locked until the commit: a concurrent disable or delete either
    /// commits first (and this inserts nothing) or waits, and its revocation then sees this token.
    /// </summary>
    public string InsertRefreshToken { get; } = $"""
        INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username, sub, origin_jti, event_id, auth_time, created_at, expires_at)
        SELECT @hash, @pool, @client, @username, @sub, @origin, @event, @auth, @created, @expires
        FROM users WHERE pool_id = @pool AND sub = @sub AND enabled{dialect.ForShare}
        """;

    public string FindRefreshToken { get; } = """
        SELECT pool_id, client_id, username, sub, origin_jti, event_id, auth_time, created_at, expires_at, revoked_at
        FROM refresh_tokens WHERE token_hash = @hash
        """;

    public string IsSignInRevoked { get; } = "SELECT EXISTS (SELECT 1 FROM refresh_tokens WHERE origin_jti = @origin AND revoked_at IS NOT NULL)";

    /// <summary>Revokes one sign-in; a token revoked before keeps its first time.</summary>
    public string RevokeSignIn { get; } = "UPDATE refresh_tokens SET revoked_at = @now WHERE origin_jti = @origin AND revoked_at IS NULL";

    public string RevokeUserTokens { get; } = "UPDATE refresh_tokens SET revoked_at = @now WHERE pool_id = @pool AND sub = @sub AND revoked_at IS NULL";

    /// <summary>A token as rotation sees it, locked for the rest of the rotation on an engine with concurrent writers.</summary>
    public string FindTokenForRotation { get; } = $"""
        SELECT pool_id, client_id, username, sub, origin_jti, event_id, auth_time, created_at, expires_at, revoked_at, rotated_at, replaced_by
        FROM refresh_tokens WHERE token_hash = @hash{dialect.ForUpdate}
        """;

    /// <summary>
    /// The successor inherits the sign-in and the absolute expiry; the old token lives on only through its grace period,
    /// so no other path (REFRESH_TOKEN_AUTH after rotation is switched off) can use it later.
    /// </summary>
    public string RotateToken { get; } = $"""
        INSERT INTO refresh_tokens (token_hash, pool_id, client_id, username, sub, origin_jti, event_id, auth_time, created_at, expires_at, revoked_at)
        SELECT @successor, pool_id, client_id, username, sub, origin_jti, event_id, auth_time, @now, expires_at, NULL
        FROM refresh_tokens WHERE token_hash = @hash;
        UPDATE refresh_tokens SET rotated_at = @now, replaced_by = @successor, expires_at = {dialect.Least("expires_at", "@graceEnd")}
        WHERE token_hash = @hash;
        """;

    // ---- outbox -----------------------------------------------------------------------------------------------------

    public string Enqueue { get; } = """
        INSERT INTO outbox (pool_id, channel, destination_hint, payload, status, attempts, next_attempt_at, created_at)
        VALUES (@pool, @channel, @hint, @payload, @status, 0, @now, @now)
        """;

    /// <summary>Decoy rows (an unknown user's stand-in message, never sent) go once the dispatcher has drained the queue (index outbox_decoys).</summary>
    public string SweepDecoys { get; } = "DELETE FROM outbox WHERE status = 'decoy' AND created_at <= @now";

    /// <summary>Leases due messages, oldest first; concurrent claimers never get the same one.</summary>
    public string ClaimOutbox { get; } = $"""
        UPDATE outbox SET lease_until = @lease
        WHERE id IN (
            SELECT id FROM outbox
            WHERE status = 'queued' AND next_attempt_at <= @now AND (lease_until IS NULL OR lease_until <= @now)
            ORDER BY id LIMIT @max{dialect.ForUpdateSkipLocked})
        RETURNING id, channel, pool_id, destination_hint, payload, attempts, created_at
        """;

    public string MarkSent { get; } = """
        UPDATE outbox SET status = 'sent', payload = NULL, lease_until = NULL, attempts = attempts + @calls,
            sent_at = @now, provider = @provider, provider_message_id = @messageId, last_error = NULL, route = @route, cost = @cost
        WHERE id = @id
        """;

    public string MarkFailedForGood { get; } = """
        UPDATE outbox SET status = 'failed', payload = NULL, lease_until = NULL, attempts = attempts + @calls,
            provider = @provider, last_error = @error, route = @route
        WHERE id = @id
        """;

    public string MarkFailedForRetry { get; } = """
        UPDATE outbox SET lease_until = NULL, attempts = attempts + @calls, next_attempt_at = @retry,
            provider = @provider, last_error = @error, route = @route
        WHERE id = @id
        """;

    public string RetryMessagesNow { get; } = """
        UPDATE outbox SET next_attempt_at = @now
        WHERE status = 'queued' AND next_attempt_at > @now AND (@id IS NULL OR id = @id) AND (@pool IS NULL OR pool_id = @pool)
        """;

    /// <summary>A receipt moves a sent message to its final state once; the first receipt with an outcome wins.</summary>
    public string RecordReceipt { get; } = """
        UPDATE outbox SET status = @status, delivered_at = @deliveredAt, last_error = @reason
        WHERE provider = @provider AND provider_message_id = @messageId AND status = 'sent'
        """;

    public string ReleaseMessage { get; } = "UPDATE outbox SET lease_until = NULL WHERE id = @id AND status = 'queued'";

    public string QueryMessages { get; } = """
        SELECT id, pool_id, channel, destination_hint, status, attempts, provider, provider_message_id, last_error,
               created_at, sent_at, next_attempt_at, route, cost, delivered_at
        FROM outbox
        WHERE status <> 'decoy' AND (@pool IS NULL OR pool_id = @pool) AND (@status IS NULL OR status = @status)
          AND (@hint IS NULL OR destination_hint = @hint) AND (@route IS NULL OR route = @route)
        ORDER BY id DESC LIMIT @limit
        """;

    /// <summary>The SMS cost budget: what the messages sent in a window cost (index outbox_pool_spend).</summary>
    public string SpentSince { get; } = """
        SELECT COALESCE(SUM(cost), 0), MIN(sent_at) FROM outbox
        WHERE pool_id = @pool AND cost IS NOT NULL AND sent_at >= @since
        """;

    // ---- pools, clients, signing keys -------------------------------------------------------------------------------

    public string LoadPools { get; } = "SELECT pool_id, settings, created_at, modified_at FROM user_pools ORDER BY created_at, pool_id";

    public string LoadClients { get; } = "SELECT client_id, pool_id, settings, created_at, modified_at FROM user_pool_clients ORDER BY created_at, client_id";

    public string AddPool { get; } = """
        INSERT INTO user_pools (pool_id, name, settings, created_at, modified_at) VALUES (@id, @name, @settings, @created, @modified)
        ON CONFLICT (pool_id) DO NOTHING
        """;

    public string AddClient { get; } = """
        INSERT INTO user_pool_clients (client_id, pool_id, name, settings, created_at, modified_at)
        VALUES (@id, @pool, @name, @settings, @created, @modified)
        ON CONFLICT (client_id) DO NOTHING
        """;

    public string UpdatePool { get; } = "UPDATE user_pools SET name = @name, settings = @settings, modified_at = @modified WHERE pool_id = @id";

    public string UpdateClient { get; } = """
        UPDATE user_pool_clients SET name = @name, settings = @settings, modified_at = @modified WHERE client_id = @id AND pool_id = @pool
        """;

    public string DeleteClient { get; } = "DELETE FROM user_pool_clients WHERE client_id = @id AND pool_id = @pool";

    /// <summary>The pool row first, so a pool deleted twice (or by two nodes) reports "no such pool" once.</summary>
    public string DeletePool { get; } = "DELETE FROM user_pools WHERE pool_id = @pool RETURNING pool_id";

    /// <summary>Everything that belongs to a deleted pool; memberships and verifiers go with their users and groups.</summary>
    public string DeletePoolContents { get; } = """
        DELETE FROM user_pool_clients WHERE pool_id = @pool;
        DELETE FROM user_groups WHERE pool_id = @pool;
        DELETE FROM users WHERE pool_id = @pool;
        DELETE FROM one_time_codes WHERE pool_id = @pool;
        DELETE FROM auth_sessions WHERE pool_id = @pool;
        DELETE FROM refresh_tokens WHERE pool_id = @pool;
        DELETE FROM password_attempts WHERE pool_id = @pool;
        DELETE FROM outbox WHERE pool_id = @pool;
        DELETE FROM signing_keys WHERE pool_id = @pool;
        DELETE FROM oauth_grants WHERE pool_id = @pool;
        DELETE FROM hosted_ui_sessions WHERE pool_id = @pool;
        """;

    private const string SigningKeyColumns = "pool_id, kid, purpose, private_key, created_at, generation, activates_at";

    public string ListSigningKeys { get; } = $"SELECT {SigningKeyColumns} FROM signing_keys WHERE pool_id = @pool ORDER BY purpose, generation";

    /// <summary>Every pool's keys, for the refresh that lets a node see another node's rotation.</summary>
    public string ListAllSigningKeys { get; } = $"SELECT {SigningKeyColumns} FROM signing_keys ORDER BY pool_id, purpose, generation";

    /// <summary>
    /// One key per pool, purpose and generation, held by a UNIQUE index: of nodes creating a pool's first key (or rotating)
    /// together, the first one's key stays. No conflict target: the same key offered twice (its kid, the primary key,
    /// already stored) is a conflict too, and inserts nothing rather than failing the request that offered it.
    /// </summary>
    public string AddSigningKeyIfMissing { get; } = $"""
        INSERT INTO signing_keys ({SigningKeyColumns}) VALUES (@pool, @kid, @purpose, @key, @created, @generation, @activates)
        ON CONFLICT DO NOTHING
        """;

    // ---- server secrets (IServerSecretStore) -------------------------------------------------------------------------

    public string AddServerSecretIfMissing { get; } = "INSERT INTO server_secrets (name, value, created_at) VALUES (@name, @value, @created) ON CONFLICT (name) DO NOTHING";

    public string ReadServerSecret { get; } = "SELECT value FROM server_secrets WHERE name = @name";

    // ---- groups (IGroupStore) ---------------------------------------------------------------------------------------

    /// <summary>The columns a group is read from, in order.</summary>
    public const string GroupColumns = "g.pool_id, g.group_name, g.description, g.role_arn, g.precedence, g.created_at, g.modified_at";

    public string CreateGroup { get; } = """
        INSERT INTO user_groups (pool_id, group_key, group_name, description, role_arn, precedence, created_at, modified_at)
        VALUES (@pool, @group, @name, @description, @role, @precedence, @now, @now)
        ON CONFLICT (pool_id, group_key) DO NOTHING
        """;

    public string FindGroup { get; } = $"SELECT {GroupColumns} FROM user_groups g WHERE g.pool_id = @pool AND g.group_key = @group";

    public string ListGroups { get; } = $"""
        SELECT {GroupColumns} FROM user_groups g WHERE g.pool_id = @pool AND g.group_key > @after ORDER BY g.group_key LIMIT @limit
        """;

    /// <summary>A null parameter keeps the column's value (UpdateGroup changes only what it names).</summary>
    public string UpdateGroup { get; } = $"""
        UPDATE user_groups SET description = COALESCE(@description, description), role_arn = COALESCE(@role, role_arn),
            precedence = COALESCE(@precedence, precedence), modified_at = @now
        WHERE pool_id = @pool AND group_key = @group
        RETURNING pool_id, group_name, description, role_arn, precedence, created_at, modified_at
        """;

    /// <summary>Members go with the group: the foreign key cascades (SQLite connections turn foreign keys on).</summary>
    public string DeleteGroup { get; } = "DELETE FROM user_groups WHERE pool_id = @pool AND group_key = @group RETURNING group_key";

    /// <summary>Inserts only when both the group and the user exist; an existing membership stays as it is.</summary>
    public string AddGroupMember { get; } = """
        INSERT INTO user_group_members (pool_id, group_key, sub, added_at)
        SELECT g.pool_id, g.group_key, u.sub, @now FROM user_groups g JOIN users u ON u.pool_id = g.pool_id AND u.sub = @sub
        WHERE g.pool_id = @pool AND g.group_key = @group
        ON CONFLICT (pool_id, group_key, sub) DO NOTHING
        """;

    public string CountGroup { get; } = "SELECT COUNT(*) FROM user_groups WHERE pool_id = @pool AND group_key = @group";

    public string CountUserBySub { get; } = "SELECT COUNT(*) FROM users WHERE pool_id = @pool AND sub = @sub";

    public string RemoveGroupMember { get; } = "DELETE FROM user_group_members WHERE pool_id = @pool AND group_key = @group AND sub = @sub";

    public string ListGroupsForUser { get; } = $"""
        SELECT {GroupColumns} FROM user_groups g JOIN user_group_members m ON m.pool_id = g.pool_id AND m.group_key = g.group_key
        WHERE m.pool_id = @pool AND m.sub = @sub AND g.group_key > @after ORDER BY g.group_key LIMIT @limit
        """;

    public string ListGroupMembers { get; } = $"""
        SELECT {PrefixedUserColumns} FROM users u JOIN user_group_members m ON m.pool_id = u.pool_id AND m.sub = u.sub
        WHERE m.pool_id = @pool AND m.group_key = @group AND u.username_key > @after ORDER BY u.username_key LIMIT @limit
        """;

    // ---- rate limits (IRateLimitStore) --------------------------------------------------------------------------------

    /// <summary>The key's row, which every writer of the key then locks; made once, by the first writer.</summary>
    public string EnsureRateKey { get; } = "INSERT INTO rate_limit_keys (key, expires_at) VALUES (@key, @expires) ON CONFLICT (key) DO NOTHING";

    /// <summary>Locks the key's row for the rest of the transaction (PostgreSQL; SQLite's one writer needs nothing).</summary>
    public string LockRateKey { get; } = $"SELECT expires_at FROM rate_limit_keys WHERE key = @key{dialect.ForUpdate}";

    /// <summary>The key's events after @since: those inside a window that ends now.</summary>
    public string CountRateEvents { get; } = "SELECT COUNT(*) FROM rate_limit_events WHERE key = @key AND at > @since";

    /// <summary>The time of the key's event after @since that has @skip events before it.</summary>
    public string NthRateEvent { get; } = "SELECT at FROM rate_limit_events WHERE key = @key AND at > @since ORDER BY at LIMIT 1 OFFSET @skip";

    /// <summary>Counts one event, and keeps the key's row as long as its longest-lived event.</summary>
    public string AddRateEvent { get; } = """
        INSERT INTO rate_limit_events (key, at, expires_at) VALUES (@key, @now, @expires);
        UPDATE rate_limit_keys SET expires_at = @expires WHERE key = @key AND expires_at < @expires;
        """;

    /// <summary>Events of the key that no window counts any more: a key holds at most its longest window's maximum.</summary>
    public string TrimRateEvents { get; } = "DELETE FROM rate_limit_events WHERE key = @key AND expires_at <= @now";

    public string ResetRateKey { get; } = "DELETE FROM rate_limit_events WHERE key = @key";

    /// <summary>Keys that start with @prefix (compared as a substring, so no LIKE escaping and no collation matter), with live events.</summary>
    public string ListRateKeys { get; } = """
        SELECT key, COUNT(*), MAX(at) FROM rate_limit_events
        WHERE substr(key, 1, @length) = @prefix AND expires_at > @now
        GROUP BY key ORDER BY key
        """;

    /// <summary>Every expired event and every key without a live event (idle keys of unknown numbers, IPs long gone).</summary>
    public string SweepRateLimits { get; } = """
        DELETE FROM rate_limit_events WHERE expires_at <= @now;
        DELETE FROM rate_limit_keys WHERE expires_at <= @now;
        """;

    public string Ping { get; } = "SELECT 1";

    /// <summary>The highest applied schema version (0 for none).</summary>
    public string SchemaVersion { get; } = "SELECT COALESCE(MAX(version), 0) FROM schema_version";

    private static string DropAlias(SqlDialect dialect, string keyColumn, string flag) => $"""
        UPDATE users SET {keyColumn} = NULL, attributes = {dialect.JsonSet("attributes", $"'{flag}'", "'false'")},
            modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user
        """;

    private static string SetVerified(SqlDialect dialect, string keyColumn) => $"""
        UPDATE users SET attributes = {dialect.JsonSet(dialect.JsonSet("attributes", "@attribute", "@value"), "@verified", "'true'")},
            {keyColumn} = @key, modified_at = @now, version = version + 1
        WHERE pool_id = @pool AND username_key = @user AND sub = @sub
        """;
}
