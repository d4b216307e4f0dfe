#include "tree_walk.h"

#include <cstring>

#include "errors.h"
#include "format.h"

namespace holtext {

namespace {

uint8_t TypeOf(const NodeAt& n) { return n.frame[n.off + kTypeOffset]; }

bool IsInner(uint8_t type) { return type == kNode4 || type == kNode16 || type == kNode48 || type == kNode256; }

[[noreturn]] __attribute__((noinline)) void BadRef(DataFile& data, const NodeAt& n, uint16_t ref) {
  throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": child ref " + std::to_string(ref) + " outside the data area");
}

// A ref inside `n`'s frame as a node; refs that leave the checked data area are damage.
inline NodeAt Child(DataFile& data, const NodeAt& n, uint16_t ref) {
  NodeAt c{n.frame, n.frame_id, DecodeRef(ref), n.limit};
  if (ref != 0 && (c.off < kDataStart || c.off + 8 > n.limit)) BadRef(data, n, ref);
  return c;
}

// The node's body lies inside the frame's checked bytes (its type's size; leaves and prefixes by their lengths).
void CheckFits(DataFile& data, const NodeAt& n, uint8_t type) {
  const uint8_t* p = n.frame + n.off;
  uint64_t size;
  switch (type) {
    case kNodeLeaf: size = kLeafHeader + static_cast<uint64_t>(U16(p + kLeafKeyLen)) + U32(p + kLeafValueLen); break;
    case kNodePrefix: size = kPrefixBytes + static_cast<uint64_t>(U16(p + kPrefixLen)); break;
    case kNode4: size = 16; break;
    case kNode16: size = 56; break;
    case kNode48: size = 360; break;
    case kNode256: size = 520; break;
    default: size = 8; break;
  }
  if (n.off + size > n.limit) throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": node runs past the frame's data");
  if ((type == kNode4 && p[kInnerCount] > 4) || (type == kNode16 && p[kInnerCount] > 16)) throw Corrupt(data.path(), n.off, "bad child count");
}

PinnedNode Cross(DataFile& data, const NodeAt& n) {
  return RootOf(data, U32(n.frame + n.off + kCrossingChildFrame), U16(n.frame + n.off + kCrossingRoot));
}

void ReadLeaf(DataFile& data, const NodeAt& n, LeafView* out) {
  const uint8_t* p = n.frame + n.off;
  out->key_len = U16(p + kLeafKeyLen);
  out->value_len = U32(p + kLeafValueLen);
  if (static_cast<uint64_t>(n.off) + kLeafHeader + out->key_len + out->value_len > n.limit) {
    throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": leaf runs past the frame");
  }
  std::memcpy(&out->version, p + kLeafVersion, 8);
  out->key = p + kLeafHeader;
  out->value = out->key + out->key_len;
}

// Node4/16: the branch bytes, sorted, and their count.
const uint8_t* BranchKeys(const uint8_t* p, uint8_t type) { return p + (type == kNode4 ? kN4Keys : kN16Keys); }

// The i-th child of an inner node: by position for Node4/16, by byte for Node48/256 (0 when none).
uint16_t ChildAt(DataFile& data, const uint8_t* p, uint32_t off, uint8_t type, int i) {
  switch (type) {
    case kNode4: return U16(p + kN4Children + 2 * i);
    case kNode16: return U16(p + kN16Children + 2 * i);
    case kNode48: {
      const uint8_t idx = p[kN48Index + i];
      if (idx == 0) return 0;
      if (idx > 48) throw Corrupt(data.path(), off, "bad Node48 index");
      return U16(p + kN48Children + 2 * (idx - 1));
    }
    default: return U16(p + kN256Children + 2 * i);
  }
}

// Positions of an inner node: Node4/16 count their children, Node48/256 every byte value.
int Positions(const uint8_t* p, uint8_t type) { return (type == kNode4 || type == kNode16) ? p[kInnerCount] : 256; }

// The position of the first branch at or above byte `b`, and whether its byte is `b`.
int BranchAtOrAbove(const uint8_t* p, uint8_t type, uint8_t b, bool* exact) {
  if (type == kNode4 || type == kNode16) {
    const uint8_t* keys = BranchKeys(p, type);
    const int count = p[kInnerCount];
    int i = 0;
    while (i < count && keys[i] < b) i++;
    *exact = i < count && keys[i] == b;
    return i;
  }
  *exact = true;  // a byte-indexed node: the child (if any) sits at position b
  return b;
}

