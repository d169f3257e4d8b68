-- User pool groups and their members, as SQLite's 0015_groups.sql. The foreign keys lock the group and user rows a
-- new membership names, so a membership never outlives a group or user deleted by another node at the same moment.
CREATE TABLE user_groups (
    pool_id      text    NOT NULL,
    group_key    text    COLLATE "C" NOT NULL,
    group_name   text    NOT NULL,
    description  text    NULL,
    role_arn     text    NULL,
    precedence   integer NULL,
    created_at   bigint  NOT NULL,
    modified_at  bigint  NOT NULL,
    PRIMARY KEY (pool_id, group_key)
);

CREATE TABLE user_group_members (
    pool_id    text    NOT NULL,
    group_key  text    COLLATE "C" NOT NULL,
    sub        text    NOT NULL,
    added_at   bigint  NOT NULL,
    PRIMARY KEY (pool_id, group_key, sub),
    CONSTRAINT user_group_members_group FOREIGN KEY (pool_id, group_key) REFERENCES user_groups (pool_id, group_key) ON DELETE CASCADE,
    CONSTRAINT user_group_members_user FOREIGN KEY (pool_id, sub) REFERENCES users (pool_id, sub) ON DELETE CASCADE
);

CREATE INDEX user_group_members_sub ON user_group_members (pool_id, sub);
