// The `holt` DuckDB extension: entry point and the two table functions,
// against DuckDB's stable C extension API (v1.2.0), so one build loads into
// every later DuckDB on the platform.
//
//   holt_read(dir, tree, prefix, start_after := , delimiter := , keys_only := ,
//             max_keys := , reverse := )
//       key VARCHAR, key_bytes BLOB, value BLOB, version BIGINT, is_prefix BOOLEAN
//       (the columns of the JS bridge's holt_scan, src/duckdb/holt-scan.ts)
//   holt_read_trees(dir)
//       name VARCHAR, id BIGINT, keys BIGINT
//
// Both read the directory's files as a read-only DB.open would (db_view.h).
#define DUCKDB_EXTENSION_NAME holt
#include "duckdb_extension.h"

#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "db_view.h"
#include "errors.h"
#include "format.h"
#include "tree_scan.h"
#include "utf8.h"

DUCKDB_EXTENSION_EXTERN

// Embedded so a test can tell which sources a committed binary was built from (build.mjs).
extern "C" __attribute__((used, visibility("default"))) const char holt_ext_build_stamp[] = "HOLT_EXT_STAMP=" HOLT_EXT_STAMP;

namespace holtext {

namespace {

constexpr idx_t kColKey = 0, kColKeyBytes = 1, kColValue = 2, kColVersion = 3, kColIsPrefix = 4;

std::string Message(const char* fn, const std::exception& e) {
  if (const auto* h = dynamic_cast<const HoltFailure*>(&e)) return std::string(fn) + ": " + h->what() + " (" + h->code + ")";
  return std::string(fn) + ": " + e.what();
}

// A value DuckDB handed over, destroyed on scope exit.
struct Value {
  duckdb_value v;
  explicit Value(duckdb_value value) : v(value) {}
  ~Value() { if (v != nullptr) duckdb_destroy_value(&v); }
  bool Null() const { return v == nullptr || duckdb_is_null_value(v); }
  std::string Str() const {
    char* s = duckdb_get_varchar(v);
    std::string out(s);
    duckdb_free(s);
    return out;
  }
};

std::string RequiredString(duckdb_bind_info info, idx_t i, const char* name) {
  Value v(duckdb_bind_get_parameter(info, i));
  if (v.Null()) throw InvalidArgument(std::string(name) + " must be a non-NULL VARCHAR");
  return v.Str();
}

struct ReadBind {
  std::shared_ptr<DbView> db;
  const TreeView* tree;
  ScanSpec spec;
  bool keys_only = false;
};

struct ReadState {
  std::unique_ptr<TreeScan> scan;
  std::vector<idx_t> columns;
  bool read_values = false;
  bool done = false;
};

void ReadBindFn(duckdb_bind_info info) {
  try {
    auto bind = std::make_unique<ReadBind>();
    const std::string dir = RequiredString(info, 0, "dir");
    const std::string tree = RequiredString(info, 1, "tree");
    bind->spec.prefix = RequiredString(info, 2, "prefix");
    if (bind->spec.prefix.size() > kMaxKeyBytes) throw HoltFailure("KEY_TOO_LARGE", "prefix is longer than " + std::to_string(kMaxKeyBytes) + " bytes");
    {
      Value v(duckdb_bind_get_named_parameter(info, "start_after"));
      if (!v.Null()) {
        bind->spec.has_start_after = true;
        bind->spec.start_after = v.Str();
        if (bind->spec.start_after.size() > kMaxKeyBytes) throw HoltFailure("KEY_TOO_LARGE", "start_after is longer than " + std::to_string(kMaxKeyBytes) + " bytes");
      }
    }
    {
      Value v(duckdb_bind_get_named_parameter(info, "delimiter"));
      if (!v.Null()) {
        const std::string d = v.Str();
        if (d.size() > 1 || (d.size() == 1 && static_cast<uint8_t>(d[0]) >= 0x80)) throw InvalidArgument("delimiter must be a single-byte string");
        if (d.size() == 1) bind->spec.delimiter = static_cast<uint8_t>(d[0]);
      }
    }
    {
      Value v(duckdb_bind_get_named_parameter(info, "keys_only"));
      if (!v.Null()) bind->keys_only = duckdb_get_bool(v.v);
    }
    {
      Value v(duckdb_bind_get_named_parameter(info, "max_keys"));
      if (!v.Null()) {
        const int64_t n = duckdb_get_int64(v.v);
        if (n < 0) throw InvalidArgument("max_keys must be a non-negative integer");
        bind->spec.limit = static_cast<uint64_t>(n);
      }
    }
    {
      Value v(duckdb_bind_get_named_parameter(info, "reverse"));
      if (!v.Null()) bind->spec.reverse = duckdb_get_bool(v.v);
    }
    bind->db = DbView::Open(dir, tree);
    bind->tree = bind->db->Find(tree);
    if (bind->tree == nullptr) {
      std::string quoted = "\"" + tree + "\"";
      throw HoltFailure("TREE_NOT_FOUND", "no tree named " + quoted);
    }
    const char* names[] = {"key", "key_bytes", "value", "version", "is_prefix"};
    const duckdb_type types[] = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_BLOB, DUCKDB_TYPE_BLOB, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BOOLEAN};
    for (int i = 0; i < 5; i++) {
      duckdb_logical_type t = duckdb_create_logical_type(types[i]);
      duckdb_bind_add_result_column(info, names[i], t);
      duckdb_destroy_logical_type(&t);
    }
    if (bind->spec.prefix.empty() && !bind->spec.has_start_after && bind->spec.delimiter < 0 && bind->tree->overlay.empty()) {
      const uint64_t n = bind->tree->base_keys;
      duckdb_bind_set_cardinality(info, n < bind->spec.limit ? n : bind->spec.limit, false);
    }
    duckdb_bind_set_bind_data(info, bind.release(), [](void* p) { delete static_cast<ReadBind*>(p); });
  } catch (const std::exception& e) {
    duckdb_bind_set_error(info, Message("holt_read", e).c_str());
  }
}

void ReadInitFn(duckdb_init_info info) {
  try {
    auto* bind = static_cast<ReadBind*>(duckdb_init_get_bind_data(info));
    auto state = std::make_unique<ReadState>();
    const idx_t n = duckdb_init_get_column_count(info);
    for (idx_t i = 0; i < n; i++) state->columns.push_back(duckdb_init_get_column_index(info, i));
    for (idx_t c : state->columns) if (c == kColValue) state->read_values = !bind->keys_only;
    state->scan = std::make_unique<TreeScan>(*bind->db, *bind->tree, bind->spec);
    duckdb_init_set_max_threads(info, 1);
    duckdb_init_set_init_data(info, state.release(), [](void* p) { delete static_cast<ReadState*>(p); });
  } catch (const std::exception& e) {
    duckdb_init_set_error(info, Message("holt_read", e).c_str());
  }
}

void SetNull(duckdb_vector v, idx_t row) {
  duckdb_vector_ensure_validity_writable(v);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), row);
}

