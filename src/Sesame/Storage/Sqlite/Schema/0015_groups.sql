-- User pool groups (CreateGroup) and their members. group_key is the lower-cased name: Cognito refuses a second group
-- whose name differs only in case. Members are held by sub and go with the user (and with the group): a username
-- taken again later never inherits an old membership.
CREATE TABLE user_groups (
    pool_id      TEXT    NOT NULL,
    group_key    TEXT    NOT NULL,
    group_name   TEXT    NOT NULL,
    description  TEXT    NULL,
    role_arn     TEXT    NULL,
    precedence   INTEGER NULL,
    created_at   INTEGER NOT NULL,
    modified_at  INTEGER NOT NULL,
    PRIMARY KEY (pool_id, group_key)
) WITHOUT ROWID;

CREATE TABLE user_group_members (
    pool_id    TEXT    NOT NULL,
    group_key  TEXT    NOT NULL,
    sub        TEXT    NOT NULL,
    added_at   INTEGER NOT NULL,
    PRIMARY KEY (pool_id, group_key, sub),
    FOREIGN KEY (pool_id, group_key) REFERENCES user_groups (pool_id, group_key) ON DELETE CASCADE,
    FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX user_group_members_sub ON user_group_members (pool_id, sub);
