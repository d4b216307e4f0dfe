// holt_read(dir, tree, prefix, start_after := , delimiter := , keys_only := ,
//           max_keys := , reverse := ): one tree's rows (tree_scan.h) with the
// JS bridge's columns. Bind opens the directory (db_view.h); init plans the
// scan's parts (PlanScan), which DuckDB's threads take in key order, one
// part at a time, so a query that needs one thread (any order-preserving
// plan) reads them in order and sees the rows in the scan's order; max_keys and
// delimiter scans are one part. Only the projected columns are written;
// fixed-width cells and strings of up to 12 bytes go straight into the vectors.
#include <atomic>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "db_view.h"
#include "errors.h"
#include "format.h"
#include "functions.h"
#include "tree_scan.h"
#include "utf8.h"

namespace holtext {

namespace {

constexpr idx_t kColKey = 0, kColKeyBytes = 1, kColValue = 2, kColVersion = 3, kColIsPrefix = 4;
// Parts per scan at most, and checkpointed keys per part at least (a small tree is one part).
constexpr size_t kMaxParts = 64;
constexpr uint64_t kKeysPerPart = 4096;

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

struct ReadGlobal {
  std::vector<ScanPart> parts;
  std::atomic<size_t> next{0};
  std::vector<idx_t> columns;
  bool read_values = false;
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
    AddColumns(info, names, types, 5);
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
    auto state = std::make_unique<ReadGlobal>();
    const idx_t n = duckdb_init_get_column_count(info);
    for (idx_t i = 0; i < n; i++) state->columns.push_back(duckdb_init_get_column_index(info, i));
    for (idx_t c : state->columns) if (c == kColValue) state->read_values = !bind->keys_only;
    size_t target = static_cast<size_t>(bind->tree->base_keys / kKeysPerPart);
    if (target > kMaxParts) target = kMaxParts;
    state->parts = PlanScan(*bind->db, *bind->tree, bind->spec, target);
    duckdb_init_set_max_threads(info, state->parts.size());
    duckdb_init_set_init_data(info, state.release(), [](void* p) { delete static_cast<ReadGlobal*>(p); });
  } catch (const std::exception& e) {
    duckdb_init_set_error(info, Message("holt_read", e).c_str());
  }
}

void SetNull(duckdb_vector v, idx_t row) {
  duckdb_vector_ensure_validity_writable(v);
  duckdb_validity_set_row_invalid(duckdb_vector_get_validity(v), row);
}

// One string column of one chunk. Cells of up to 12 bytes go inline into the
// vector's own slots; longer ones are gathered and handed to DuckDB in one
// assignment per chunk (one copy into the vector's string heap, one UTF-8
// check of the whole run for a VARCHAR), and each cell then points at its
// bytes there. Rows of one run all live in that vector's heap, so they live
// exactly as long as DuckDB keeps the vector.
class StringColumn {
 public:
  void Start(duckdb_vector v) {
    vector_ = v;
    cells_ = static_cast<duckdb_string_t*>(duckdb_vector_get_data(v));
    run_.clear();
    if (long_.size() < duckdb_vector_size()) long_.resize(duckdb_vector_size());
    longs_ = 0;
  }
  void Put(idx_t row, const uint8_t* p, uint32_t n) {
    if (n <= 12) {
      duckdb_string_t& s = cells_[row];
      s.value.inlined.length = n;
      std::memset(s.value.inlined.inlined, 0, 12);
      if (n != 0) std::memcpy(s.value.inlined.inlined, p, n);
      return;
    }
    long_[longs_++] = Cell{row, run_.size(), n};
    run_.append(reinterpret_cast<const char*>(p), n);
  }
  void Finish() {
    if (longs_ == 0) return;
    const idx_t first = long_[0].row;
    duckdb_vector_assign_string_element_len(vector_, first, run_.data(), run_.size());
    const char* heap = cells_[first].value.pointer.ptr;
    for (size_t i = 0; i < longs_; i++) {
      const Cell& c = long_[i];
      duckdb_string_t& s = cells_[c.row];
      s.value.pointer.length = c.len;
      std::memcpy(s.value.pointer.prefix, heap + c.at, 4);
      s.value.pointer.ptr = const_cast<char*>(heap + c.at);
    }
  }

