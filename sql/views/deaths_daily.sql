-- deaths_daily: civilian deaths per campaign and day, raw and deduplicated, from incident_days.
CREATE VIEW deaths_daily AS
SELECT campaign, day, count(*) AS incidents,
       sum(raw_min) AS raw_min, sum(raw_max) AS raw_max,
       sum(dedup_min) AS dedup_min, sum(dedup_max) AS dedup_max
FROM incident_days
GROUP BY campaign, day;
COMMENT ON VIEW deaths_daily IS 'Per campaign and day: the active incidents whose range includes the day, and the sums of their daily raw and deduplicated figures (fractional; round only for display).';
