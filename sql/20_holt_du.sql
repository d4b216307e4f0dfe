-- holt_du(tree, prefix, depth): key counts and value bytes rolled up per path
-- prefix `depth` levels below `prefix` (like `du -d depth`), largest first.
-- A key with fewer than `depth` '/'-separated levels below `prefix` is its own
-- row; depth 0 rolls everything up into `prefix` itself.
--   path   the rolled-up prefix (ending in '/') or the key
--   keys   number of keys under it
--   bytes  total value bytes under it
CREATE OR REPLACE MACRO holt_du(tree, prefix, depth) AS TABLE
  WITH entries AS (
    SELECT key,
           octet_length(value) AS value_bytes,
           string_split(substr(key, length(prefix) + 1), '/') AS parts
    FROM holt_scan(tree, prefix)
  )
  SELECT
    CASE
      WHEN depth <= 0 THEN prefix
      WHEN len(parts) > depth THEN prefix || array_to_string(parts[1:depth], '/') || '/'
      ELSE key
    END AS path,
    count(*) AS keys,
    sum(value_bytes)::BIGINT AS bytes
  FROM entries
  GROUP BY 1
  ORDER BY 3 DESC, 1;
