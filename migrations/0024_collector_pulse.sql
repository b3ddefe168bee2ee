-- 0024_collector_pulse: what the silence rule measures silence against.
--
-- A live instance used to end after 30 s without a word by the wall clock
-- alone, so when the collector itself could not be reached (every
-- callscope process down for a deploy, or the network in front of them) the
-- first lifecycle round after it came back ended every live conference
-- before its clients could reconnect. Silence now counts only while the
-- collector hears from someone (server::lifecycle):
--
-- * `heard_at` is the latest time the collector heard from any live
--   instance (the greatest `last_seen_at` of the live ones), as the last
--   lifecycle round saw it;
-- * `resumed_at` is when it heard again after hearing nothing from anyone
--   for longer than the lifecycle's quiet gap: silence is counted from then
--   for the instances it had not heard from since; null until that happens.
--
-- One row, written by every process's lifecycle round (every 5 s) with one
-- upsert (db::pulse::observe).
create table collector_pulse (
    singleton  boolean primary key default true constraint collector_pulse_one_row check (singleton),
    heard_at   timestamptz not null,
    resumed_at timestamptz
);
