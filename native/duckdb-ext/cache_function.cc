// holt_read_cache(budget_mb := N): one row about the process's cache of
// checked frames (frame_cache.h): frames, bytes, budget_bytes, hits, misses.
// With budget_mb it first sets the budget (0 empties the cache and keeps it off).
#include <memory>

#include "errors.h"
#include "frame_cache.h"
#include "functions.h"

namespace holtext {

namespace {

struct CacheState {
  FrameCacheStats stats;
  bool done = false;
};

void CacheBindFn(duckdb_bind_info info) {
  try {
    Value v(duckdb_bind_get_named_parameter(info, "budget_mb"));
    if (!v.Null()) {
      const int64_t mb = duckdb_get_int64(v.v);
      if (mb < 0) throw InvalidArgument("budget_mb must be a non-negative integer");
      FrameCache::Process().SetBudget(static_cast<uint64_t>(mb) << 20);
    }
    const char* names[] = {"frames", "bytes", "budget_bytes", "hits", "misses"};
    const duckdb_type types[] = {DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT, DUCKDB_TYPE_BIGINT};
    AddColumns(info, names, types, 5);
    duckdb_bind_set_cardinality(info, 1, true);
  } catch (const std::exception& e) {
    duckdb_bind_set_error(info, Message("holt_read_cache", e).c_str());
  }
}

void CacheInitFn(duckdb_init_info info) {
  auto state = std::make_unique<CacheState>();
  state->stats = FrameCache::Process().Stats();  // when the query runs, not when it was bound
  duckdb_init_set_init_data(info, state.release(), [](void* p) { delete static_cast<CacheState*>(p); });
}

void CacheFn(duckdb_function_info info, duckdb_data_chunk out) {
  auto* state = static_cast<CacheState*>(duckdb_function_get_init_data(info));
  if (state->done) {
    duckdb_data_chunk_set_size(out, 0);
    return;
  }
  state->done = true;
  const FrameCacheStats& s = state->stats;
  const uint64_t values[] = {s.frames, s.bytes, s.budget, s.hits, s.misses};
  for (idx_t c = 0; c < 5; c++) static_cast<int64_t*>(duckdb_vector_get_data(duckdb_data_chunk_get_vector(out, c)))[0] = static_cast<int64_t>(values[c]);
  duckdb_data_chunk_set_size(out, 1);
}

}  // namespace

bool RegisterCache(duckdb_connection connection) {
  duckdb_logical_type bigint = duckdb_create_logical_type(DUCKDB_TYPE_BIGINT);
  duckdb_table_function f = duckdb_create_table_function();
  duckdb_table_function_set_name(f, "holt_read_cache");
  duckdb_table_function_add_named_parameter(f, "budget_mb", bigint);
  duckdb_table_function_set_bind(f, CacheBindFn);
  duckdb_table_function_set_init(f, CacheInitFn);
  duckdb_table_function_set_function(f, CacheFn);
  const bool ok = duckdb_register_table_function(connection, f) == DuckDBSuccess;
  duckdb_destroy_table_function(&f);
  duckdb_destroy_logical_type(&bigint);
  return ok;
}

}  // namespace holtext
