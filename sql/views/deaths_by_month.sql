-- deaths_by_month: civilian deaths per month and campaign, as the sum of active incidents'
-- minima and maxima (tallies are never added). incidents_without_figure counts incidents whose
-- claims give no number, which the sums therefore leave out.
CREATE VIEW deaths_by_month AS
SELECT campaign, CAST(date_trunc('month', date_start) AS DATE) AS month,
       count(*) AS incidents,
       CAST(sum(civilians_killed_min) AS BIGINT) AS civilians_killed_min,
       CAST(sum(coalesce(civilians_killed_max, civilians_killed_min)) AS BIGINT) AS civilians_killed_max,
       count(*) FILTER (WHERE civilians_killed_min IS NULL AND civilians_killed_max IS NULL) AS incidents_without_figure
FROM incidents
WHERE status = 'active'
GROUP BY ALL;
COMMENT ON VIEW deaths_by_month IS 'Per campaign and month (of date_start): active incidents and the sums of their civilian minima and maxima (a max left open counts its min).';
