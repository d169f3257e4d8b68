-- What SQLite's query planner assumes about the users table. Without statistics it guesses that "pool_id = ?" on the
-- primary key's prefix selects about ten rows, so a lookup like "pool_id = ? AND (phone_key = ? OR email_key = ?)"
-- read every user of the pool instead of one index entry per term: a sign-in cost time in proportion to the pool's
-- size. These rows (the documented way for an application to write sqlite_stat1) say a pool holds many users and a
-- username, sub, phone number or email holds one, which is true at every size that matters; a later ANALYZE replaces
-- them with measured figures of the same shape. "ANALYZE users" creates sqlite_stat1 if it is missing;
-- "ANALYZE sqlite_schema" makes this connection read the rows at once (new connections read them when they open).
ANALYZE users;
DELETE FROM sqlite_stat1 WHERE tbl = 'users';
INSERT INTO sqlite_stat1 (tbl, idx, stat) VALUES
    ('users', 'users',       '1000000 1000000 1'),
    ('users', 'users_sub',   '1000000 1000000 1'),
    ('users', 'users_phone', '1000000 1000000 1'),
    ('users', 'users_email', '1000000 1000000 1');
ANALYZE sqlite_schema;
