-- To whom is the harm attributed, and how sure is that?
-- Active incidents and their civilian deaths per attributed actor and attribution certainty.
SELECT coalesce(a.short_name, '(none)') AS actor, i.attribution, count(*) AS incidents,
       CAST(sum(i.civilians_killed_min) AS BIGINT) AS civilians_killed_min,
       CAST(sum(coalesce(i.civilians_killed_max, i.civilians_killed_min)) AS BIGINT) AS civilians_killed_max
FROM incidents AS i LEFT JOIN actors AS a ON a.actor_id = i.actor_id
WHERE i.status = 'active'
GROUP BY ALL
ORDER BY incidents DESC, actor, i.attribution;
