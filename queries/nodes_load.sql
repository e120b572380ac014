-- The node dictionary, loaded once at open.
SELECT node_id, address
FROM nodes
ORDER BY node_id;
