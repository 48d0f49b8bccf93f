-- How much of each aggregate figure do the recorded incidents account for?
-- Only incidents of the tally's campaign, area and actor scope count (deduplicated, and raw);
-- those that may be in scope but state no actor or place are shown apart, and then the
-- comparison is only a lower bound.
SELECT tally_id, publisher, period_start, period_end, scope, tally_min, tally_max, comparison,
       incidents, dedup_min, dedup_max, raw_min, raw_max, possible_incidents, possible_min, possible_max
FROM tally_coverage
ORDER BY period_start, tally_id;
