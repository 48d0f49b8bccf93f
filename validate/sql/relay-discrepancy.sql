-- relay-discrepancy (notice): a claim that names the source it relies on, but states a figure
-- that source's own claim on the same incident does not. The founding article's 55 against the
-- Observatory's 42 is the case this report exists for.
WITH pairs AS (
    SELECT r.__line, r.claim_id, o.claim_id AS cited_claim, s.publisher,
           r.civilians_killed_min AS r_min, r.civilians_killed_max AS r_max,
           o.civilians_killed_min AS o_min, o.civilians_killed_max AS o_max
    FROM claims AS r
    JOIN claims AS o ON o.incident_id = r.incident_id AND o.source_id = r.cited_source_id
    JOIN sources AS s ON s.source_id = r.cited_source_id
    WHERE r.cited_source_id IS NOT NULL AND r.cited_source_id <> r.source_id
)
SELECT 'claims' AS resource, __line AS line, 'civilians_killed_min' AS "column",
       coalesce(CAST(r_min AS VARCHAR), '?') || CASE WHEN r_max IS DISTINCT FROM r_min
           THEN '-' || coalesce(CAST(r_max AS VARCHAR), '?') ELSE '' END AS value,
       coalesce(CAST(o_min AS VARCHAR), '?') || CASE WHEN o_max IS DISTINCT FROM o_min
           THEN '-' || coalesce(CAST(o_max AS VARCHAR), '?') ELSE '' END
           || ' (' || publisher || ', ' || cited_claim || ')' AS expected
FROM pairs
WHERE (r_min IS NOT NULL AND o_min IS NOT NULL AND r_min <> o_min)
   OR (r_max IS NOT NULL AND o_max IS NOT NULL AND r_max <> o_max)
