-- source_chains: every source that copies (republished_from) or relays (cited_source_id in its
-- claims or tallies) another, followed hop by hop to the original it rests on.
CREATE VIEW source_chains AS
WITH RECURSIVE links AS (
    SELECT DISTINCT source_id, republished_from AS via, 'republishes' AS relation
    FROM sources WHERE republished_from IS NOT NULL
    UNION
    SELECT DISTINCT source_id, cited_source_id, 'relays' FROM claims
    WHERE cited_source_id IS NOT NULL AND cited_source_id <> source_id
    UNION
    SELECT DISTINCT source_id, cited_source_id, 'relays' FROM tallies
    WHERE cited_source_id IS NOT NULL AND cited_source_id <> source_id
),
chain(source_id, relation, current, hops, path) AS (
    SELECT source_id, relation, via, 1, [source_id, via] FROM links
    UNION ALL
    SELECT c.source_id, c.relation, l.via, c.hops + 1, list_append(c.path, l.via)
    FROM chain AS c JOIN links AS l ON l.source_id = c.current
    WHERE NOT list_contains(c.path, l.via) AND c.hops < 16
)
SELECT c.source_id, s.publisher, c.relation, c.current AS original_id, o.publisher AS original_publisher,
       c.hops, array_to_string(c.path, ' -> ') AS path
FROM chain AS c
JOIN sources AS s ON s.source_id = c.source_id
JOIN sources AS o ON o.source_id = c.current
WHERE NOT EXISTS (SELECT 1 FROM links AS l WHERE l.source_id = c.current);
COMMENT ON VIEW source_chains IS 'Republications and relays, each followed to the original source it rests on, with the path.';
