-- 0001_accounts: dashboard users and their server-side sessions.
--
-- Every callscope migration runs inside one transaction (sqlx default), so a
-- failure leaves the schema exactly as it was before the file.

-- conferenceIDs and userIDs are opaque UTF-8 byte strings (identifiers guide).
-- A database in another encoding would either reject them (LATIN1) or accept
-- invalid byte sequences (SQL_ASCII), and prefix_upper_bound() in 0003 relies
-- on ascii()/chr() working on Unicode code points. Refuse early and loudly.
do $$
begin
    if getdatabaseencoding() <> 'UTF8' then
        raise exception 'callscope needs a UTF8 database, this one is %', getdatabaseencoding()
            using hint = 'create the database with: create database callscope encoding ''UTF8'' template template0';
    end if;
end
$$;

-- Dashboard accounts. Roles decide what identity fields a person may see
-- (support: userName, engineer: aliasName only, admin: both) and who may
-- administer apps. Accounts are disabled rather than deleted so that the audit
-- log keeps pointing at a real row.
create table users (
    id            bigint generated always as identity primary key,
    email         text not null,
    password_hash text not null,            -- argon2id PHC string
    role          text not null check (role in ('support', 'engineer', 'admin')),
    disabled_at   timestamptz,
    created_at    timestamptz not null default now(),
    updated_at    timestamptz not null default now()
);
-- Login looks users up by e-mail typed in any case; two accounts must not
-- differ only by case. lower() is enough here (e-mail, not a callstats ID).
create unique index users_email_key on users (lower(email));

-- Server-side sessions: the cookie carries a random token, the table keeps only
-- its sha-256, so a leaked database dump cannot be replayed as cookies.
-- Deleting a user ends all of their sessions (cascade).
create table sessions (
    token_hash   bytea primary key,          -- sha-256 of the cookie token; the token itself is never stored
    user_id      bigint not null references users (id) on delete cascade,
    created_at   timestamptz not null default now(),
    expires_at   timestamptz not null,
    last_seen_at timestamptz not null default now()
);
-- "Sign out everywhere" / disabling a user deletes by user_id; the FK cascade
-- from users also needs it to avoid a sequential scan.
create index sessions_user_id_idx on sessions (user_id);
-- The cleanup job deletes expired sessions: delete ... where expires_at < now().
create index sessions_expires_at_idx on sessions (expires_at);
