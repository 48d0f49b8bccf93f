-- superseded-by-other-publisher: a claim is superseded only by a claim of the same source or of
-- another source of the same publisher (its own later correction); another publisher's figure
-- is a second claim to record beside it, never a revision of it.
-- Superseded claims are few: the superseding claims and the two sources are looked up by those
-- keys (semi joins), so that no hash table holds every claim or every source (it did: 5.5 s and
-- 2M claims with their sources at 1M incidents, for no superseded claim at all).
WITH c AS (SELECT __line, superseded_by, incident_id, source_id FROM claims WHERE superseded_by IS NOT NULL),
n AS (SELECT claim_id, incident_id, source_id FROM claims WHERE claim_id IN (SELECT superseded_by FROM c)),
pairs AS (SELECT c.__line, c.superseded_by, c.source_id AS c_source, n.source_id AS n_source
          FROM c JOIN n ON n.claim_id = c.superseded_by
          WHERE c.incident_id = n.incident_id AND c.source_id <> n.source_id),
pub AS (SELECT source_id, publisher FROM sources
        WHERE source_id IN (SELECT c_source FROM pairs UNION ALL SELECT n_source FROM pairs))
SELECT 'claims' AS resource, p.__line AS line, 'superseded_by' AS "column",
       p.superseded_by || ' (' || ns.publisher || ')' AS value, cs.publisher AS expected
FROM pairs AS p
JOIN pub AS cs ON cs.source_id = p.c_source
JOIN pub AS ns ON ns.source_id = p.n_source
WHERE cs.publisher IS DISTINCT FROM ns.publisher
