-- Which relayed figures differ from what their cited source said?
-- The founding article's 55 killed on 21 August 2017, against the Syrian Observatory's 42.
SELECT claim_id, incident_id, relayed_by, relayed_min, relayed_max, cited_source, cited_min, cited_max
FROM relay_discrepancies
ORDER BY incident_id, claim_id;
