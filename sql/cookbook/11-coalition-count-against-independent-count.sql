-- Is the coalition's own count of the civilians it killed in Raqqa about a tenth of the independent count, as the founding article says?
-- The founding article (tally T-000020) asserts it without a figure. Sources that set two counts for
-- the whole battle (June to October 2017) side by side: each count as a share of the largest count in
-- the same source. The larger count cites the Amnesty International and Airwars investigation; the
-- smaller ones are the coalition's own, as those sources report them (see each statement).
SELECT s.publisher AS reported_by, t.tally_id, c.publisher AS cites,
       coalesce(t.civilians_killed_max, t.civilians_killed_min) AS killed,
       round(killed / max(killed) OVER (PARTITION BY t.source_id), 3) AS share_of_largest,
       t.statement
FROM tallies AS t
JOIN sources AS s ON s.source_id = t.source_id
LEFT JOIN sources AS c ON c.source_id = t.cited_source_id
WHERE t.campaign = 'raqqa-2017' AND t.period_start <= DATE '2017-06-06' AND t.period_end >= DATE '2017-10-17'
  AND coalesce(t.civilians_killed_max, t.civilians_killed_min) IS NOT NULL
QUALIFY count(*) OVER (PARTITION BY t.source_id) >= 2
ORDER BY reported_by, killed DESC, t.tally_id;
