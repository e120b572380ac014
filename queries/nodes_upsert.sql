-- Node metadata from discovery, one row per node in one statement ($node_ids ... $seen are parallel lists).
-- A NULL field keeps what is known; last_seen only moves forward.
INSERT INTO nodes (node_id, address, cluster_node_id, role, primary_address, flavor, version, first_seen, last_seen)
SELECT node_id, address, cluster_node_id, role, primary_address, flavor, version, seen, seen
FROM (
    SELECT unnest($node_ids) AS node_id, unnest($addresses) AS address, unnest($cluster_node_ids) AS cluster_node_id,
           unnest($roles) AS role, unnest($primary_addresses) AS primary_address, unnest($flavors) AS flavor,
           unnest($versions) AS version, unnest($seen) AS seen
)
ON CONFLICT (node_id) DO UPDATE SET
    cluster_node_id = coalesce(excluded.cluster_node_id, cluster_node_id),
    role            = coalesce(excluded.role, role),
    primary_address = CASE WHEN excluded.role IS NULL THEN primary_address ELSE excluded.primary_address END,
    flavor          = coalesce(excluded.flavor, flavor),
    version         = coalesce(excluded.version, version),
    first_seen      = least(first_seen, excluded.first_seen),
    last_seen       = greatest(last_seen, excluded.last_seen);
