-- 0002_apps: customer applications and everything that authenticates them
-- (secrets, JWT public keys, origin whitelist, replay protection), plus which
-- dashboard users may see which app.

-- One row per customer application. `public_id` is the callstats appID seen on
-- the wire (URL paths, client_id=localID@appID, the JWT appID claim); `id` is
-- the internal surrogate key every other table references, so the public form
-- could change without rewriting foreign keys.
create table apps (
    id          bigint generated always as identity primary key,
    -- callstats appIDs are number-like strings and some clients put them into
    -- JWTs as JSON numbers (`appID: 12345678`). Digits only, no leading zero,
    -- at most 15 digits, so that "123" and 123 are the same ID and every
    -- value is exactly representable as a JavaScript number.
    public_id   text collate "C" not null
        constraint apps_public_id_format check (public_id ~ '^[1-9][0-9]{0,14}$'),
    name        text not null
        constraint apps_name_length check (char_length(name) between 1 and 200),
    -- A disabled app keeps its data but /authenticate and ingestion refuse it.
    disabled_at timestamptz,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint apps_public_id_key unique (public_id)
);

-- App secrets for HS256 client tokens. They must be *recoverable* (the server
-- verifies an HMAC with them), so they are encrypted, not hashed: the
-- application encrypts with the master key (AEAD, e.g. AES-256-GCM) and stores
-- ciphertext + nonce. The plaintext is shown once on creation and never
-- stored, logged or shown again; afterwards only `label` and `last4` are shown.
-- An app may have two active secrets during a rotation; the application
-- enforces "at most two unrevoked" while holding `select ... for update` on the
-- apps row. Rows are revoked, not deleted, so audit history stays readable.
create table app_secrets (
    id                 bigint generated always as identity primary key,
    app_id             bigint not null references apps (id) on delete cascade,
    label              text not null
        constraint app_secrets_label_length check (char_length(label) between 1 and 100),
    ciphertext         bytea not null,
    nonce              bytea not null
        constraint app_secrets_nonce_length check (octet_length(nonce) between 12 and 24),
    -- Which master key encrypted this row, so the master key can be rotated by
    -- re-encrypting rows one by one.
    master_key_version smallint not null default 1,
    -- Last four characters of the secret: enough for a human to tell two
    -- secrets apart, far too little to help an attacker.
    last4              text not null
        constraint app_secrets_last4_length check (char_length(last4) <= 4),
    created_by         bigint references users (id) on delete set null,
    created_at         timestamptz not null default now(),
    last_used_at       timestamptz,
    revoked_at         timestamptz
);
-- Serves /authenticate ("every active secret of this app", filtering
-- revoked_at is null among a handful of rows), the admin list of an app's
-- secrets in creation order, and the FK cascade when an app is deleted.
create index app_secrets_app_id_idx on app_secrets (app_id, created_at);

-- ES256 public keys for third-party JWTs, looked up by the token's keyID claim.
create table app_jwt_keys (
    id             bigint generated always as identity primary key,
    app_id         bigint not null references apps (id) on delete cascade,
    -- keyID claim: opaque, exact, case-sensitive.
    key_id         text collate "C" not null
        constraint app_jwt_keys_key_id_length check (octet_length(key_id) between 1 and 256),
    -- SPKI PEM as uploaded (trimmed by the application). Only ES256 (P-256)
    -- keys are accepted; the application validates the curve on upload.
    public_key_pem text not null
        constraint app_jwt_keys_pem_format check (public_key_pem like '-----BEGIN PUBLIC KEY-----%'),
    -- sha-256 of the DER SubjectPublicKeyInfo, lowercase hex: shown in the UI
    -- so admins can compare with their own key without reading PEM.
    fingerprint    text not null
        constraint app_jwt_keys_fingerprint_format check (fingerprint ~ '^[0-9a-f]{64}$'),
    label          text not null default '',
    created_by     bigint references users (id) on delete set null,
    created_at     timestamptz not null default now(),
    last_used_at   timestamptz,
    revoked_at     timestamptz,
    -- Unique over *all* rows, revoked ones included: a keyID never silently
    -- starts to mean a different key. Rotate by adding a new keyID.
    -- Also serves the verification lookup (app_id, key_id).
    constraint app_jwt_keys_app_key_id_key unique (app_id, key_id)
);

