#include "tree_scan.h"

#include <cstring>

namespace holtext {

namespace {

int Compare(const uint8_t* a, uint32_t al, const uint8_t* b, uint32_t bl) {
  const int c = std::memcmp(a, b, al < bl ? al : bl);
  if (c != 0) return c;
  return al < bl ? -1 : al > bl ? 1 : 0;
}

int Compare(const std::string& a, const std::string& b) {
  return Compare(reinterpret_cast<const uint8_t*>(a.data()), static_cast<uint32_t>(a.size()),
                 reinterpret_cast<const uint8_t*>(b.data()), static_cast<uint32_t>(b.size()));
}

bool StartsWith(const uint8_t* k, uint32_t len, const std::string& p) {
  return len >= p.size() && std::memcmp(k, p.data(), p.size()) == 0;
}

// The smallest string above every string starting with `p`; false when none exists.
bool Successor(const std::string& p, std::string* out) {
  size_t n = p.size();
  while (n > 0 && static_cast<uint8_t>(p[n - 1]) == 0xff) n--;
  if (n == 0) return false;
  *out = p.substr(0, n);
  (*out)[n - 1] = static_cast<char>(static_cast<uint8_t>((*out)[n - 1]) + 1);
  return true;
}

// Consecutive keys of one rollup skipped one by one before the scan seeks past the rollup.
constexpr uint32_t kSkipsBeforeSeek = 8;

}  // namespace

std::vector<ScanPart> PlanScan(DbView& db, const TreeView& tree, const ScanSpec& spec, size_t target) {
  Subtree sub;
  const PinnedNode root = db.BaseRoot(tree);
  if (root.node.off != 0) sub = SeekPrefix(db.data(), root, reinterpret_cast<const uint8_t*>(spec.prefix.data()), static_cast<uint32_t>(spec.prefix.size()));
  std::vector<ScanPart> parts;
  if (target <= 1 || spec.limit != UINT64_MAX || spec.delimiter >= 0 || sub.root.node.off == 0) {
    parts.push_back(ScanPart{std::move(sub), false, false, "", ""});
    return parts;
  }
  std::vector<Subtree> pieces = Split(db.data(), std::move(sub), target);
  if (pieces.empty()) {
    parts.emplace_back();
    return parts;
  }
  for (size_t i = 0; i < pieces.size(); i++) {
    ScanPart p;
    p.has_lo = i > 0;
    if (p.has_lo) p.lo = pieces[i].path;
    p.has_hi = i + 1 < pieces.size();
    if (p.has_hi) p.hi = pieces[i + 1].path;
    p.base = std::move(pieces[i]);
    parts.push_back(std::move(p));
  }
  return parts;
}

TreeScan::TreeScan(DbView& db, const TreeView& tree, const ScanSpec& spec, ScanPart part)
    : spec_(spec), part_(std::move(part)), overlay_(tree.overlay) {
  const std::string& p = spec_.prefix;
  // scan-bounds.ts: a start-after inside a rollup continues after the whole rollup.
  auto rollup_of = [&](const std::string& key, std::string* out) {
    if (spec_.delimiter < 0 || key.size() <= p.size() || key.compare(0, p.size(), p) != 0) return false;
    const size_t at = key.find(static_cast<char>(spec_.delimiter), p.size());
    if (at == std::string::npos) return false;
    *out = key.substr(0, at + 1);
    return true;
  };
  const auto inside = [&](const std::string& x) { return x.size() >= p.size() && x.compare(0, p.size(), p) == 0; };
  if (!spec_.reverse) {
    if (spec_.has_start_after) {
      std::string rolled;
      if (rollup_of(spec_.start_after, &rolled)) {
        std::string next;
        if (!Successor(rolled, &next)) empty_ = true;
        else if (Compare(next, p) > 0) { has_lb_ = true; lb_ = next; lb_inclusive_ = true; }
      } else if (Compare(spec_.start_after, p) >= 0) {
        has_lb_ = true; lb_ = spec_.start_after; lb_inclusive_ = false;
      }
      if (has_lb_ && !inside(lb_)) empty_ = true;
    }
  } else if (spec_.has_start_after) {
    std::string after = spec_.start_after;
    std::string rolled;
    if (rollup_of(after, &rolled)) after = rolled;
    if (!inside(after)) {
      if (Compare(after, p) <= 0) empty_ = true;
    } else {
      has_ub_ = true;
      ub_ = after;
    }
  }
  if (spec_.limit == 0) empty_ = true;
  // A part wholly outside the bounds has nothing to read.
  if (has_lb_ && part_.has_hi && Compare(part_.hi, lb_) <= 0) empty_ = true;
  if (has_ub_ && part_.has_lo && Compare(part_.lo, ub_) >= 0) empty_ = true;
  if (empty_) return;
  if (part_.base.root.node.off != 0) base_ = std::make_unique<LeafCursor>(db.data(), part_.base, spec_.reverse);
  else base_done_ = true;
  // Every key under a path that starts with the prefix starts with it too: no need to check each.
  base_in_prefix_ = part_.base.path.size() >= p.size() && part_.base.path.compare(0, p.size(), p) == 0;
  // The overlay's range: this part's [lo, hi) under the prefix.
  using Rev = std::map<std::string, OverlayEntry>::const_reverse_iterator;
  if (!spec_.reverse) {
    std::string from = p;
    if (part_.has_lo && Compare(part_.lo, from) > 0) from = part_.lo;
    ov_ = overlay_.lower_bound(from);
    ov_end_ = part_.has_hi && Compare(part_.hi, from) > 0 ? overlay_.lower_bound(part_.hi) : part_.has_hi ? ov_ : overlay_.end();
    if (has_lb_) SeekTo(lb_);
  } else {
    std::string upper;
    bool has_upper = Successor(p, &upper);
    if (part_.has_hi && (!has_upper || Compare(part_.hi, upper) < 0)) { upper = part_.hi; has_upper = true; }
    rov_ = Rev(has_upper ? overlay_.lower_bound(upper) : overlay_.end());
    rov_end_ = part_.has_lo ? Rev(overlay_.lower_bound(part_.lo)) : overlay_.rend();
    if (part_.has_lo && has_upper && Compare(upper, part_.lo) <= 0) rov_ = rov_end_;
    if (has_ub_) SeekTo(ub_);
  }
}

void TreeScan::SeekTo(const std::string& key) {
  base_ready_ = false;
  ov_ready_ = false;
  if (base_ != nullptr && !base_done_) base_->Seek(reinterpret_cast<const uint8_t*>(key.data()), static_cast<uint32_t>(key.size()));
  if (ov_done_) return;
  // The overlay only moves on from where it stands, and never past its part's end.
  if (!spec_.reverse) {
    if (ov_ == ov_end_ || Compare(ov_->first, key) >= 0) return;
    auto at = overlay_.lower_bound(key);
    if (ov_end_ != overlay_.end() && (at == overlay_.end() || Compare(at->first, ov_end_->first) >= 0)) at = ov_end_;
    ov_ = at;
  } else {
    using Rev = std::map<std::string, OverlayEntry>::const_reverse_iterator;
    if (rov_ == rov_end_ || Compare(rov_->first, key) < 0) return;
    Rev at(overlay_.lower_bound(key));  // the largest key below `key`
    if (part_.has_lo && (at == overlay_.rend() || Compare(at->first, part_.lo) < 0)) at = rov_end_;
    rov_ = at;
  }
}

void TreeScan::SkipRollup() {
  rollup_skips_ = 0;
  if (!spec_.reverse) {
    std::string next;
    if (!Successor(rollup_, &next)) {
      base_done_ = true;
      ov_done_ = true;
      base_ready_ = ov_ready_ = false;
      return;
    }
    SeekTo(next);
  } else {
    SeekTo(rollup_);
  }
}

bool TreeScan::PullBase() {
  while (!base_ready_ && !base_done_) {
    if (!base_->Next(&base_leaf_)) { base_done_ = true; break; }
    if (base_in_prefix_ || StartsWith(base_leaf_.key, base_leaf_.key_len, spec_.prefix)) base_ready_ = true;
  }
  return base_ready_;
}

bool TreeScan::PullOverlay() {
  if (ov_ready_ || ov_done_) return ov_ready_;
  const std::string* k;
  const OverlayEntry* e;
  if (!spec_.reverse) {
    if (ov_ == ov_end_) { ov_done_ = true; return false; }
    k = &ov_->first; e = &ov_->second; ++ov_;
  } else {
    if (rov_ == rov_end_) { ov_done_ = true; return false; }
    k = &rov_->first; e = &rov_->second; ++rov_;
  }
  if (!StartsWith(reinterpret_cast<const uint8_t*>(k->data()), static_cast<uint32_t>(k->size()), spec_.prefix)) {
    ov_done_ = true;
    return false;
  }
  ov_key_ = k;
  ov_entry_ = e;
  ov_ready_ = true;
  return true;
}

bool TreeScan::NextMerged(ScanRow* row) {
  for (;;) {
    const bool b = PullBase();
    const bool o = PullOverlay();
    if (!b && !o) return false;
    int c;
    if (!o) c = -1;
    else if (!b) c = 1;
    else {
      c = Compare(base_leaf_.key, base_leaf_.key_len, reinterpret_cast<const uint8_t*>(ov_key_->data()), static_cast<uint32_t>(ov_key_->size()));
      if (spec_.reverse) c = -c;
    }
    if (c < 0) {
      base_ready_ = false;
      row->key = base_leaf_.key; row->key_len = base_leaf_.key_len;
      row->value = base_leaf_.value; row->value_len = base_leaf_.value_len;
      row->version = base_leaf_.version;
      return true;
    }
    if (c == 0) base_ready_ = false;  // the WAL's word on this key replaces the checkpoint's
    ov_ready_ = false;
    if (!ov_entry_->live) continue;
    row->key = reinterpret_cast<const uint8_t*>(ov_key_->data()); row->key_len = static_cast<uint32_t>(ov_key_->size());
    row->value = reinterpret_cast<const uint8_t*>(ov_entry_->value.data()); row->value_len = static_cast<uint32_t>(ov_entry_->value.size());
    row->version = ov_entry_->version;
    return true;
  }
}

bool TreeScan::InBounds(const uint8_t* key, uint32_t len) const {
  if (!has_lb_ && !has_ub_) return true;
  if (has_lb_) {
    const int c = Compare(key, len, reinterpret_cast<const uint8_t*>(lb_.data()), static_cast<uint32_t>(lb_.size()));
    if (c < 0 || (c == 0 && !lb_inclusive_)) return false;
  }
  if (has_ub_ && Compare(key, len, reinterpret_cast<const uint8_t*>(ub_.data()), static_cast<uint32_t>(ub_.size())) >= 0) return false;
  return true;
}

bool TreeScan::Next(ScanRow* row) {
  if (empty_ || emitted_ >= spec_.limit) return false;
  const uint32_t plen = static_cast<uint32_t>(spec_.prefix.size());
  while (NextMerged(row)) {
    if (!InBounds(row->key, row->key_len)) continue;
    row->is_prefix = false;
    if (spec_.delimiter >= 0 && row->key_len > plen) {
      const void* at = std::memchr(row->key + plen, spec_.delimiter, row->key_len - plen);
      if (at != nullptr) {
        const uint32_t len = static_cast<uint32_t>(static_cast<const uint8_t*>(at) - row->key) + 1;
        if (has_rollup_ && rollup_.size() == len && std::memcmp(rollup_.data(), row->key, len) == 0) {
          // Inside the rollup just listed: a long run of them is passed by a seek.
          if (++rollup_skips_ == kSkipsBeforeSeek) SkipRollup();
          continue;
        }
        rollup_.assign(reinterpret_cast<const char*>(row->key), len);
        has_rollup_ = true;
        rollup_skips_ = 0;
        row->is_prefix = true;
        row->key = reinterpret_cast<const uint8_t*>(rollup_.data());
        row->key_len = len;
        row->value = nullptr;
        row->value_len = 0;
      }
    }
    emitted_++;
    return true;
  }
  return false;
}

}  // namespace holtext
