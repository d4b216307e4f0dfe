// The `holt` DuckDB extension: entry point, holt_read_trees and the helpers
// the table functions share, against DuckDB's stable C extension API (v1.2.0),
// so one build loads into every later DuckDB on the platform.
//
//   holt_read(dir, tree, prefix, start_after := , delimiter := , keys_only := ,
//             max_keys := , reverse := )                      (read_function.cc)
//       key VARCHAR, key_bytes BLOB, value BLOB, version BIGINT, is_prefix BOOLEAN
//       (the columns of the JS bridge's holt_scan, src/duckdb/holt-scan.ts)
//   holt_read_trees(dir)
//       name VARCHAR, id BIGINT, keys BIGINT
//   holt_read_cache(budget_mb := )                            (cache_function.cc)
//       frames BIGINT, bytes BIGINT, budget_bytes BIGINT, hits BIGINT, misses BIGINT
//
// holt_read and holt_read_trees read the directory's files as a read-only
// DB.open would (db_view.h).
#define DUCKDB_EXTENSION_NAME holt
#include "functions.h"

#include <memory>
#include <string>
#include <vector>

#include "db_view.h"
#include "errors.h"

// Embedded so a test can tell which sources a committed binary was built from (build.mjs).
extern "C" __attribute__((used, visibility("default"))) const char holt_ext_build_stamp[] = "HOLT_EXT_STAMP=" HOLT_EXT_STAMP;

namespace holtext {

std::string Message(const char* fn, const std::exception& e) {
  if (const auto* h = dynamic_cast<const HoltFailure*>(&e)) return std::string(fn) + ": " + h->what() + " (" + h->code + ")";
  return std::string(fn) + ": " + e.what();
}

void AddColumns(duckdb_bind_info info, const char* const* names, const duckdb_type* types, int n) {
  for (int i = 0; i < n; i++) {
    duckdb_logical_type t = duckdb_create_logical_type(types[i]);
    duckdb_bind_add_result_column(info, names[i], t);
    duckdb_destroy_logical_type(&t);
  }
}

namespace {

// ---- holt_read_trees(dir) ----

struct TreeRow {
  std::string name;
  int64_t id;
  int64_t keys;
};

struct TreesState {
  std::vector<TreeRow> rows;
  std::vector<idx_t> columns;
  size_t next = 0;
};

void TreesBindFn(duckdb_bind_info info) {
  try {
    auto rows = std::make_unique<std::vector<TreeRow>>();
    Value dir_value(duckdb_bind_get_parameter(info, 0));
    if (dir_value.Null()) throw InvalidArgument("dir must be a non-NULL VARCHAR");
    const std::string dir = dir_value.Str();
    {
      std::shared_ptr<DbView> db = DbView::Open(dir);
      for (const auto& l : db->live()) {
        const TreeView& t = db->tree(l.second);
        rows->push_back(TreeRow{l.first, static_cast<int64_t>(l.second), static_cast<int64_t>(db->KeyCount(t))});
      }
    }
    const char* names[] = {"name", "id", "keys"};
    const duckdb_type types[] = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT};
    AddColumns(info, names, types, 3);
    duckdb_bind_set_cardinality(info, rows->size(), true);
    duckdb_bind_set_bind_data(info, rows.release(), [](void* p) { delete static_cast<std::vector<TreeRow>*>(p); });
  } catch (const std::exception& e) {
    duckdb_bind_set_error(info, Message("holt_read_trees", e).c_str());
  }
}

void TreesInitFn(duckdb_init_info info) {
  auto state = std::make_unique<TreesState>();
  state->rows = *static_cast<std::vector<TreeRow>*>(duckdb_init_get_bind_data(info));
  const idx_t n = duckdb_init_get_column_count(info);
  for (idx_t i = 0; i < n; i++) state->columns.push_back(duckdb_init_get_column_index(info, i));
  duckdb_init_set_init_data(info, state.release(), [](void* p) { delete static_cast<TreesState*>(p); });
}

void TreesFn(duckdb_function_info info, duckdb_data_chunk out) {
  auto* state = static_cast<TreesState*>(duckdb_function_get_init_data(info));
  const idx_t cap = duckdb_vector_size();
  idx_t rows = 0;
  for (; rows < cap && state->next < state->rows.size(); rows++, state->next++) {
    const TreeRow& t = state->rows[state->next];
    for (size_t c = 0; c < state->columns.size(); c++) {
      duckdb_vector v = duckdb_data_chunk_get_vector(out, c);
      switch (state->columns[c]) {
        case 0: duckdb_vector_assign_string_element_len(v, rows, t.name.data(), t.name.size()); break;
        case 1: static_cast<int64_t*>(duckdb_vector_get_data(v))[rows] = t.id; break;
        case 2: static_cast<int64_t*>(duckdb_vector_get_data(v))[rows] = t.keys; break;
      }
    }
  }
  duckdb_data_chunk_set_size(out, rows);
}

}  // namespace

bool RegisterTrees(duckdb_connection connection) {
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_table_function trees = duckdb_create_table_function();
  duckdb_table_function_set_name(trees, "holt_read_trees");
  duckdb_table_function_add_parameter(trees, varchar);
  duckdb_table_function_set_bind(trees, TreesBindFn);
  duckdb_table_function_set_init(trees, TreesInitFn);
  duckdb_table_function_set_function(trees, TreesFn);
  duckdb_table_function_supports_projection_pushdown(trees, true);
  const bool ok = duckdb_register_table_function(connection, trees) == DuckDBSuccess;
  duckdb_destroy_table_function(&trees);
  duckdb_destroy_logical_type(&varchar);
  return ok;
}

}  // namespace holtext

DUCKDB_EXTENSION_ENTRYPOINT(duckdb_connection connection, duckdb_extension_info info, struct duckdb_extension_access* access) {
  if (!holtext::RegisterRead(connection) || !holtext::RegisterTrees(connection) || !holtext::RegisterCache(connection)) {
    access->set_error(info, "holt: could not register holt_read, holt_read_trees and holt_read_cache");
    return false;
  }
  return true;
}
