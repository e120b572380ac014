-- Initial schema: dictionaries (nodes, metrics, series), raw samples, rollups, events, rollup watermarks.

-- One row per node address ever seen. node_id is assigned by the store and never reused.
CREATE TABLE nodes (
    node_id         USMALLINT PRIMARY KEY,
    address         VARCHAR NOT NULL UNIQUE,  -- "host:port", never a URL (no credentials)
    cluster_node_id VARCHAR,                  -- CLUSTER MYID, NULL for standalone servers
    role            VARCHAR,                  -- primary | replica | standalone
    primary_address VARCHAR,                  -- for replicas: address of their primary
    flavor          VARCHAR,                  -- valkey | redis
    version         VARCHAR,
    first_seen      TIMESTAMP NOT NULL,
    last_seen       TIMESTAMP NOT NULL
);

-- One row per (metric name, label set). labels is canonical text: k="v" pairs sorted by key.
CREATE TABLE metrics (
    metric_id UINTEGER PRIMARY KEY,
    name      VARCHAR NOT NULL,
    labels    VARCHAR NOT NULL,
    label_map MAP(VARCHAR, VARCHAR) NOT NULL,
    UNIQUE (name, labels)
);

-- Which node reported which metric: the catalog of series that exist (cheap to list).
CREATE TABLE series (
    node_id    USMALLINT NOT NULL,
    metric_id  UINTEGER NOT NULL,
    first_seen TIMESTAMP NOT NULL,
    PRIMARY KEY (node_id, metric_id)
);

-- Raw samples, appended in time order. No indexes: zonemaps on ts prune time ranges.
CREATE TABLE samples (
    ts        TIMESTAMP NOT NULL,  -- UTC
    node_id   USMALLINT NOT NULL,
    metric_id UINTEGER NOT NULL,
    value     DOUBLE NOT NULL
);

-- Rollups: ts is the start of the bucket; avg = sum / count; last = value of the latest sample.
CREATE TABLE samples_1m (
    ts        TIMESTAMP NOT NULL,
    node_id   USMALLINT NOT NULL,
    metric_id UINTEGER NOT NULL,
    min       DOUBLE NOT NULL,
    max       DOUBLE NOT NULL,
    sum       DOUBLE NOT NULL,
    count     UINTEGER NOT NULL,
    last      DOUBLE NOT NULL
);

CREATE TABLE samples_1h (
    ts        TIMESTAMP NOT NULL,
    node_id   USMALLINT NOT NULL,
    metric_id UINTEGER NOT NULL,
    min       DOUBLE NOT NULL,
    max       DOUBLE NOT NULL,
    sum       DOUBLE NOT NULL,
    count     UINTEGER NOT NULL,
    last      DOUBLE NOT NULL
);

CREATE TABLE events (
    ts      TIMESTAMP NOT NULL,
    node_id USMALLINT NOT NULL,
    kind    VARCHAR NOT NULL,
    detail  JSON NOT NULL
);

-- Progress of incremental maintenance: every bucket before watermark is done.
-- Names: rollup_1m, rollup_1h, compact_1m.
CREATE TABLE rollup_state (
    name      VARCHAR PRIMARY KEY,
    watermark TIMESTAMP NOT NULL
);
