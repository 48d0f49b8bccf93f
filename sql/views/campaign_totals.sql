-- campaign_totals: per campaign, the raw sums of the active incidents' minima and maxima beside
-- the deduplicated bounds (incident_contributions), with how many incidents give no figure and
-- how many relations between incidents the deduplication used.
CREATE VIEW campaign_totals AS
WITH used AS (
    SELECT c.campaign, count(*) AS relations
    FROM incident_relations AS r
    JOIN incident_contributions AS c ON c.incident_id = r.incident_id
    JOIN incident_contributions AS o ON o.incident_id = r.related_incident_id
    WHERE r.incident_id <> r.related_incident_id
    GROUP BY c.campaign
)
SELECT c.campaign, count(*) AS incidents,
       count(*) FILTER (WHERE c.no_figure) AS incidents_without_figure,
       min(c.date_start) AS first_date, max(c.date_end) AS last_date,
       CAST(sum(c.raw_min) AS BIGINT) AS raw_min, CAST(sum(c.raw_max) AS BIGINT) AS raw_max,
       CAST(round(sum(c.min_share)) AS BIGINT) AS dedup_min, CAST(round(sum(c.max_share)) AS BIGINT) AS dedup_max,
       count(DISTINCT c.group_id) FILTER (WHERE c.group_size > 1) AS related_groups,
       count(*) FILTER (WHERE c.group_size > 1) AS related_incidents,
       coalesce(any_value(u.relations), 0) AS relations_used
FROM incident_contributions AS c LEFT JOIN used AS u ON u.campaign = c.campaign
GROUP BY c.campaign;
COMMENT ON VIEW campaign_totals IS 'Per campaign: active incidents, those with no figure, first and last date, civilian deaths raw (sums of minima and maxima) and deduplicated (lower and upper bound over related incidents), and the relations used.';
