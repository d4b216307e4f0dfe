-- holt_get_json(tree, key): the value under `key` parsed as JSON, or NULL when
-- the key is absent or its value is not UTF-8 JSON. (TRY() refuses volatile
-- arguments, so the value goes through a one-row subquery first.)
CREATE OR REPLACE MACRO holt_get_json(tree, key) AS
  (SELECT TRY_CAST(TRY(decode(v)) AS JSON) FROM (SELECT holt_get(tree, key) AS v));
