-- victims-exceed-counts: an active incident's counts by age and sex are not below the victims
-- a claim of it lists as killed: each claim's named or described dead, as civilians, children
-- (age_group child), women (female adults) and men (male adults), are at most the incident's
-- maximum of that figure, where it states one. Counted per claim: two sources naming the same
-- person are one person.
WITH listed AS (
    SELECT c.incident_id, v.claim_id,
           count(*) AS civilians_killed,
           count(*) FILTER (WHERE v.age_group = 'child') AS children_killed,
           count(*) FILTER (WHERE v.age_group = 'adult' AND v.sex = 'female') AS women_killed,
           count(*) FILTER (WHERE v.age_group = 'adult' AND v.sex = 'male') AS men_killed
    FROM victims AS v JOIN claims AS c USING (claim_id)
    WHERE v.outcome = 'killed' AND NOT v.__broken
    GROUP BY ALL
),
figures AS (
    SELECT i.__line, l.claim_id, f.figure, f.listed, f.stated
    FROM incidents AS i JOIN listed AS l USING (incident_id),
         LATERAL (VALUES ('civilians_killed_max', l.civilians_killed, i.civilians_killed_max),
                         ('children_killed_max', l.children_killed, i.children_killed_max),
                         ('women_killed_max', l.women_killed, i.women_killed_max),
                         ('men_killed_max', l.men_killed, i.men_killed_max)) AS f(figure, listed, stated)
    WHERE i.status = 'active' AND NOT i.__broken
)
SELECT 'incidents' AS resource, __line AS line, figure AS "column", CAST(stated AS VARCHAR) AS value,
       listed || ' listed in victims for ' || claim_id AS expected
FROM figures WHERE stated < listed
