// Argument checks for every exported function. The addon trusts nothing from
// JS: each helper throws ERR_INVALID_ARG (a JS exception, never an abort) for
// a wrong type, a negative or fractional number, or a length past the buffer.
#pragma once

#include <napi.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace holt {

// Alignment O_DIRECT needs for buffer address, length and file offset.
constexpr size_t kAlignment = 4096;

// Largest value a JS number holds exactly: 2^53 - 1.
constexpr int64_t kMaxSafeInteger = 9007199254740991LL;

// A byte offset or count: a non-negative safe integer.
int64_t ToOffset(const Napi::Value& value, const char* what);

// A Uint8Array (Buffer included). Anything else throws.
Napi::Uint8Array ToUint8Array(const Napi::Value& value, const char* what);

// `length` argument: undefined means the whole buffer; may not exceed it.
size_t ToLength(const Napi::Value& value, const Napi::Uint8Array& buf);

bool ToBool(const Napi::Value& value, const char* what);

// A non-empty string without NUL bytes.
std::string ToPath(const Napi::Value& value);

// One element of a batched read or write, as raw memory.
struct IoSpan {
  uint8_t* data;
  size_t length;
  int64_t offset;
};

// Parses `[{ buf, offset }, ...]`. Property getters (which can run arbitrary
// JS) all run before any memory pointer is taken, so no pointer can go stale
// while parsing. `keep` receives each buffer so async callers can pin them.
std::vector<IoSpan> ToRequests(const Napi::Value& value, std::vector<Napi::Value>* keep);

// Parses submit()'s `[{ op: 'read' | 'write', buf, offset }, ...]` the same
// way; `writes` receives each request's direction.
std::vector<IoSpan> ToSubmissions(const Napi::Value& value, std::vector<Napi::Value>* keep, std::vector<bool>* writes);

// Throws ERR_INVALID_ARG unless address, length and offset are all multiples
// of kAlignment, the rule O_DIRECT enforces with EINVAL.
void CheckDirectAlignment(Napi::Env env, const IoSpan& span);

}  // namespace holt
