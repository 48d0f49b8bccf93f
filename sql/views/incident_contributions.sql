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
both_ways AS MATERIALIZED (
    SELECT a, b, relation FROM links UNION ALL SELECT b, a, relation FROM links
),
-- Each incident's group and node are the smallest ID it is connected to, found by passing labels
-- along the relations until none gets smaller (USING KEY keeps one row per incident, updated in
-- place: the key, not the UNION ALL, removes repeats). Listing every pair of connected incidents
-- instead grows with the square of a group: one container with 2,000 contained incidents cost
-- 5 s, and 8,000 ran out of memory.
grouped(incident_id, group_id) USING KEY (incident_id) AS (  -- incidents with a relation, and their group
    SELECT a, min(least(a, b)) FROM both_ways GROUP BY a
    UNION ALL
    SELECT w.b, min(g.group_id)
    FROM grouped AS g JOIN both_ways AS w ON w.a = g.incident_id
    JOIN recurring.grouped AS r ON r.incident_id = w.b
    GROUP BY w.b
    HAVING min(g.group_id) < any_value(r.group_id)
),
companions AS MATERIALIZED (SELECT a, b FROM both_ways WHERE relation = 'companion_entry'),
classes(incident_id, node_id) USING KEY (incident_id) AS (  -- incidents with a companion entry, and their set of them
    SELECT a, min(least(a, b)) FROM companions GROUP BY a
    UNION ALL
    SELECT w.b, min(c.node_id)
    FROM classes AS c JOIN companions AS w ON w.a = c.incident_id
    JOIN recurring.classes AS r ON r.incident_id = w.b
    GROUP BY w.b
    HAVING min(c.node_id) < any_value(r.node_id)
),
related AS MATERIALIZED (  -- incidents with a relation: their group and their node
    SELECT g.incident_id, g.group_id, coalesce(c.node_id, g.incident_id) AS node_id
    FROM grouped AS g LEFT JOIN classes AS c USING (incident_id)
),
nodes AS (
    SELECT r.group_id, r.node_id, max(a.lo) AS lo, max(a.hi) AS hi
    FROM related AS r JOIN active AS a USING (incident_id)
    GROUP BY ALL
),
linked_from AS MATERIALIZED (  -- each relation, its first incident replaced by its node (in two steps,
    -- so that no plan joins every node with every other on their inequality)
    SELECT x.node_id AS a, l.b, l.relation FROM links AS l JOIN related AS x ON x.incident_id = l.a
),
node_links AS MATERIALIZED (
    SELECT DISTINCT f.a, y.node_id AS b, f.relation
    FROM linked_from AS f JOIN related AS y ON y.incident_id = f.b
    WHERE f.a <> y.node_id
),
holds AS MATERIALIZED (SELECT DISTINCT a AS container, b AS child FROM node_links WHERE relation = 'contains'),
ties AS (  -- contained nodes that a relation ties to another node of the same container
    -- (a semi join: joining holds to holds on the container first pairs every two children of
    -- a container, 400 million rows for one container of 20,000)
    SELECT DISTINCT h.container, h.child
    FROM holds AS h
    JOIN (SELECT a, b FROM node_links UNION ALL SELECT b, a FROM node_links) AS nl ON nl.a = h.child
    SEMI JOIN holds AS sib ON sib.container = h.container AND sib.child = nl.b
),
children AS (  -- each contained node, flagged when tied to another node of its container
    SELECT h.container, h.child, n.lo, n.hi, t.child IS NOT NULL AS tied
    FROM holds AS h
    JOIN nodes AS n ON n.node_id = h.child
    LEFT JOIN ties AS t ON t.container = h.container AND t.child = h.child
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
groups AS (  -- each group of related incidents (an unrelated incident is a group of its own, below)
    SELECT r.group_id, count(*) AS group_size,
           CAST(sum(a.lo) AS BIGINT) AS group_raw_min, CAST(sum(a.hi) AS BIGINT) AS group_raw_max,
           CAST(coalesce(any_value(b.lo), sum(a.lo)) AS BIGINT) AS group_min,
           CAST(least(greatest(coalesce(any_value(b.hi), sum(a.hi)), coalesce(any_value(b.lo), sum(a.lo))), sum(a.hi))
                AS BIGINT) AS group_max
    FROM related AS r JOIN active AS a USING (incident_id) LEFT JOIN group_bounds AS b USING (group_id)
    GROUP BY r.group_id
)
-- Related incidents take their share of their group's bounds; an unrelated incident (most of
-- them) is its own group, whose bounds are its own figures. Apart, so that the aggregate over
-- groups reads the related incidents only, not every incident.
SELECT a.incident_id, a.campaign, a.date_start, a.date_end, a.days, r.group_id, g.group_size,
       a.no_figure, a.lo AS raw_min, a.hi AS raw_max,
       g.group_raw_min, g.group_raw_max, g.group_min, g.group_max,
       CASE WHEN g.group_raw_min > 0 THEN g.group_min * a.lo / g.group_raw_min ELSE 0 END AS min_share,
       CASE WHEN g.group_raw_max > 0 THEN g.group_max * a.hi / g.group_raw_max ELSE 0 END AS max_share
FROM active AS a JOIN related AS r USING (incident_id) JOIN groups AS g USING (group_id)
UNION ALL
SELECT a.incident_id, a.campaign, a.date_start, a.date_end, a.days, a.incident_id, 1,
       a.no_figure, a.lo, a.hi, CAST(a.lo AS BIGINT), CAST(a.hi AS BIGINT), CAST(a.lo AS BIGINT), CAST(a.hi AS BIGINT),
       CAST(a.lo AS DOUBLE), CAST(a.hi AS DOUBLE)
FROM active AS a ANTI JOIN related AS r USING (incident_id);
COMMENT ON VIEW incident_contributions IS 'One row per active incident: its group of related incidents (incident_relations), the group''s raw and deduplicated bounds, and the incident''s share of them (lower bound x own min / group raw sum of minima; upper likewise with maxima). Every total adds up these shares.';
