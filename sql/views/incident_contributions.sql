-- incident_contributions: the deduplication rule of docs/methodology.md ("Deduplicated totals"),
-- written once. Every sum of deaths in the project (views, docs, README, release) adds up the
-- columns of this view, through incident_days.
--
-- Active incidents joined by incident_relations form a group (a connected component; an
-- unrelated incident is a group of its own). Companion entries are one set of deaths: they form
-- a node, whose min and max are the largest of its members'. Over the nodes of a group:
--   lower bound = the largest of each node's min and, for each container, the sum of the mins
--                 of the nodes it contains (contained nodes are distinct deaths, except those a
--                 relation links to another node of the same container: of those only the
--                 largest min counts);
--   upper bound = the sum, over the nodes no other node contains, of the larger of the node's
--                 max and the sum of the maxima of the nodes it contains (every death of the
--                 group is in one of those nodes); never below the lower bound, never above the
--                 raw sum of the group's maxima.
-- Each incident's share of its group's lower bound is that bound x its own minimum / the group's
-- raw sum of minima, and likewise for the upper bound with maxima: a share never exceeds the
-- incident's own figure, and the shares of a group add up to its bounds. A sum of shares over
-- part of a group (a month, an actor, a tally's scope) is an apportionment, and its lower share
-- can come out above its upper one: the views that show such sums show the smaller as both.
CREATE VIEW incident_contributions AS
WITH RECURSIVE
active AS (
    SELECT incident_id, campaign, date_start, date_end,
           CAST(date_end - date_start AS BIGINT) + 1 AS days,
           coalesce(civilians_killed_min, 0) AS lo,
           coalesce(civilians_killed_max, civilians_killed_min, 0) AS hi,
           civilians_killed_min IS NULL AND civilians_killed_max IS NULL AS no_figure
    FROM incidents
    WHERE status = 'active'
),
links AS (  -- relations whose two incidents are active and distinct
    SELECT r.incident_id AS a, r.related_incident_id AS b, CAST(r.relation AS VARCHAR) AS relation
    FROM incident_relations AS r
    WHERE r.incident_id <> r.related_incident_id
      AND r.incident_id IN (SELECT incident_id FROM active)
      AND r.related_incident_id IN (SELECT incident_id FROM active)
),
both_ways AS (
    SELECT a, b, relation FROM links UNION ALL SELECT b, a, relation FROM links
),
reach(node, other) AS (  -- every incident a chain of relations leads to
    SELECT a, b FROM both_ways
    UNION
    SELECT r.node, w.b FROM reach AS r JOIN both_ways AS w ON w.a = r.other
),
same(node, other) AS (  -- the same, through companion entries only
    SELECT a, b FROM both_ways WHERE relation = 'companion_entry'
    UNION
    SELECT s.node, w.b FROM same AS s JOIN both_ways AS w ON w.a = s.other AND w.relation = 'companion_entry'
),
related AS (  -- incidents with a relation: their group and their node (set of companion entries)
    SELECT g.node AS incident_id, least(g.node, min(g.other)) AS group_id,
           least(g.node, (SELECT min(s.other) FROM same AS s WHERE s.node = g.node)) AS node_id
    FROM reach AS g
    GROUP BY g.node
),
nodes AS (
    SELECT r.group_id, r.node_id, max(a.lo) AS lo, max(a.hi) AS hi
    FROM related AS r JOIN active AS a USING (incident_id)
    GROUP BY ALL
),
node_links AS (
    SELECT DISTINCT x.node_id AS a, y.node_id AS b, l.relation
    FROM links AS l
    JOIN related AS x ON x.incident_id = l.a
    JOIN related AS y ON y.incident_id = l.b
    WHERE x.node_id <> y.node_id
),
holds AS (SELECT DISTINCT a AS container, b AS child FROM node_links WHERE relation = 'contains'),
children AS (  -- each contained node, flagged when a relation ties it to another node of its container
    SELECT h.container, h.child, n.lo, n.hi,
           EXISTS (SELECT 1 FROM holds AS sib JOIN node_links AS nl
                       ON (nl.a = h.child AND nl.b = sib.child) OR (nl.b = h.child AND nl.a = sib.child)
                   WHERE sib.container = h.container AND sib.child <> h.child) AS tied
    FROM holds AS h JOIN nodes AS n ON n.node_id = h.child
),
containers AS (
    SELECT container,
           coalesce(sum(lo) FILTER (WHERE NOT tied), 0) + coalesce(max(lo) FILTER (WHERE tied), 0) AS lo,
           sum(hi) AS hi
    FROM children GROUP BY container
),
group_bounds AS (
    SELECT n.group_id,
           greatest(max(n.lo), coalesce(max(c.lo), 0)) AS lo,
           sum(greatest(n.hi, coalesce(c.hi, 0)))
               FILTER (WHERE n.node_id NOT IN (SELECT child FROM holds)) AS hi
    FROM nodes AS n LEFT JOIN containers AS c ON c.container = n.node_id
    GROUP BY n.group_id
),
members AS (
    SELECT a.*, coalesce(r.group_id, a.incident_id) AS group_id
    FROM active AS a LEFT JOIN related AS r USING (incident_id)
),
groups AS (
    SELECT m.group_id, count(*) AS group_size,
           CAST(sum(m.lo) AS BIGINT) AS group_raw_min, CAST(sum(m.hi) AS BIGINT) AS group_raw_max,
           CAST(coalesce(any_value(b.lo), sum(m.lo)) AS BIGINT) AS group_min,
           CAST(least(greatest(coalesce(any_value(b.hi), sum(m.hi)), coalesce(any_value(b.lo), sum(m.lo))), sum(m.hi))
                AS BIGINT) AS group_max
    FROM members AS m LEFT JOIN group_bounds AS b USING (group_id)
    GROUP BY m.group_id
)
SELECT m.incident_id, m.campaign, m.date_start, m.date_end, m.days, m.group_id, g.group_size,
       m.no_figure, m.lo AS raw_min, m.hi AS raw_max,
       g.group_raw_min, g.group_raw_max, g.group_min, g.group_max,
       CASE WHEN g.group_size = 1 THEN CAST(m.lo AS DOUBLE)
            WHEN g.group_raw_min > 0 THEN g.group_min * m.lo / g.group_raw_min ELSE 0 END AS min_share,
       CASE WHEN g.group_size = 1 THEN CAST(m.hi AS DOUBLE)
            WHEN g.group_raw_max > 0 THEN g.group_max * m.hi / g.group_raw_max ELSE 0 END AS max_share
FROM members AS m JOIN groups AS g USING (group_id);
COMMENT ON VIEW incident_contributions IS 'One row per active incident: its group of related incidents (incident_relations), the group''s raw and deduplicated bounds, and the incident''s share of them (lower bound x own min / group raw sum of minima; upper likewise with maxima). Every total adds up these shares.';
