-- 0011_fabric_quality: the quality score of each fabric, its worst stream's
-- (docs/quality.md), written with the instance's summary; null until then or
-- when no stream of it was measured.
alter table fabrics add column quality_score double precision
    constraint fabrics_quality_score_range check (quality_score between 1 and 5);
