// The table functions the extension registers, one file each, and what they share.
#pragma once

#include "duckdb_extension.h"

#include <exception>
#include <string>

DUCKDB_EXTENSION_EXTERN

namespace holtext {

// holt_read(dir, tree, prefix, start_after := , delimiter := , keys_only := , max_keys := , reverse := )
bool RegisterRead(duckdb_connection connection);
// holt_read_trees(dir)
bool RegisterTrees(duckdb_connection connection);
// holt_read_cache(budget_mb := )
bool RegisterCache(duckdb_connection connection);

// "<function>: <message> (<CODE>)", the JS bridge's form (src/duckdb/errors.ts).
std::string Message(const char* fn, const std::exception& e);

// A value DuckDB handed over, destroyed on scope exit.
struct Value {
  duckdb_value v;
  explicit Value(duckdb_value value) : v(value) {}
  ~Value() { if (v != nullptr) duckdb_destroy_value(&v); }
  Value(const Value&) = delete;
  Value& operator=(const Value&) = delete;
  bool Null() const { return v == nullptr || duckdb_is_null_value(v); }
  std::string Str() const {
    char* s = duckdb_get_varchar(v);
    std::string out(s);
    duckdb_free(s);
    return out;
  }
};

// Adds the result columns `names` of `types` to a bind.
void AddColumns(duckdb_bind_info info, const char* const* names, const duckdb_type* types, int n);

}  // namespace holtext
