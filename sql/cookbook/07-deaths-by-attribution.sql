-- To whom is the harm attributed, and how sure is that?
-- Active incidents and their civilian deaths per attributed actor and attribution certainty: raw
-- sums, and each incident's share of the deduplicated bounds (incident_contributions), rounded.
SELECT coalesce(a.short_name, '(none)') AS actor, i.attribution, count(*) AS incidents,
       CAST(round(least(sum(c.min_share), sum(c.max_share))) AS BIGINT) AS dedup_min, CAST(round(sum(c.max_share)) AS BIGINT) AS dedup_max,
       CAST(sum(c.raw_min) AS BIGINT) AS raw_min, CAST(sum(c.raw_max) AS BIGINT) AS raw_max
FROM incidents AS i
JOIN incident_contributions AS c ON c.incident_id = i.incident_id
LEFT JOIN actors AS a ON a.actor_id = i.actor_id
GROUP BY ALL
ORDER BY incidents DESC, actor, i.attribution;
