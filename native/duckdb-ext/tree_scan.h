// TreeScan: one tree's rows in key order, as Tree.scan lists them
// (src/art/scan.ts, scan-bounds.ts): the checkpointed leaves merged with the
// WAL overlay, under a prefix, after start_after (S3 marker semantics with a
// delimiter), rolled up at the delimiter, at most max_keys entries, either way.
// A scan may be cut into parts (PlanScan) that DuckDB's threads read at once:
// each part is a subtree of the checkpoint and the overlay keys between its
// path and the next part's, so the parts' rows, concatenated in order, are the
// whole scan's rows.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "db_view.h"
#include "tree_walk.h"

namespace holtext {

struct ScanSpec {
  std::string prefix;
  bool has_start_after = false;
  std::string start_after;
  int delimiter = -1;
  uint64_t limit = UINT64_MAX;
  bool reverse = false;
};

// One part of a scan: a checkpointed subtree (none when root.node.off is 0)
// and the overlay keys in [lo, hi) (unbounded where has_lo / has_hi is false).
struct ScanPart {
  Subtree base;
  bool has_lo = false, has_hi = false;
  std::string lo, hi;
};

// The parts of a scan in key order: one part, or up to about `target` when the
// spec allows a split (no max_keys and no delimiter: those count and roll up
// across the whole scan) and the checkpoint under the prefix has the branches.
std::vector<ScanPart> PlanScan(DbView& db, const TreeView& tree, const ScanSpec& spec, size_t target);

// One row: a key with its record, or a rolled-up common prefix. Views valid until the next call.
struct ScanRow {
  bool is_prefix = false;
  const uint8_t* key = nullptr;
  uint32_t key_len = 0;
  const uint8_t* value = nullptr;
  uint32_t value_len = 0;
  double version = 0;
};

class TreeScan {
 public:
  TreeScan(DbView& db, const TreeView& tree, const ScanSpec& spec, ScanPart part);
  bool Next(ScanRow* row);

 private:
  bool NextMerged(ScanRow* row);
  bool PullBase();
  bool PullOverlay();
  bool InBounds(const uint8_t* key, uint32_t len) const;
  // Moves both sources to the first key at `key` (forward) or below it (reverse).
  void SeekTo(const std::string& key);
  void SkipRollup();

  const ScanSpec& spec_;
  ScanPart part_;
  const std::map<std::string, OverlayEntry>& overlay_;
  std::unique_ptr<LeafCursor> base_;
  LeafView base_leaf_;
  bool base_ready_ = false;
  bool base_done_ = false;
  bool base_in_prefix_ = false;  // the part's path starts with the prefix (so does every key in it)
  std::map<std::string, OverlayEntry>::const_iterator ov_, ov_end_;  // forward
  std::map<std::string, OverlayEntry>::const_reverse_iterator rov_, rov_end_;
  bool ov_ready_ = false;
  bool ov_done_ = false;
  const std::string* ov_key_ = nullptr;
  const OverlayEntry* ov_entry_ = nullptr;
  // Bounds planned from the options: forward keys at or after `lb_`, reverse keys before `ub_`.
  bool empty_ = false;
  bool has_lb_ = false, lb_inclusive_ = true, has_ub_ = false;
  std::string lb_, ub_;
  std::string rollup_;
  bool has_rollup_ = false;
  uint32_t rollup_skips_ = 0;
  uint64_t emitted_ = 0;
};

}  // namespace holtext