void ReadFn(duckdb_function_info info, duckdb_data_chunk out) {
  auto* state = static_cast<ReadState*>(duckdb_function_get_init_data(info));
  if (state->done) {
    duckdb_data_chunk_set_size(out, 0);
    return;
  }
  try {
    const idx_t cap = duckdb_vector_size();
    const size_t width = state->columns.size();
    duckdb_vector vecs[5];
    for (size_t c = 0; c < width; c++) vecs[c] = duckdb_data_chunk_get_vector(out, c);
    idx_t rows = 0;
    ScanRow r;
    while (rows < cap) {
      if (!state->scan->Next(&r)) {
        state->done = true;
        break;
      }
      for (size_t c = 0; c < width; c++) {
        duckdb_vector v = vecs[c];
        switch (state->columns[c]) {
          case kColKey:
            if (IsUtf8(r.key, r.key_len)) {
              duckdb_vector_assign_string_element_len(v, rows, reinterpret_cast<const char*>(r.key), r.key_len);
            } else {
              const std::string s = Utf8Replace(r.key, r.key_len);
              duckdb_vector_assign_string_element_len(v, rows, s.data(), s.size());
            }
            break;
          case kColKeyBytes:
            duckdb_vector_assign_string_element_len(v, rows, reinterpret_cast<const char*>(r.key), r.key_len);
            break;
          case kColValue:
            if (r.is_prefix || !state->read_values) SetNull(v, rows);
            else duckdb_vector_assign_string_element_len(v, rows, reinterpret_cast<const char*>(r.value), r.value_len);
            break;
          case kColVersion:
            if (r.is_prefix) SetNull(v, rows);
            else static_cast<int64_t*>(duckdb_vector_get_data(v))[rows] = static_cast<int64_t>(r.version);
            break;
          case kColIsPrefix:
            static_cast<bool*>(duckdb_vector_get_data(v))[rows] = r.is_prefix;
            break;
        }
      }
      rows++;
    }
    duckdb_data_chunk_set_size(out, rows);
  } catch (const std::exception& e) {
    state->done = true;
    duckdb_data_chunk_set_size(out, 0);
    duckdb_function_set_error(info, Message("holt_read", e).c_str());
  }
}

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
    const std::string dir = RequiredString(info, 0, "dir");
    {
      std::shared_ptr<DbView> db = DbView::Open(dir);
      for (const auto& l : db->live()) {
        const TreeView& t = db->tree(l.second);
        rows->push_back(TreeRow{l.first, static_cast<int64_t>(l.second), static_cast<int64_t>(db->KeyCount(t))});
      }
    }
    const char* names[] = {"name", "id", "keys"};
    const duckdb_type types[] = {DUCKDB_TYPE_VARCHAR, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT};
    for (int i = 0; i < 3; i++) {
      duckdb_logical_type t = duckdb_create_logical_type(types[i]);
      duckdb_bind_add_result_column(info, names[i], t);
      duckdb_destroy_logical_type(&t);
    }
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

