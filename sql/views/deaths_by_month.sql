-- deaths_by_month: civilian deaths per month and campaign, raw and deduplicated side by side,
-- cut from the daily series (incident_days): an incident spanning several months counts in each
-- month for the days it spans there. Tallies are never added. Figures are rounded to whole
-- deaths here, and only here, so the months of a campaign can differ by a death or two from
-- campaign_totals. A month's lower share is never shown above its upper one (methodology).
-- Rows come by campaign (in the schema's order of campaigns), then month.
CREATE VIEW deaths_by_month AS
SELECT campaign, CAST(date_trunc('month', day) AS DATE) AS month,
       count(DISTINCT incident_id) AS incidents,
       count(DISTINCT incident_id) FILTER (WHERE no_figure) AS incidents_without_figure,
       CAST(round(sum(raw_min)) AS BIGINT) AS raw_min,
       CAST(round(sum(raw_max)) AS BIGINT) AS raw_max,
       CAST(round(least(sum(dedup_min), sum(dedup_max))) AS BIGINT) AS dedup_min,
       CAST(round(sum(dedup_max)) AS BIGINT) AS dedup_max
FROM incident_days
GROUP BY ALL
ORDER BY campaign, month;
COMMENT ON VIEW deaths_by_month IS 'Per campaign and month: active incidents whose dates touch the month, and civilian deaths raw (sums of minima and maxima, an open max counting its min) and deduplicated (incident_relations), each incident spread evenly over its days; rounded to whole deaths.';
