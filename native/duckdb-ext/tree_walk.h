// Reading one checkpointed tree (src/art/*): an ordered cursor over the
// leaves of a subtree, in either direction and with a seek, a point lookup,
// the descent to the subtree that holds a prefix, and the split of a subtree
// into ordered pieces for parallel scans. Nodes: Leaf, Prefix, Crossing (into
// a child frame's root), Node4/16/48/256 (with a terminal ref for a key that
// ends at the node), EmptyRoot. Leaves hold whole keys, so the walk keeps no
// key bytes; paths are kept only where a piece or a seek needs them.
// Frames come from DataFile as FrameRefs: whatever a walk stands in is pinned
// by it, so the cache may evict a frame while a scan still reads it.
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
  uint32_t limit = 0;  // the frame's checked bytes end here (CheckedFrame::limit)
};

// A node with the pin that keeps its frame alive.
struct PinnedNode {
  NodeAt node;
  FrameRef pin;
};

// A subtree and the key bytes on the path to it: every key in it starts with `path`.
struct Subtree {
  PinnedNode root;
  std::string path;
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
PinnedNode RootOf(DataFile& data, uint32_t frame_id, uint32_t index);

// The leaf holding exactly `key`, if any; `*pin` keeps `out`'s bytes alive.
bool Lookup(DataFile& data, PinnedNode root, const uint8_t* key, uint32_t len, LeafView* out, FrameRef* pin);

// The smallest subtree under `root` holding every key that starts with
// `prefix` (its leaves may still hold other keys: callers filter). Empty
// (off 0) when no key can start with it.
Subtree SeekPrefix(DataFile& data, PinnedNode root, const uint8_t* prefix, uint32_t len);

// `whole` cut into at most about `target` disjoint subtrees in key order
// (fewer when it has fewer branches); each piece's keys are below the next
// piece's path.
std::vector<Subtree> Split(DataFile& data, Subtree whole, size_t target);

class LeafCursor {
 public:
  LeafCursor(DataFile& data, Subtree subtree, bool reverse);
  // The next leaf in key order (descending when reverse); false at the end.
  bool Next(LeafView* out);
  // Starts again at `key`: forward, the next leaves are those >= key; reverse,
  // those < key. A few leaves outside may still come: callers keep filtering.
  void Seek(const uint8_t* key, uint32_t len);

 private:
  struct Level {
    const uint8_t* frame;
    uint32_t frame_id;
    uint32_t limit;
    uint32_t off;
    uint8_t type;
    int pos;
    FrameRef pin;  // set when this level entered the frame (else a lower level pins it)
  };
  uint16_t NextChild(Level& l);
  void Push(const NodeAt& n, uint8_t type, int pos, FrameRef pin);
  DataFile& data_;
  bool reverse_;
  Subtree root_;
  std::vector<Level> stack_;
  NodeAt pending_;
  FrameRef pending_pin_;  // the frame of pending_ when no level pins it
  FrameRef leaf_pin_;     // the frame of the last leaf handed out, likewise
};

}  // namespace holtext