bool Register(duckdb_connection connection) {
  duckdb_logical_type varchar = duckdb_create_logical_type(DUCKDB_TYPE_VARCHAR);
  duckdb_logical_type boolean = duckdb_create_logical_type(DUCKDB_TYPE_BOOLEAN);
  duckdb_logical_type bigint = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);

  duckdb_table_function read = duckdb_create_table_function();
  duckdb_table_function_set_name(read, "holt_read");
  for (int i = 0; i < 3; i++) duckdb_table_function_add_parameter(read, varchar);
  duckdb_table_function_add_named_parameter(read, "start_after", varchar);
  duckdb_table_function_add_named_parameter(read, "delimiter", varchar);
  duckdb_table_function_add_named_parameter(read, "keys_only", boolean);
  duckdb_table_function_add_named_parameter(read, "max_keys", bigint);
  duckdb_table_function_add_named_parameter(read, "reverse", boolean);
  duckdb_table_function_set_bind(read, ReadBindFn);
  duckdb_table_function_set_init(read, ReadInitFn);
  duckdb_table_function_set_function(read, ReadFn);
  duckdb_table_function_supports_projection_pushdown(read, true);
  const bool ok_read = duckdb_register_table_function(connection, read) == DuckDBSuccess;
  duckdb_destroy_table_function(&read);

  duckdb_table_function trees = duckdb_create_table_function();
  duckdb_table_function_set_name(trees, "holt_read_trees");
  duckdb_table_function_add_parameter(trees, varchar);
  duckdb_table_function_set_bind(trees, TreesBindFn);
  duckdb_table_function_set_init(trees, TreesInitFn);
  duckdb_table_function_set_function(trees, TreesFn);
  duckdb_table_function_supports_projection_pushdown(trees, true);
  const bool ok_trees = duckdb_register_table_function(connection, trees) == DuckDBSuccess;
  duckdb_destroy_table_function(&trees);

  duckdb_destroy_logical_type(&varchar);
  duckdb_destroy_logical_type(&boolean);
  duckdb_destroy_logical_type(&bigint);
  return ok_read && ok_trees;
}

}  // namespace

}  // namespace holtext

DUCKDB_EXTENSION_ENTRYPOINT(duckdb_connection connection, duckdb_extension_info info, struct duckdb_extension_access* access) {
  if (!holtext::Register(connection)) {
    access->set_error(info, "holt: could not register holt_read and holt_read_trees");
    return false;
  }
  return true;
}
