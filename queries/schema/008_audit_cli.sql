-- Who changed what through Skyscope (CLI writes, key browser edits, bulk deletes) and every command run in the CLI.
-- Low volume, so nodes are kept as their address text (no dictionary id): a row stays readable on its own.
-- Commands are stored with secrets redacted (AUTH, HELLO AUTH, ACL SETUSER >pass, CONFIG SET *pass*, MIGRATE AUTH).

CREATE TABLE audit (
    ts      TIMESTAMP NOT NULL,
    -- cli | browser | bulk
    source  VARCHAR NOT NULL,
    -- host:port the command went to; NULL when it never reached a node
    node    VARCHAR,
    -- the command line, redacted, non-UTF-8 bytes as \xHH, cut at 1024 characters
    command VARCHAR NOT NULL,
    -- what it changed: a key, a pattern, "db 0", "server" ...
    target  VARCHAR,
    ok      BOOLEAN NOT NULL,
    error   VARCHAR
);

CREATE TABLE cli_history (
    ts      TIMESTAMP NOT NULL,
    node    VARCHAR,
    command VARCHAR NOT NULL,
    ok      BOOLEAN NOT NULL,
    -- round trip as the CLI saw it
    ms      DOUBLE NOT NULL
);

CREATE VIEW v_audit AS
SELECT ts, source, node, command, target, ok, error
FROM audit;

CREATE VIEW v_cli_history AS
SELECT ts, node, command, ok, ms
FROM cli_history;
