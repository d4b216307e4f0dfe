#include "tree_walk.h"

#include <cstring>

#include "errors.h"
#include "format.h"

namespace holtext {

namespace {

uint8_t TypeOf(const NodeAt& n) { return n.frame[n.off + kTypeOffset]; }

// A ref inside `n`'s frame as a node; refs that leave the checked data area are damage.
NodeAt Child(DataFile& data, const NodeAt& n, uint16_t ref) {
  NodeAt c{n.frame, n.frame_id, DecodeRef(ref), n.limit};
  if (ref != 0 && (c.off < kDataStart || c.off + 8 > n.limit)) {
    throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": child ref " + std::to_string(ref) + " outside the data area");
  }
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
}

NodeAt Cross(DataFile& data, const NodeAt& n) {
  return RootOf(data, U32(n.frame + n.off + kCrossingChildFrame), U16(n.frame + n.off + kCrossingRoot));
}

void ReadLeaf(DataFile& data, const NodeAt& n, LeafView* out) {
  const uint8_t* p = n.frame + n.off;
  out->key_len = U16(p + kLeafKeyLen);
  out->value_len = U32(p + kLeafValueLen);
  if (static_cast<uint64_t>(n.off) + kLeafHeader + out->key_len + out->value_len > n.limit) {
    throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": leaf runs past the frame");
  }
  out->version = F64(p + kLeafVersion);
  out->key = p + kLeafHeader;
  out->value = out->key + out->key_len;
}

// The child of inner node `n` for byte `b` (0 when none).
uint16_t ChildFor(DataFile& data, const NodeAt& n, uint8_t type, uint8_t b) {
  const uint8_t* p = n.frame + n.off;
  switch (type) {
    case kNode4:
    case kNode16: {
      const uint32_t keys = type == kNode4 ? kN4Keys : kN16Keys;
      const uint32_t children = type == kNode4 ? kN4Children : kN16Children;
      const uint32_t count = p[kInnerCount];
      if (count > (type == kNode4 ? 4u : 16u)) throw Corrupt(data.path(), n.off, "bad child count");
      for (uint32_t i = 0; i < count; i++) if (p[keys + i] == b) return U16(p + children + 2 * i);
      return 0;
    }
    case kNode48: {
      const uint8_t idx = p[kN48Index + b];
      if (idx == 0) return 0;
      if (idx > 48) throw Corrupt(data.path(), n.off, "bad Node48 index");
      return U16(p + kN48Children + 2 * (idx - 1));
    }
    default:
      return U16(p + kN256Children + 2 * b);
  }
}

[[noreturn]] void BadNode(DataFile& data, const NodeAt& n) {
  throw Corrupt(data.path(), n.off, "frame " + std::to_string(n.frame_id) + ": bad node type " + std::to_string(TypeOf(n)));
}

}  // namespace

NodeAt RootOf(DataFile& data, uint32_t frame_id, uint32_t index) {
  const DataFile::Image image = data.Frame(frame_id);
  const uint8_t* f = image.bytes;
  if (index >= kMaxRoots) throw Corrupt(data.path(), 0, "root index " + std::to_string(index) + " out of range");
  const uint16_t ref = index == 0 ? U16(f + kHRootRef) : U16(f + kHExtraRoots + 2 * (index - 1));
  NodeAt n{f, frame_id, 0, image.limit};
  return Child(data, n, ref);
}

bool Lookup(DataFile& data, NodeAt n, const uint8_t* key, uint32_t len, LeafView* out) {
  uint32_t depth = 0;
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
      case kNodeCrossing:
        n = Cross(data, n);
        break;
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

NodeAt SeekPrefix(DataFile& data, NodeAt n, const uint8_t* prefix, uint32_t len) {
  uint32_t depth = 0;
  while (n.off != 0 && depth < len) {
    const uint8_t type = TypeOf(n);
    CheckFits(data, n, type);
    const uint8_t* p = n.frame + n.off;
    switch (type) {
      case kNodeLeaf:
        return n;
      case kNodePrefix: {
        const uint32_t plen = U16(p + kPrefixLen);
        for (uint32_t i = 0; i < plen && depth + i < len; i++) {
          if (p[kPrefixBytes + i] != prefix[depth + i]) return NodeAt{};
        }
        depth += plen;
        if (depth >= len) return n;
        n = Child(data, n, U16(p + kPrefixChild));
        break;
      }
      case kNodeCrossing:
        n = Cross(data, n);
        break;
      case kNode4: case kNode16: case kNode48: case kNode256:
        n = Child(data, n, ChildFor(data, n, type, prefix[depth++]));
        break;
      case kNodeEmptyRoot:
        return NodeAt{};
      default:
        BadNode(data, n);
    }
  }
  return n;
}

LeafCursor::LeafCursor(DataFile& data, NodeAt subtree, bool reverse) : data_(data), reverse_(reverse), pending_(subtree) {}

uint16_t LeafCursor::NextChild(Level& l) {
  const uint8_t* p = l.frame + l.off;
  auto child_at = [&](int i) -> uint16_t {
    switch (l.type) {
      case kNode4: return U16(p + kN4Children + 2 * i);
      case kNode16: return U16(p + kN16Children + 2 * i);
      case kNode48: {
        const uint8_t idx = p[kN48Index + i];
        if (idx == 0) return 0;
        if (idx > 48) throw Corrupt(data_.path(), l.off, "bad Node48 index");
        return U16(p + kN48Children + 2 * (idx - 1));
      }
      default: return U16(p + kN256Children + 2 * i);
    }
  };
  if (!reverse_) {
    if (l.pos == -1) {
      l.pos = 0;
      const uint16_t t = U16(p + kInnerTerminal);
      if (t != 0) return t;
    }
    const int n = (l.type == kNode4 || l.type == kNode16) ? p[kInnerCount] : 256;
    while (l.pos < n) {
      const uint16_t r = child_at(l.pos++);
      if (r != 0) return r;
    }
    return 0;
  }
  while (l.pos > 0) {
    const uint16_t r = child_at(--l.pos);
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
          return true;
        case kNodePrefix:
          pending_ = Child(data_, n, U16(p + kPrefixChild));
          break;
        case kNodeCrossing:
          pending_ = Cross(data_, n);
          break;
        case kNode4: case kNode16: case kNode48: case kNode256: {
          const int count = p[kInnerCount];
          if ((type == kNode4 && count > 4) || (type == kNode16 && count > 16)) throw Corrupt(data_.path(), n.off, "bad child count");
          int start = -1;
          if (reverse_) start = (type == kNode4 || type == kNode16) ? count : 256;
          if (stack_.size() > kMaxKeyBytes + 64) throw Corrupt(data_.path(), n.off, "tree deeper than any key");
          stack_.push_back(Level{n.frame, n.frame_id, n.limit, n.off, type, start});
          break;
        }
        case kNodeEmptyRoot:
          break;
        default:
          BadNode(data_, n);
      }
    }
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

}  // namespace holtext
