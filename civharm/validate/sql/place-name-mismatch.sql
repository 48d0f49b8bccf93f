-- place-name-mismatch: an incident's place_id names a place whose name or one of whose
-- spellings occurs (without case) in the incident's locality or neighbourhood text: the
-- gazetteer entry is the place the incident's own words name.
SELECT 'incidents' AS resource, i.__line AS line, 'place_id' AS "column", i.place_id AS value,
       p.name || coalesce('; ' || p.spellings, '') AS expected
FROM incidents AS i JOIN places AS p USING (place_id)
WHERE NOT i.__broken AND NOT p.__broken
  AND NOT EXISTS (
      SELECT 1 FROM unnest(list_concat([p.name], coalesce(string_split(p.spellings, '; '), []))) AS u(s)
      WHERE trim(s) <> ''
        AND contains(lower(coalesce(i.locality, '') || '; ' || coalesce(i.neighbourhood, '')), lower(trim(s))))