// The child of inner node `n` for byte `b` (0 when none).
uint16_t ChildFor(DataFile& data, const NodeAt& n, uint8_t type, uint8_t b) {
  const uint8_t* p = n.frame + n.off;
  bool exact;
  const int i = BranchAtOrAbove(p, type, b, &exact);
  return exact ? ChildAt(data, p, n.off, type, i) : 0;
}

[[noreturn]] void BadNode(DataFile& data, const NodeAt& n) {
  throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": bad node type " + std::to_string(TypeOf(n)));
}

// Follows Prefixes (their bytes appended to `path`) and Crossings down to a leaf, an inner node or nothing.
void Resolve(DataFile& data, Subtree* s) {
  for (;;) {
    NodeAt& n = s->root.node;
    if (n.off == 0) return;
    const uint8_t type = TypeOf(n);
    CheckFits(data, n, type);
    const uint8_t* p = n.frame + n.off;
    if (type == kNodePrefix) {
      s->path.append(reinterpret_cast<const char*>(p + kPrefixBytes), U16(p + kPrefixLen));
      n = Child(data, n, U16(p + kPrefixChild));
    } else if (type == kNodeCrossing) {
      s->root = Cross(data, n);
    } else if (type == kNodeEmptyRoot) {
      n = NodeAt{};
    } else if (type == kNodeLeaf || IsInner(type)) {
      return;
    } else {
      BadNode(data, n);
    }
  }
}

}  // namespace

PinnedNode RootOf(DataFile& data, uint32_t frame_id, uint32_t index) {
  FrameRef frame = data.Frame(frame_id);
  const uint8_t* f = frame->bytes.get();
  if (index >= kMaxRoots) throw Corrupt(data.path(), 0, "root index " + std::to_string(index) + " out of range");
  const uint16_t ref = index == 0 ? U16(f + kHRootRef) : U16(f + kHExtraRoots + 2 * (index - 1));
  const NodeAt n{f, frame_id, 0, frame->limit};
  return PinnedNode{Child(data, n, ref), std::move(frame)};
}

bool Lookup(DataFile& data, PinnedNode root, const uint8_t* key, uint32_t len, LeafView* out, FrameRef* pin) {
  uint32_t depth = 0;
  NodeAt n = root.node;
  *pin = std::move(root.pin);
  while (n.off != 0) {
    const uint8_t type = TypeOf(n);
    CheckFits(data, n, type);
    const uint8_t* p = n.frame + n.off;
    switch (type) {
      case kNodeLeaf:
        ReadLeaf(data, n, out);
        return out->key_len == len && std::memcmp(out->key, key, len) == 0;
      case kNodePrefix:
        depth += U16(p + kPrefixLen);
        if (depth > len) return false;
        n = Child(data, n, U16(p + kPrefixChild));
        break;
      case kNodeCrossing: {
        PinnedNode c = Cross(data, n);
        n = c.node;
        *pin = std::move(c.pin);
        break;
      }
      case kNode4: case kNode16: case kNode48: case kNode256:
        if (depth == len) n = Child(data, n, U16(p + kInnerTerminal));
        else n = Child(data, n, ChildFor(data, n, type, key[depth++]));
        break;
      case kNodeEmptyRoot:
        return false;
      default:
        BadNode(data, n);
    }
  }
  return false;
}

