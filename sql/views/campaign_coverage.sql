-- campaign_coverage: how much of each campaign's time the incidents cover, against the
-- campaign's own dates (the campaigns view, from the schema).
CREATE VIEW campaign_coverage AS
WITH days AS (  -- days of the campaign's own dates on which at least one incident falls
    SELECT d.campaign, count(DISTINCT d.day) AS days_with_incident,
           count(DISTINCT d.day) FILTER (WHERE d.days = 1) AS days_with_one_day_incident
    FROM incident_days AS d JOIN campaigns AS c ON c.campaign = CAST(d.campaign AS VARCHAR)
    WHERE d.day BETWEEN c.date_start AND c.date_end
    GROUP BY d.campaign
)
SELECT c.campaign, c.label, c.date_start AS campaign_start, c.date_end AS campaign_end,
       CAST(c.date_end - c.date_start AS BIGINT) + 1 AS campaign_days,
       t.incidents, t.first_date, t.last_date,
       CAST(greatest(t.first_date - c.date_start, 0) AS BIGINT) AS days_before_first,
       CAST(greatest(c.date_end - t.last_date, 0) AS BIGINT) AS days_after_last,
       coalesce(d.days_with_incident, 0) AS days_with_incident,
       coalesce(d.days_with_one_day_incident, 0) AS days_with_one_day_incident
FROM campaigns AS c
LEFT JOIN campaign_totals AS t ON CAST(t.campaign AS VARCHAR) = c.campaign
LEFT JOIN days AS d ON CAST(d.campaign AS VARCHAR) = c.campaign;
COMMENT ON VIEW campaign_coverage IS 'Per campaign: its dates (schema), active incidents, the first and last incident date, days of the campaign before the first and after the last incident, and days of the campaign within at least one incident''s dates, and with an incident dated to that one day.';
