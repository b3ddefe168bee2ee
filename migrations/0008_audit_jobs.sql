-- 0008_audit_jobs: audit log of admin actions and leases for singleton
-- background jobs.

-- Every admin action (dashboard or CLI subcommand): who, what, on which app,
-- with details. Append-only. `details` must never contain secrets, tokens or
-- password hashes — only labels, last4, keyIDs, fingerprints, ids.
create table audit_log (
    id            bigint generated always as identity primary key,
    occurred_at   timestamptz not null default now(),
    -- dashboard user, or null for the CLI / the system itself
    actor_user_id bigint references users (id) on delete set null,
    actor_kind    text not null
        constraint audit_log_actor_kind_check check (actor_kind in ('user', 'cli', 'system')),
    -- e-mail (or 'cli@hostname', 'system') at the time of the action, so the
    -- entry stays readable if the user row changes or goes away
    actor_label   text not null,
    -- dotted verb, e.g. 'app.create', 'app.secret.rotate', 'app.key.add',
    -- 'app.origin.remove', 'webhook.update', 'user.create', 'user.disable',
    -- 'session.login', 'session.login_failed'
    action        text not null
        constraint audit_log_action_format check (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)*$'),
    app_id        bigint references apps (id) on delete set null,
    target_type   text,     -- 'app', 'app_secret', 'app_jwt_key', 'app_origin', 'webhook', 'user', ...
    target_id     text,     -- the target's id as text (bigint ids, keyIDs, origins)
    details       jsonb not null default '{}',
    constraint audit_log_actor_user_present check (actor_kind <> 'user' or actor_user_id is not null)
);
-- Audit page, newest first, optionally by period.
create index audit_log_occurred_at_idx on audit_log (occurred_at desc);
-- "What did this person do", newest first; FK set-null on user deletion.
create index audit_log_actor_idx on audit_log (actor_user_id, occurred_at desc)
    where actor_user_id is not null;
-- "What happened to this app", newest first; FK set-null on app deletion.
create index audit_log_app_idx on audit_log (app_id, occurred_at desc)
    where app_id is not null;

-- Leases for jobs that must run on only one callscope instance at a time
-- (partition maintenance, retention, webhook interval evaluation tick,
-- cleanup of sessions/jti/idempotency keys). Row-level work (finalizing
-- conference instances, sending deliveries) does not need this: it claims
-- rows with `for update skip locked`. A table lease is used instead of
-- session advisory locks because pooled connections make session locks easy
-- to leak, and because the table shows operators when each job last ran.
-- Acquire/renew (returns a row iff this instance holds the lease):
--   insert into job_leases (name, holder, leased_until) values ($1, $2, now() + $3)
--   on conflict (name) do update set holder = excluded.holder, leased_until = excluded.leased_until
--   where job_leases.leased_until < now() or job_leases.holder = excluded.holder
--   returning name
create table job_leases (
    name             text primary key
        constraint job_leases_name_format check (name ~ '^[a-z][a-z0-9_]{0,63}$'),
    holder           text not null,      -- instance identity, e.g. hostname:pid:random
    leased_until     timestamptz not null,
    last_started_at  timestamptz,
    last_finished_at timestamptz,
    last_error       text,
    run_count        bigint not null default 0
);
