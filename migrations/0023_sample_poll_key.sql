-- 0023_sample_poll_key: the two changes that bring the demo's polls (three
-- objects each: an audio and a video track and the candidate pair) under
-- 150 bytes per sample on disk; 0022 brought a browser's fourteen-object
-- polls there. Measured in tests/it/collector/sample_size_demo.rs and
-- docs/benchmarks.md ("Bytes per sample on disk").
--
-- * A poll is identified by its fabric and its measurement time, so the
--   one-entry-per-poll index holds (fabric_id, sampled_at) without the
--   first object's key: getStats() gives one connection one result per
--   instant, and the key, the same object in every poll, told no two polls
--   apart in practice while it doubled the entry's size. A retried poll
--   still conflicts here and is stored once (db::stats::insert).
-- * Packet counters are integer. No browser's counter of one RTP stream
--   reaches 2^31 in a call (that is 25 days of 1,000 packets a second);
--   the collector still accepts counters up to 2^53 on the wire, as
--   before, and stores a larger one as the integer's bound, so a stream
--   past it reads as flat (no loss measured) rather than failing the poll.
--   The audio sample counters (concealed_samples, total_samples_received)
--   stay bigint: they pass 2^31 in 12 hours at 48 kHz.

-- Two polls of one fabric stamped with the same instant (with different
-- first objects) were both kept: the later-keyed one's first row becomes
-- an ordinary row of it, so that the index below can be built.
update stats_samples s set poll_objects = null
 where poll_objects is not null
   and exists (select from stats_samples o
                where o.fabric_id = s.fabric_id and o.sampled_at = s.sampled_at
                  and o.poll_objects is not null and o.stat_key < s.stat_key);
drop index stats_samples_poll_key;

alter table stats_samples
    alter column packets_lost type integer
        using greatest(least(packets_lost, 2147483647), -2147483648)::integer,
    alter column packets_received type integer using least(packets_received, 2147483647)::integer,
    alter column packets_sent type integer using least(packets_sent, 2147483647)::integer;

create unique index stats_samples_poll_key on stats_samples (fabric_id, sampled_at)
    where poll_objects is not null;

