// Reading one checkpointed tree (src/art/*): an ordered cursor over the
// leaves of a subtree, in either direction, a point lookup, and the descent to
// the subtree that holds a prefix. Nodes: Leaf, Prefix, Crossing (into a child
// frame's root), Node4/16/48/256 (with a terminal ref for a key that ends at
// the node), EmptyRoot. Leaves hold whole keys, so the walk keeps no key bytes.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "data_file.h"

namespace holtext {

// A node body: its frame (checked image and id) and its offset there.
struct NodeAt {
  const uint8_t* frame = nullptr;
  uint32_t frame_id = 0;
  uint32_t off = 0;  // 0: no node (an empty tree or subtree)
  uint32_t limit = 0;  // the frame's checked bytes end here (DataFile::Image)
};

// One record as a cursor hands it out: views into the frame image.
struct LeafView {
  const uint8_t* key = nullptr;
  uint32_t key_len = 0;
  const uint8_t* value = nullptr;
  uint32_t value_len = 0;
  double version = 0;
};

// Root `index` of frame `frame_id` (a tree's root location in the manifest).
NodeAt RootOf(DataFile& data, uint32_t frame_id, uint32_t index);

// The leaf holding exactly `key`, if any.
bool Lookup(DataFile& data, NodeAt root, const uint8_t* key, uint32_t len, LeafView* out);

// The smallest subtree under `root` holding every key that starts with
// `prefix` (its leaves may still hold other keys: callers filter). Empty
// (off 0) when no key can start with it.
NodeAt SeekPrefix(DataFile& data, NodeAt root, const uint8_t* prefix, uint32_t len);

class LeafCursor {
 public:
  LeafCursor(DataFile& data, NodeAt subtree, bool reverse);
  // The next leaf in key order (descending when reverse); false at the end.
  bool Next(LeafView* out);

 private:
  struct Level {
    const uint8_t* frame;
    uint32_t frame_id;
    uint32_t limit;
    uint32_t off;
    uint8_t type;
    int pos;
  };
  uint16_t NextChild(Level& l);
  DataFile& data_;
  bool reverse_;
  std::vector<Level> stack_;
  NodeAt pending_;
};

}  // namespace holtext
