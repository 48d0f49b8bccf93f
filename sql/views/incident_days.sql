-- incident_days: the daily series every time-based total is cut from. Each active incident's
-- raw figures and deduplicated shares (incident_contributions) spread evenly over the days of
-- its date range, so a figure for 5 June - 20 October adds 1/138 of itself to each of those days
-- instead of counting in June. Values are fractional; views that show them round at the end.
CREATE VIEW incident_days AS
SELECT c.incident_id, c.campaign, c.date_start + CAST(d.k AS INTEGER) AS day, c.days,
       c.date_start, c.date_end, c.no_figure,
       c.raw_min / c.days AS raw_min, c.raw_max / c.days AS raw_max,
       c.min_share / c.days AS dedup_min, c.max_share / c.days AS dedup_max
FROM incident_contributions AS c,
     LATERAL (SELECT unnest(range(c.days)) AS k) AS d;
COMMENT ON VIEW incident_days IS 'One row per active incident and day of its date range: its raw civilian minimum and maximum and its deduplicated shares, each divided evenly over the range''s days (fractional).';
