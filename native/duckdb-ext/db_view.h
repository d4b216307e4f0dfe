// DbView: one consistent read of a Holt directory, what a read-only DB.open
// sees (src/db/durable-store.ts): the manifest's trees plus every WAL record
// since its checkpoint applied in order as an overlay per tree (puts,
// deletes, renames, batches; tree creates and drops through the catalog's
// records, db/log-redo.ts). Holds a reader claim while it lives.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>

#include "data_file.h"
#include "manifest.h"
#include "reader_claim.h"
#include "tree_walk.h"

namespace holtext {

// What the WAL says about one key: its record, or that it is deleted.
struct OverlayEntry {
  bool live = false;
  std::string value;
  double version = 0;
};

struct TreeView {
  std::string name;
  uint64_t id = 0;
  bool dropped = false;
  bool has_base = false;  // a checkpointed root (else the tree began in the WAL)
  uint32_t root_frame = 0;
  uint32_t root_index = 0;
  uint64_t base_keys = 0;
  std::map<std::string, OverlayEntry> overlay;
};

class DbView {
 public:
  // `only_tree`: when not empty, the WAL is applied to the tree of that name
  // alone (a scan of one tree need not copy the others' records).
  static std::shared_ptr<DbView> Open(const std::string& dir, const std::string& only_tree = "");

  // The live tree named `name`, or nullptr.
  const TreeView* Find(const std::string& name) const;
  // Live trees by name.
  const std::map<std::string, uint64_t>& live() const { return live_; }
  const TreeView& tree(uint64_t id) const { return trees_.at(id); }

  // The tree's checkpointed root (off 0 when it has none).
  PinnedNode BaseRoot(const TreeView& t);
  // Keys in the tree after the overlay.
  uint64_t KeyCount(const TreeView& t);
  DataFile& data() { return *data_; }

 private:
  DbView(const std::string& dir, const std::string& only_tree);
  void Load();
  void Replay(bool* moved_on);
  void ApplyRecord(const struct WalRecord& r);
  void ApplyOp(const struct WalOp& op, uint64_t seq);
  void CatalogChanged();
  void DecodeCatalog();
  void SyncTrees();
  bool CurrentValue(TreeView& t, const std::string& key, std::string* value);

  std::string dir_;
  std::string only_tree_;
  ReaderClaim claim_;
  Manifest manifest_;
  std::unique_ptr<DataFile> data_;
  std::map<std::string, std::string> catalog_records_;
  bool catalog_changed_ = false;
  std::map<std::string, uint64_t> live_;
  std::map<uint64_t, std::string> dropped_;
  std::map<uint64_t, TreeView> trees_;
};

}  // namespace holtext
