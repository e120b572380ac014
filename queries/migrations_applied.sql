-- Migrations already applied to this file.
SELECT version, name
FROM schema_migrations
ORDER BY version;