 private:
  struct Cell {
    idx_t row;
    size_t at;
    uint32_t len;
  };
  duckdb_vector vector_ = nullptr;
  duckdb_string_t* cells_ = nullptr;
  std::string run_;
  std::vector<Cell> long_;  // one per row of a chunk, sized once
  size_t longs_ = 0;
};

struct ReadLocal {
  std::unique_ptr<TreeScan> scan;
  bool done = false;
  StringColumn strings[3];  // key, key_bytes, value: buffers kept from chunk to chunk
};

void ReadLocalInitFn(duckdb_init_info info) {
  duckdb_init_set_init_data(info, new ReadLocal(), [](void* p) { delete static_cast<ReadLocal*>(p); });
}

void ReadFn(duckdb_function_info info, duckdb_data_chunk out) {
  auto* bind = static_cast<ReadBind*>(duckdb_function_get_bind_data(info));
  auto* global = static_cast<ReadGlobal*>(duckdb_function_get_init_data(info));
  auto* local = static_cast<ReadLocal*>(duckdb_function_get_local_init_data(info));
  if (local->done) {
    duckdb_data_chunk_set_size(out, 0);
    return;
  }
  try {
    const idx_t cap = duckdb_vector_size();
    const size_t width = global->columns.size();
    duckdb_vector vecs[5];
    void* data[5];
    idx_t kinds[5];
    size_t used = 0;
    for (size_t c = 0; c < width && used < 5; c++) {
      const idx_t kind = global->columns[c];
      if (kind > kColIsPrefix) continue;  // a column DuckDB asked for that holt_read does not have (a row id)
      vecs[used] = duckdb_data_chunk_get_vector(out, c);
      data[used] = duckdb_vector_get_data(vecs[used]);
      if (kind <= kColValue) local->strings[kind].Start(vecs[used]);
      kinds[used++] = kind;
    }
    StringColumn* strings = local->strings;
    idx_t rows = 0;
    ScanRow r;
    while (rows < cap) {
      if (local->scan == nullptr) {
        const size_t i = global->next.fetch_add(1);
        if (i >= global->parts.size()) {
          local->done = true;
          break;
        }
        const size_t at = bind->spec.reverse ? global->parts.size() - 1 - i : i;
        local->scan = std::make_unique<TreeScan>(*bind->db, *bind->tree, bind->spec, std::move(global->parts[at]));
      }
      if (!local->scan->Next(&r)) {
        local->scan.reset();
        continue;
      }
      for (size_t c = 0; c < used; c++) {
        duckdb_vector v = vecs[c];
        switch (kinds[c]) {
          case kColKey:
            if (IsUtf8(r.key, r.key_len)) {
              strings[kColKey].Put(rows, r.key, r.key_len);
            } else {
              const std::string s = Utf8Replace(r.key, r.key_len);
              strings[kColKey].Put(rows, reinterpret_cast<const uint8_t*>(s.data()), static_cast<uint32_t>(s.size()));
            }
            break;
          case kColKeyBytes:
            strings[kColKeyBytes].Put(rows, r.key, r.key_len);
            break;
          case kColValue:
            if (r.is_prefix || !global->read_values) SetNull(v, rows);
            else strings[kColValue].Put(rows, r.value, r.value_len);
            break;
          case kColVersion:
            if (r.is_prefix) SetNull(v, rows);
            else static_cast<int64_t*>(data[c])[rows] = static_cast<int64_t>(r.version);
            break;
          case kColIsPrefix:
            static_cast<bool*>(data[c])[rows] = r.is_prefix;
            break;
        }
      }
      rows++;
    }
    for (size_t c = 0; c < used; c++) if (kinds[c] <= kColValue) strings[kinds[c]].Finish();
    duckdb_data_chunk_set_size(out, rows);
  } catch (const std::exception& e) {
    local->done = true;
    duckdb_data_chunk_set_size(out, 0);
    duckdb_function_set_error(info, Message("holt_read", e).c_str());
  }
}

}  // namespace

bool RegisterRead(duckdb_connection connection) {
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
  duckdb_table_function_set_local_init(read, ReadLocalInitFn);
  duckdb_table_function_set_function(read, ReadFn);
  duckdb_table_function_supports_projection_pushdown(read, true);
  const bool ok = duckdb_register_table_function(connection, read) == DuckDBSuccess;
  duckdb_destroy_table_function(&read);
  duckdb_destroy_logical_type(&varchar);
  duckdb_destroy_logical_type(&boolean);
  duckdb_destroy_logical_type(&bigint);
  return ok;
}

}  // namespace holtext
