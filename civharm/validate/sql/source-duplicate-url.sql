-- source-duplicate-url: one document, one sources row; a second row for the same URL would let
-- one report count as two. URLs compare without a trailing slash. Duplicates are rare: a hash
-- aggregate finds the repeated URLs first, and only their rows are ordered (a window over every
-- source cost 2.7 times as much at 245k sources).
WITH repeated AS (SELECT rtrim(url, '/') AS key FROM sources WHERE url IS NOT NULL GROUP BY ALL HAVING count(*) > 1)
SELECT 'sources' AS resource, __line AS line, 'url' AS "column", url AS value,
       first_id || ' (line ' || first_line || ')' AS expected
FROM (
    SELECT __line, url, source_id,
           first_value(source_id) OVER w AS first_id, first_value(__line) OVER w AS first_line
    FROM sources SEMI JOIN repeated ON repeated.key = rtrim(sources.url, '/')
    WHERE url IS NOT NULL
    WINDOW w AS (PARTITION BY rtrim(url, '/') ORDER BY __line)
)
WHERE __line <> first_line