-- Whitelisted origins (RFC 6454). Stored in the ASCII serialisation the
-- browser sends in the Origin header: lowercase scheme and host (IDNs in
-- punycode), default port omitted, no path, no trailing slash, e.g.
-- `https://meet.example.com` or `http://localhost:8080`. The application
-- normalises input to this form; comparison is then a plain byte equality.
create table app_origins (
    id         bigint generated always as identity primary key,
    app_id     bigint not null references apps (id) on delete cascade,
    origin     text collate "C" not null
        constraint app_origins_origin_format check (
            origin ~ '^[a-z][a-z0-9+.-]*://[^/?#@[:space:]]+$'
            and origin = lower(origin)
            and octet_length(origin) <= 2048
        ),
    created_by bigint references users (id) on delete set null,
    created_at timestamptz not null default now(),
    -- Serves both /authenticate questions: "does this app have a whitelist at
    -- all" (prefix app_id) and "is this Origin on it" (app_id, origin).
    constraint app_origins_app_origin_key unique (app_id, origin)
);

-- JWT IDs already accepted, for replay protection (both HS256 app-secret
-- tokens and ES256 third-party tokens). The collector does
--   insert ... on conflict do nothing returning 1
-- and refuses the token when nothing is returned. A row must live at least
-- until the token could no longer be accepted anyway (its exp + leeway; for a
-- token without exp the application caps the accepted age and uses that).
-- Rows double as the audit trail of third-party token grants ("jti logged for
-- audit"), so cleanup may keep them a while past expiry.
create table used_jwt_ids (
    app_id         bigint not null references apps (id) on delete cascade,
    jti            text collate "C" not null
        constraint used_jwt_ids_jti_length check (octet_length(jti) between 1 and 512),
    auth_method    text not null check (auth_method in ('app_secret', 'jwt_key')),
    app_secret_id  bigint references app_secrets (id) on delete set null,
    jwt_key_id     bigint references app_jwt_keys (id) on delete set null,
    -- the userID claim (opaque, ≤ 256 bytes like every userID)
    client_user_id text collate "C" not null
        constraint used_jwt_ids_user_id_length check (octet_length(client_user_id) <= 256),
    used_at        timestamptz not null default now(),
    expires_at     timestamptz not null,
    constraint used_jwt_ids_pkey primary key (app_id, jti)
);
-- Cleanup job: delete from used_jwt_ids where expires_at < now() - <audit window>.
create index used_jwt_ids_expires_at_idx on used_jwt_ids (expires_at);

-- Which apps a support/engineer user may see. Rule: admins see every app and
-- grant rows for admins are ignored; support and engineer users see exactly
-- the apps granted here (none by default).
create table user_app_grants (
    user_id    bigint not null references users (id) on delete cascade,
    app_id     bigint not null references apps (id) on delete cascade,
    granted_by bigint references users (id) on delete set null,
    granted_at timestamptz not null default now(),
    -- Serves "apps of this user" (every dashboard request) and makes a
    -- duplicate grant a no-op with on conflict do nothing.
    constraint user_app_grants_pkey primary key (user_id, app_id)
);
-- "Users who can see this app" on the admin app page; FK cascade on app delete.
create index user_app_grants_app_id_idx on user_app_grants (app_id);

-- Integration progress per app: which SDK/collector calls have been seen
-- succeeding ("initialize", "addNewFabric", "fabricSetup", "reportError",
-- "sendUserFeedback", ...). One row per (app, step); the collector upserts
-- with a throttle so the hot path does not rewrite the row on every request:
--   insert ... on conflict (app_id, step) do update set last_seen_at = excluded.last_seen_at,
--       seen_count = app_integration_progress.seen_count + 1
--   where app_integration_progress.last_seen_at < excluded.last_seen_at - interval '1 minute'
create table app_integration_progress (
    app_id        bigint not null references apps (id) on delete cascade,
    step          text not null
        constraint app_integration_progress_step_format check (step ~ '^[a-zA-Z][a-zA-Z0-9_.]{0,63}$'),
    first_seen_at timestamptz not null default now(),
    last_seen_at  timestamptz not null default now(),
    seen_count    bigint not null default 1,
    -- Serves the integration page (all steps of one app) and the upsert.
    constraint app_integration_progress_pkey primary key (app_id, step)
);
