-- Lowers (or sets) the buffer pool's limit; DuckDB evicts unpinned blocks down to it at once, or fails and keeps the old one.
SET memory_limit = $limit;