Subtree SeekPrefix(DataFile& data, PinnedNode root, const uint8_t* prefix, uint32_t len) {
  Subtree s{std::move(root), std::string()};
  uint32_t depth = 0;
  for (;;) {
    NodeAt& n = s.root.node;
    if (n.off == 0 || depth >= len) break;
    const uint8_t type = TypeOf(n);
    CheckFits(data, n, type);
    const uint8_t* p = n.frame + n.off;
    switch (type) {
      case kNodeLeaf:
        return s;
      case kNodePrefix: {
        const uint32_t plen = U16(p + kPrefixLen);
        for (uint32_t i = 0; i < plen && depth + i < len; i++) {
          if (p[kPrefixBytes + i] != prefix[depth + i]) return Subtree{};
        }
        if (depth + plen >= len) break;  // the prefix ends inside this node: the subtree is the node itself
        s.path.append(reinterpret_cast<const char*>(p + kPrefixBytes), plen);
        depth += plen;
        n = Child(data, n, U16(p + kPrefixChild));
        continue;
      }
      case kNodeCrossing:
        s.root = Cross(data, n);
        continue;
      case kNode4: case kNode16: case kNode48: case kNode256:
        s.path.push_back(static_cast<char>(prefix[depth]));
        n = Child(data, n, ChildFor(data, n, type, prefix[depth++]));
        continue;
      case kNodeEmptyRoot:
        return Subtree{};
      default:
        BadNode(data, n);
    }
    break;
  }
  if (s.root.node.off == 0) return Subtree{};
  return s;
}

std::vector<Subtree> Split(DataFile& data, Subtree whole, size_t target) {
  std::vector<Subtree> pieces;
  if (whole.root.node.off != 0) pieces.push_back(std::move(whole));
  for (int round = 0; round < 24 && pieces.size() < target; round++) {
    std::vector<Subtree> next;
    bool grew = false;
    for (size_t i = 0; i < pieces.size(); i++) {
      Subtree s = std::move(pieces[i]);
      Resolve(data, &s);
      const NodeAt n = s.root.node;
      if (n.off == 0) continue;
      const uint8_t type = TypeOf(n);
      if (!IsInner(type) || next.size() + (pieces.size() - i) >= target) {
        next.push_back(std::move(s));
        continue;
      }
      // An inner node becomes its terminal leaf (the smallest key under it) and its branches, in order.
      const uint8_t* p = n.frame + n.off;
      const NodeAt terminal = Child(data, n, U16(p + kInnerTerminal));
      if (terminal.off != 0) next.push_back(Subtree{PinnedNode{terminal, s.root.pin}, s.path});
      const int positions = Positions(p, type);
      for (int at = 0; at < positions; at++) {
        const NodeAt c = Child(data, n, ChildAt(data, p, n.off, type, at));
        if (c.off == 0) continue;
        const uint8_t byte = (type == kNode4 || type == kNode16) ? BranchKeys(p, type)[at] : static_cast<uint8_t>(at);
        next.push_back(Subtree{PinnedNode{c, s.root.pin}, s.path + static_cast<char>(byte)});
      }
      grew = true;
    }
    pieces = std::move(next);
    if (!grew) break;
  }
  return pieces;
}

LeafCursor::LeafCursor(DataFile& data, Subtree subtree, bool reverse)
    : data_(data), reverse_(reverse), root_(std::move(subtree)), pending_(root_.root.node), pending_pin_(root_.root.pin) {}

void LeafCursor::Push(const NodeAt& n, uint8_t type, int pos, FrameRef pin) {
  if (stack_.size() > kMaxKeyBytes + 64) throw Corrupt(data_.path(), n.off, "tree deeper than any key");
  stack_.push_back(Level{n.frame, n.frame_id, n.limit, n.off, type, pos, std::move(pin)});
}

uint16_t LeafCursor::NextChild(Level& l) {
  const uint8_t* p = l.frame + l.off;
  if (!reverse_) {
    if (l.pos == -1) {
      l.pos = 0;
      const uint16_t t = U16(p + kInnerTerminal);
      if (t != 0) return t;
    }
    const int n = Positions(p, l.type);
    while (l.pos < n) {
      const uint16_t r = ChildAt(data_, p, l.off, l.type, l.pos++);
      if (r != 0) return r;
    }
    return 0;
  }
  while (l.pos > 0) {
    const uint16_t r = ChildAt(data_, p, l.off, l.type, --l.pos);
    if (r != 0) return r;
  }
  if (l.pos == 0) {
    l.pos = -1;
    return U16(p + kInnerTerminal);
  }
  return 0;
}

