-- Marks one migration as applied (runs in the migration's own transaction).
INSERT INTO schema_migrations (version, name, applied_at)
VALUES ($version, $name, $applied_at);
