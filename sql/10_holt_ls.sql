-- holt_ls(tree, prefix): one directory level under `prefix`, like `ls`.
-- Keys are rolled up at the next '/' after the prefix (S3 delimiter listing),
-- so the cost is one row per entry shown, not per key below it.
--   name    the entry relative to `prefix` ('photos/' for a directory)
--   is_dir  true for a rolled-up common prefix
--   key     the full key (or full common prefix)
--   size    value length in bytes; NULL for directories
--   version the record version; NULL for directories
CREATE OR REPLACE MACRO holt_ls(tree, prefix) AS TABLE
  SELECT
    substr(key, length(prefix) + 1) AS name,
    is_prefix AS is_dir,
    key,
    octet_length(value) AS size,
    version
  FROM holt_scan(tree, prefix, delimiter := '/');
