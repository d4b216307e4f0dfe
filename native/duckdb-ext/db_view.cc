#include "db_view.h"

#include <cstring>

#include "errors.h"
#include "format.h"
#include "os_file.h"
#include "wal.h"

namespace holtext {

namespace {

HoltFailure CatalogCorrupt(const std::string& what) { return HoltFailure("CORRUPT", "catalog: " + what); }

uint64_t EntryId(const std::string& v, uint8_t state, const std::string& where) {
  if (v.size() < 18 || v.compare(0, 4, "hcat") != 0 || v[4] != 1) throw CatalogCorrupt(where + ": bad entry value");
  if (static_cast<uint8_t>(v[5]) != state) throw CatalogCorrupt(where + ": wrong state");
  const auto* b = reinterpret_cast<const uint8_t*>(v.data());
  if (v.size() != 17u + b[16]) throw CatalogCorrupt(where + ": bad name length");
  return U64(b + 8);
}

}  // namespace

DbView::DbView(const std::string& dir, const std::string& only_tree) : dir_(dir), only_tree_(only_tree), claim_(dir) {}

std::shared_ptr<DbView> DbView::Open(const std::string& dir, const std::string& only_tree) {
  // A writer's checkpoint may delete the segment after the manifest this view
  // read: read the newer manifest then (a reader's reload).
  for (int attempt = 0;; attempt++) {
    std::shared_ptr<DbView> v(new DbView(dir, only_tree));
    v->Load();
    bool moved_on = false;
    v->Replay(&moved_on);
    if (!moved_on) return v;
    if (attempt == 20) throw HoltFailure("IO_ERROR", "the writer of " + dir + " kept moving on while the WAL was read");
  }
}

void DbView::Load() {
  if (!ReadManifest(dir_, &manifest_)) manifest_ = Manifest();
  claim_.SetGeneration(manifest_.wal_segment);
  data_ = std::make_unique<DataFile>(dir_, manifest_.frames);
  for (auto& r : manifest_.catalog) catalog_records_[r.first] = r.second;
  DecodeCatalog();
  std::map<uint64_t, std::string> names;
  for (const auto& l : live_) names[l.second] = l.first;
  for (const auto& d : dropped_) names[d.first] = d.second;
  for (const auto& t : manifest_.trees) {
    const auto n = names.find(t.tree_id);
    if (n == names.end()) continue;
    TreeView v;
    v.name = n->second;
    v.id = t.tree_id;
    v.has_base = true;
    v.root_frame = t.root_frame;
    v.root_index = t.root_index;
    v.base_keys = t.key_count;
    v.dropped = dropped_.count(t.tree_id) != 0;
    trees_[t.tree_id] = std::move(v);
  }
  SyncTrees();
}

void DbView::Replay(bool* moved_on) {
  const uint32_t first = manifest_.wal_segment;
  const std::vector<uint32_t> listed = ListSegments(dir_);
  std::vector<uint32_t> todo;
  bool first_listed = false;
  for (uint32_t n : listed) {
    if (n == first) first_listed = true;
    if (n > first) todo.push_back(n);
  }
  for (size_t i = 0; i < todo.size(); i++) {
    if (todo[i] != first + 1 + i) { *moved_on = true; return; }
  }
  if (!first_listed) {
    if (!todo.empty()) *moved_on = true;
    return;
  }
  todo.insert(todo.begin(), first);
  const bool live = WriterIsLive(dir_);
  for (uint32_t n : todo) {
    const std::string path = SegmentPath(dir_, n);
    std::string bytes;
    if (!ReadWholeFile(path, &bytes)) { *moved_on = true; return; }
    const SegmentEnd end = ReadSegment(path, bytes, live, [this](const WalRecord& r) { ApplyRecord(r); });
    if (end.torn) break;
  }
}

void DbView::ApplyRecord(const WalRecord& r) {
  for (size_t i = 0; i < r.ops.size(); i++) {
    // The trees follow the catalog only between whole catalog changes (log-redo.ts).
    if (r.batch && r.ops[i].tree_id != kCatalogTreeId) CatalogChanged();
    ApplyOp(r.ops[i], r.seq + i);
  }
  CatalogChanged();
}

void DbView::ApplyOp(const WalOp& op, uint64_t seq) {
  if (op.tree_id != kCatalogTreeId) {
    const auto it = trees_.find(op.tree_id);
    if (it == trees_.end()) return;  // a tree finalized later in the log
    if (!only_tree_.empty() && it->second.name != only_tree_) return;
  }
  const std::string a(reinterpret_cast<const char*>(op.a), op.a_len);
  if (op.tree_id == kCatalogTreeId) {
    if (op.type == kOpPut) catalog_records_[a] = std::string(reinterpret_cast<const char*>(op.b), op.b_len);
    else if (op.type == kOpDelete) catalog_records_.erase(a);
    catalog_changed_ = true;
    return;
  }
  TreeView& t = trees_.find(op.tree_id)->second;
  const double version = static_cast<double>(seq);
  switch (op.type) {
    case kOpPut: {
      OverlayEntry& e = t.overlay[a];
      e.live = true;
      e.value.assign(reinterpret_cast<const char*>(op.b), op.b_len);
      e.version = version;
      break;
    }
    case kOpDelete: {
      OverlayEntry& e = t.overlay[a];
      e.live = false;
      e.value.clear();
      break;
    }
    case kOpRename: {
      // art/rename.ts: only when the source exists, the keys differ and the
      // destination is free or may be replaced.
      std::string value;
      if (!CurrentValue(t, a, &value)) break;
      const std::string to(reinterpret_cast<const char*>(op.b), op.b_len);
      if (to == a) break;
      std::string ignored;
      if (!op.overwrite && CurrentValue(t, to, &ignored)) break;
      OverlayEntry& from = t.overlay[a];
      from.live = false;
      from.value.clear();
      OverlayEntry& dest = t.overlay[to];
      dest.live = true;
      dest.value = std::move(value);
      dest.version = version;
      break;
    }
  }
}

bool DbView::CurrentValue(TreeView& t, const std::string& key, std::string* value) {
  const auto o = t.overlay.find(key);
  if (o != t.overlay.end()) {
    if (!o->second.live) return false;
    *value = o->second.value;
    return true;
  }
  if (!t.has_base) return false;
  LeafView leaf;
  FrameRef pin;
  if (!Lookup(*data_, BaseRoot(t), reinterpret_cast<const uint8_t*>(key.data()), static_cast<uint32_t>(key.size()), &leaf, &pin)) return false;
  value->assign(reinterpret_cast<const char*>(leaf.value), leaf.value_len);
  return true;
}

void DbView::CatalogChanged() {
  if (!catalog_changed_) return;
  catalog_changed_ = false;
  DecodeCatalog();
  SyncTrees();
}

void DbView::DecodeCatalog() {
  live_.clear();
  dropped_.clear();
  bool next_id = false;
  for (const auto& r : catalog_records_) {
    const std::string& k = r.first;
    const std::string& v = r.second;
    if (k.empty()) throw CatalogCorrupt("empty catalog key");
    const std::string rest = k.substr(1);
    switch (k[0]) {
      case 0x01:
        if (rest != "next-tree-id" || v.size() != 16 || v.compare(0, 4, "hnxt") != 0) throw CatalogCorrupt("bad next-id record");
        next_id = true;
        break;
      case 0x02: {
        if (rest.empty() || rest.size() > 255) throw CatalogCorrupt("live key: bad name");
        const uint64_t id = EntryId(v, 1, "live entry");
        if (v.compare(17, std::string::npos, rest) != 0) throw CatalogCorrupt("live key names \"" + rest + "\" but its value does not");
        live_[rest] = id;
        break;
      }
      case 0x03: {
        const uint64_t id = EntryId(v, 2, "dropped entry");
        if (rest.size() != 16 || std::stoull(rest, nullptr, 16) != id) throw CatalogCorrupt("dropped key does not match its value");
        dropped_[id] = v.substr(17);
        break;
      }
      default:
        throw CatalogCorrupt("unknown catalog key tag");
    }
  }
  if (!catalog_records_.empty() && !next_id) throw CatalogCorrupt("tree entries without a next-id record");
}

void DbView::SyncTrees() {
  for (const auto& l : live_) {
    if (trees_.count(l.second) != 0) continue;
    TreeView v;
    v.name = l.first;
    v.id = l.second;
    trees_[l.second] = std::move(v);
  }
  for (auto it = trees_.begin(); it != trees_.end();) {
    const auto l = live_.find(it->second.name);
    if (l != live_.end() && l->second == it->first) { ++it; continue; }
    if (dropped_.count(it->first) != 0) { it->second.dropped = true; ++it; continue; }
    it = trees_.erase(it);
  }
}

const TreeView* DbView::Find(const std::string& name) const {
  const auto l = live_.find(name);
  if (l == live_.end()) return nullptr;
  const auto t = trees_.find(l->second);
  return t == trees_.end() ? nullptr : &t->second;
}

PinnedNode DbView::BaseRoot(const TreeView& t) {
  if (!t.has_base) return PinnedNode{};
  return RootOf(*data_, t.root_frame, t.root_index);
}

uint64_t DbView::KeyCount(const TreeView& t) {
  uint64_t n = t.base_keys;
  const PinnedNode root = BaseRoot(t);
  for (const auto& o : t.overlay) {
    LeafView leaf;
    FrameRef pin;
    const bool in_base = root.node.off != 0 &&
        Lookup(*data_, root, reinterpret_cast<const uint8_t*>(o.first.data()), static_cast<uint32_t>(o.first.size()), &leaf, &pin);
    if (o.second.live && !in_base) n++;
    if (!o.second.live && in_base) n--;
  }
  return n;
}

}  // namespace holtext
