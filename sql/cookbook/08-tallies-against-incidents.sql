-- How much of each aggregate figure do the recorded incidents account for?
SELECT tally_id, publisher, period_start, period_end, area, tally_min, tally_max,
       incidents, incidents_min, incidents_max
FROM tally_coverage
ORDER BY period_start, tally_id;