bool LeafCursor::Next(LeafView* out) {
  for (;;) {
    // Descend from the pending node: through prefixes and crossings to a leaf or an inner node.
    while (pending_.off != 0) {
      NodeAt n = pending_;
      pending_ = NodeAt{};
      const uint8_t type = TypeOf(n);
      if (type != kNodeLeaf) CheckFits(data_, n, type);  // ReadLeaf checks a leaf
      const uint8_t* p = n.frame + n.off;
      switch (type) {
        case kNodeLeaf:
          ReadLeaf(data_, n, out);
          leaf_pin_ = std::move(pending_pin_);
          return true;
        case kNodePrefix:
          pending_ = Child(data_, n, U16(p + kPrefixChild));
          break;
        case kNodeCrossing: {
          PinnedNode c = Cross(data_, n);
          pending_ = c.node;
          pending_pin_ = std::move(c.pin);
          break;
        }
        case kNode4: case kNode16: case kNode48: case kNode256:
          Push(n, type, reverse_ ? Positions(p, type) : -1, std::move(pending_pin_));
          pending_pin_ = nullptr;
          break;
        case kNodeEmptyRoot:
          break;
        default:
          BadNode(data_, n);
      }
    }
    pending_pin_ = nullptr;
    if (stack_.empty()) return false;
    Level& top = stack_.back();
    const uint16_t ref = NextChild(top);
    if (ref == 0) {
      stack_.pop_back();
      continue;
    }
    pending_ = Child(data_, NodeAt{top.frame, top.frame_id, top.off, top.limit}, ref);
  }
}

void LeafCursor::Seek(const uint8_t* key, uint32_t len) {
  stack_.clear();
  pending_ = NodeAt{};
  pending_pin_ = nullptr;
  // Where the key stands against the root's path: below it, everything is after the key; above it, nothing.
  const std::string& path = root_.path;
  const uint32_t common = len < path.size() ? len : static_cast<uint32_t>(path.size());
  const int c = std::memcmp(key, path.data(), common);
  const auto take = [&](const NodeAt& n, FrameRef pin) { pending_ = n; pending_pin_ = std::move(pin); };
  if (c != 0 || len < path.size()) {
    const bool all_after = c <= 0;  // `key` sorts before the path (or is a proper prefix of it)
    if (all_after != reverse_) take(root_.root.node, root_.root.pin);
    return;
  }
  NodeAt n = root_.root.node;
  FrameRef pin = root_.root.pin;
  uint32_t depth = static_cast<uint32_t>(path.size());
  while (n.off != 0) {
    const uint8_t type = TypeOf(n);
    CheckFits(data_, n, type);
    const uint8_t* p = n.frame + n.off;
    switch (type) {
      case kNodeLeaf:
        take(n, std::move(pin));  // one leaf: the caller's filter decides
        return;
      case kNodePrefix: {
        const uint32_t plen = U16(p + kPrefixLen);
        for (uint32_t i = 0; i < plen; i++) {
          // The key ends inside the prefix (every key below is longer, so after it) or leaves it.
          const int order = depth + i == len ? 1 : static_cast<int>(p[kPrefixBytes + i]) - static_cast<int>(key[depth + i]);
          if (order == 0) continue;
          if ((order > 0) != reverse_) take(n, std::move(pin));
          return;
        }
        depth += plen;
        n = Child(data_, n, U16(p + kPrefixChild));
        break;
      }
      case kNodeCrossing: {
        PinnedNode x = Cross(data_, n);
        n = x.node;
        pin = std::move(x.pin);
        break;
      }
      case kNode4: case kNode16: case kNode48: case kNode256: {
        if (depth == len) {
          // Every key here is at or after `key` (the terminal is `key` itself).
          if (!reverse_) Push(n, type, -1, std::move(pin));
          return;
        }
        bool exact;
        const int at = BranchAtOrAbove(p, type, key[depth], &exact);
        const uint16_t child = exact && at < Positions(p, type) ? ChildAt(data_, p, n.off, type, at) : 0;
        // Forward, the branches after key[depth] come next; reverse, those before it, then the terminal.
        Push(n, type, reverse_ ? at : (exact ? at + 1 : at), std::move(pin));
        pin = nullptr;
        if (child == 0) return;
        n = Child(data_, n, child);
        depth++;
        break;
      }
      case kNodeEmptyRoot:
        return;
      default:
        BadNode(data_, n);
    }
  }
}

}  // namespace holtext
