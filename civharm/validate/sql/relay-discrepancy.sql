-- relay-discrepancy (notice): the relay_discrepancies view (sql/views/), reported at each
-- relaying claim's line.
SELECT 'claims' AS resource, c.__line AS line, 'civilians_killed_min' AS "column",
       concat_ws('-', r.relayed_min, nullif(r.relayed_max, r.relayed_min)) AS value,
       concat_ws('-', r.cited_min, nullif(r.cited_max, r.cited_min))
           || ' (' || r.cited_source || ', ' || r.cited_claim_id || ')' AS expected
FROM relay_discrepancies AS r JOIN claims AS c USING (claim_id)
