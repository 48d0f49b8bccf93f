-- source-duplicate-url: one document, one sources row; a second row for the same URL would let
-- one report count as two. URLs compare without a trailing slash.
SELECT 'sources' AS resource, __line AS line, 'url' AS "column", url AS value,
       first_id || ' (line ' || first_line || ')' AS expected
FROM (
    SELECT __line, url, source_id,
           first_value(source_id) OVER w AS first_id, first_value(__line) OVER w AS first_line
    FROM sources
    WHERE url IS NOT NULL
    WINDOW w AS (PARTITION BY rtrim(url, '/') ORDER BY __line)
)
WHERE __line <> first_line
