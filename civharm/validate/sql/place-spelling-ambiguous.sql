-- place-spelling-ambiguous: every spelling of the gazetteer (a place's name and each of its
-- spellings, compared without case and outer spaces) names one place, so that a spelling in the
-- data resolves to one place. Reported on each place after the first that uses the spelling.
WITH spelt AS (
    SELECT __line, place_id, lower(trim(s)) AS key, trim(s) AS spelling
    FROM places, unnest(list_concat([name], coalesce(string_split(spellings, '; '), []))) AS u(s)
    WHERE NOT __broken AND trim(s) <> ''
),
firsts AS (SELECT key, arg_min(place_id, __line) AS first_id, min(__line) AS first_line
           FROM spelt GROUP BY key HAVING count(DISTINCT place_id) > 1)
SELECT DISTINCT 'places' AS resource, s.__line AS line, 'spellings' AS "column", s.spelling AS value,
       f.first_id || ' (line ' || f.first_line || ')' AS expected
FROM spelt AS s JOIN firsts AS f USING (key)
WHERE s.place_id <> f.first_id
