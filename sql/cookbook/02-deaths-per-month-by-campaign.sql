-- How many civilians were killed per month, in each campaign?
-- Raw sums of the active incidents' minima and maxima (an open maximum counts its minimum) beside
-- the deduplicated bounds, which count deaths shared by related incidents once (incident_relations).
-- An incident spanning several months counts in each for its days there, so figures are rounded.
-- Incidents whose sources give no number are counted apart. Tallies are never added.
SELECT campaign, strftime(month, '%Y-%m') AS month, incidents, dedup_min, dedup_max, raw_min, raw_max,
       incidents_without_figure
FROM deaths_by_month
ORDER BY campaign, month;
