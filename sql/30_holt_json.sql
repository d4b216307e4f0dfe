-- holt_json(tree, prefix): keys under `prefix` with their values parsed as
-- JSON. A value that is not UTF-8 text or not valid JSON comes back as NULL
-- (its bytes are still in holt_scan's `value`).
--   key, value JSON, version
CREATE OR REPLACE MACRO holt_json(tree, prefix) AS TABLE
  SELECT key, TRY_CAST(TRY(decode(value)) AS JSON) AS value, version
  FROM holt_scan(tree, prefix);
