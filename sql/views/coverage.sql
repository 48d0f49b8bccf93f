-- coverage: what the data holds, as shares, so that nobody reads more into it than it has.
-- Per campaign (and 'all'): active incidents by grade, by belligerent position, by origin (only a research dataset's
-- claims, such as UCDP GED, or curated from other sources too) and by location precision, and
-- claims by the kind of source that makes them.
CREATE VIEW coverage AS
WITH origin AS (
    SELECT c.incident_id,
           CASE WHEN bool_and(s.category = 'dataset') THEN 'dataset only: ' || string_agg(DISTINCT s.publisher, '; ')
                ELSE 'curated' END AS origin
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    GROUP BY c.incident_id
),
facts AS (
    SELECT CAST(i.campaign AS VARCHAR) AS campaign, 'incidents' AS unit, 'grade' AS aspect, CAST(i.grade AS VARCHAR) AS value
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'belligerent_position',
           coalesce(CAST(i.belligerent_position AS VARCHAR), 'no position recorded')
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'origin', coalesce(o.origin, 'no claim')
    FROM incidents AS i LEFT JOIN origin AS o USING (incident_id) WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'incidents', 'location_precision', CAST(i.location_precision AS VARCHAR)
    FROM incidents AS i WHERE i.status = 'active'
    UNION ALL
    SELECT CAST(i.campaign AS VARCHAR), 'claims', 'source',
           CASE WHEN s.category = 'dataset' THEN 'dataset: ' || s.publisher ELSE CAST(s.category AS VARCHAR) END
    FROM claims AS c JOIN sources AS s ON s.source_id = c.source_id
    JOIN incidents AS i ON i.incident_id = c.incident_id WHERE i.status = 'active'
),
counted AS (
    SELECT campaign, unit, aspect, value, count(*) AS n FROM facts GROUP BY ALL
    UNION ALL
    SELECT 'all', unit, aspect, value, count(*) FROM facts GROUP BY ALL
)
SELECT campaign, aspect, value, unit, n AS count,
       CAST(sum(n) OVER (PARTITION BY campaign, aspect) AS BIGINT) AS total,
       round(100.0 * n / sum(n) OVER (PARTITION BY campaign, aspect), 1) AS percent
FROM counted;
COMMENT ON VIEW coverage IS 'Per campaign and for all: active incidents by grade, belligerent position, origin (only a dataset''s claims, or curated) and location precision, and their claims by kind of source; count, total and percent (one decimal).';
