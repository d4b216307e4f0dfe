#include "utf8.h"

#include <cstring>

namespace holtext {

namespace {

// Runs the WHATWG UTF-8 decoder over [p, p+n); `emit(cp)` gets each code
// point (0xFFFD for errors). Returns false when any error was met.
template <typename Emit>
bool Decode(const uint8_t* p, uint32_t n, Emit emit) {
  bool clean = true;
  uint32_t cp = 0, needed = 0, seen = 0;
  uint8_t lower = 0x80, upper = 0xBF;
  for (uint32_t i = 0; i < n;) {
    const uint8_t b = p[i];
    if (needed == 0) {
      i++;
      if (b <= 0x7F) { emit(b); continue; }
      if (b >= 0xC2 && b <= 0xDF) { needed = 1; cp = b & 0x1F; }
      else if (b >= 0xE0 && b <= 0xEF) {
        if (b == 0xE0) lower = 0xA0;
        if (b == 0xED) upper = 0x9F;
        needed = 2; cp = b & 0xF;
      } else if (b >= 0xF0 && b <= 0xF4) {
        if (b == 0xF0) lower = 0x90;
        if (b == 0xF4) upper = 0x8F;
        needed = 3; cp = b & 0x7;
      } else { emit(0xFFFD); clean = false; }
      continue;
    }
    if (b < lower || b > upper) {
      // The byte starts over: it is not consumed.
      cp = needed = seen = 0; lower = 0x80; upper = 0xBF;
      emit(0xFFFD); clean = false;
      continue;
    }
    i++;
    lower = 0x80; upper = 0xBF;
    cp = (cp << 6) | (b & 0x3F);
    if (++seen == needed) {
      emit(cp);
      cp = needed = seen = 0;
    }
  }
  if (needed != 0) { emit(0xFFFD); clean = false; }
  return clean;
}

}  // namespace

bool IsUtf8(const uint8_t* p, uint32_t n) {
  uint32_t i = 0;
  // ASCII, the common case, eight bytes at a time.
  for (uint64_t w; i + 8 <= n; i += 8) {
    std::memcpy(&w, p + i, 8);
    if ((w & 0x8080808080808080ULL) != 0) break;
  }
  while (i < n && p[i] < 0x80) i++;
  if (i == n) return true;
  return Decode(p + i, n - i, [](uint32_t) {});
}

std::string Utf8Replace(const uint8_t* p, uint32_t n) {
  std::string out;
  out.reserve(n + 8);
  Decode(p, n, [&](uint32_t cp) {
    if (cp < 0x80) out.push_back(static_cast<char>(cp));
    else if (cp < 0x800) { out.push_back(static_cast<char>(0xC0 | (cp >> 6))); out.push_back(static_cast<char>(0x80 | (cp & 0x3F))); }
    else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  });
  return out;
}

}  // namespace holtext
