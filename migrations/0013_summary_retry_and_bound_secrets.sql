-- 0013_summary_retry_and_bound_secrets: a summary that fails is retried
-- later instead of holding back every other instance, and secrets at rest
-- are bound to their row.

-- An ended instance whose summary failed stays ended with `summarized_at`
-- null (so the stale-summary index still finds it), and the lifecycle
-- worker leaves it alone until `summary_retry_at`: the wait doubles with
-- each failed attempt (server::lifecycle). `summary_error` says why, for
-- the operator; a successful summary clears all three.
alter table conference_instances
    add column summary_attempts integer not null default 0
        constraint conference_instances_summary_attempts_range check (summary_attempts >= 0),
    add column summary_retry_at timestamptz,
    add column summary_error    text
        constraint conference_instances_summary_error_length check (octet_length(summary_error) <= 1024);

-- How a secret's ciphertext was sealed (server::sealed):
--   1  AES-256-GCM without associated data (rows written before 0013);
--   2  AES-256-GCM with associated data naming the row (its table, app and
--      id), so a ciphertext copied into another row does not decrypt.
-- `callscope serve` re-seals format-1 rows as format 2 at start; both
-- formats decrypt, so a row written meanwhile by an older process works.
alter table app_secrets
    add column ciphertext_format smallint not null default 1
        constraint app_secrets_ciphertext_format_check check (ciphertext_format in (1, 2));
alter table webhooks
    add column secret_format smallint not null default 1
        constraint webhooks_secret_format_check check (secret_format in (1, 2));
