-- Node metadata from discovery. A NULL field keeps what is known; last_seen only moves forward.
INSERT INTO nodes (node_id, address, cluster_node_id, role, primary_address, flavor, version, first_seen, last_seen)
VALUES ($node_id, $address, $cluster_node_id, $role, $primary_address, $flavor, $version, $seen, $seen)
ON CONFLICT (node_id) DO UPDATE SET
    cluster_node_id = coalesce(excluded.cluster_node_id, cluster_node_id),
    role            = coalesce(excluded.role, role),
    primary_address = CASE WHEN excluded.role IS NULL THEN primary_address ELSE excluded.primary_address END,
    flavor          = coalesce(excluded.flavor, flavor),
    version         = coalesce(excluded.version, version),
    first_seen      = least(first_seen, excluded.first_seen),
    last_seen       = greatest(last_seen, excluded.last_seen);
