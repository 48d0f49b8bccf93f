-- official_vs_monitors: per incident where a belligerent spoke (an admission or a denial), what
-- it conceded against what monitors and the media reported, and the ratio of the two maxima.
-- The founding article's point, as a query: official counts are a fraction of NGO counts.
-- Claims that a later claim supersedes are left out, as in the range rule.
CREATE VIEW official_vs_monitors AS
WITH figures AS (
    SELECT c.incident_id,
           c.claim_type IN ('admission', 'denial') OR s.category = 'belligerent' AS official,
           c.claim_type, least(c.civilians_killed_min, c.civilians_killed_max) AS lo,
           greatest(c.civilians_killed_min, c.civilians_killed_max) AS hi
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    WHERE c.superseded_by IS NULL  -- a revised count (the coalition's 3, raised to 16) is not compared
)
SELECT i.incident_id, i.campaign, i.date_start, i.locality, i.neighbourhood,
       min(f.lo) FILTER (WHERE f.official) AS official_min,
       max(f.hi) FILTER (WHERE f.official) AS official_max,
       bool_or(f.claim_type = 'denial') AS official_denial,
       min(f.lo) FILTER (WHERE NOT f.official) AS monitors_min,
       max(f.hi) FILTER (WHERE NOT f.official) AS monitors_max,
       round(max(f.hi) FILTER (WHERE f.official)
             / nullif(max(f.hi) FILTER (WHERE NOT f.official), 0), 3) AS ratio,
       count(*) FILTER (WHERE f.official) AS official_claims,
       count(*) FILTER (WHERE NOT f.official) AS monitor_claims
FROM incidents AS i JOIN figures AS f ON f.incident_id = i.incident_id
WHERE i.status = 'active'
GROUP BY i.incident_id, i.campaign, i.date_start, i.locality, i.neighbourhood
HAVING count(*) FILTER (WHERE f.official) > 0;
COMMENT ON VIEW official_vs_monitors IS 'Per incident with a belligerent admission or denial: official against monitor and media figures, and official_max / monitors_max.';
