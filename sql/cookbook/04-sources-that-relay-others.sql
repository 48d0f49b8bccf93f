-- Which sources relay or republish others, and what original do they rest on?
SELECT source_id, publisher, relation, original_id, original_publisher, hops, path
FROM source_chains
ORDER BY original_id, source_id, relation, hops;
