-- New dictionary entries for nodes first seen in a batch ($node_ids and $addresses are parallel lists).
INSERT INTO nodes (node_id, address, first_seen, last_seen)
SELECT unnest($node_ids), unnest($addresses), $seen, $seen;
