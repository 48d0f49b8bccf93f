-- unsettled_incidents (validator only): the incidents with a claim whose cell, or whose source's
-- cell, broke its own rule. The rules that derive an incident's value from its claims (grade,
-- belligerent position) leave these alone: the broken cell is the problem to fix. A small table
-- of keys, built once, that those rules anti-join, rather than a per-incident NOT EXISTS over
-- claims and sources (a join of every claim to its source, per rule, at 10M claims).
CREATE TEMP TABLE unsettled_incidents AS
SELECT incident_id FROM claims WHERE __broken AND incident_id IS NOT NULL
UNION
SELECT c.incident_id FROM claims AS c
SEMI JOIN (SELECT source_id FROM sources WHERE __broken) AS s ON s.source_id = c.source_id
WHERE c.incident_id IS NOT NULL
