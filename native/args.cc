#include "args.h"

#include <cmath>
#include <cstring>

#include "errors.h"

namespace holt {

namespace {

std::string Describe(const Napi::Value& value) {
  switch (value.Type()) {
    case napi_undefined: return "undefined";
    case napi_null: return "null";
    case napi_boolean: return "a boolean";
    case napi_number: return "the number " + std::to_string(value.As<Napi::Number>().DoubleValue());
    case napi_string: return "a string";
    case napi_symbol: return "a symbol";
    case napi_function: return "a function";
    case napi_bigint: return "a bigint";
    case napi_external: return "an external";
    default: return value.IsTypedArray() ? "a typed array of another element type" : "an object";
  }
}

}  // namespace

int64_t ToOffset(const Napi::Value& value, const char* what) {
  if (!value.IsNumber()) {
    throw ArgError(value.Env(), std::string(what) + " must be a non-negative safe integer, got " + Describe(value));
  }
  double d = value.As<Napi::Number>().DoubleValue();
  if (!std::isfinite(d) || d < 0 || d > static_cast<double>(kMaxSafeInteger) || std::floor(d) != d) {
    throw ArgError(value.Env(), std::string(what) + " must be a non-negative safe integer, got " + Describe(value));
  }
  return static_cast<int64_t>(d);
}

Napi::Uint8Array ToUint8Array(const Napi::Value& value, const char* what) {
  if (!value.IsTypedArray() || value.As<Napi::TypedArray>().TypedArrayType() != napi_uint8_array) {
    throw ArgError(value.Env(), std::string(what) + " must be a Uint8Array, got " + Describe(value));
  }
  return value.As<Napi::Uint8Array>();
}

size_t ToLength(const Napi::Value& value, const Napi::Uint8Array& buf) {
  size_t available = buf.ByteLength();
  if (value.IsUndefined()) return available;
  int64_t length = ToOffset(value, "length");
  if (static_cast<uint64_t>(length) > available) {
    throw ArgError(value.Env(), "length " + std::to_string(length) + " exceeds buffer length " + std::to_string(available));
  }
  return static_cast<size_t>(length);
}

bool ToBool(const Napi::Value& value, const char* what) {
  if (!value.IsBoolean()) throw ArgError(value.Env(), std::string(what) + " must be a boolean, got " + Describe(value));
  return value.As<Napi::Boolean>().Value();
}

std::string ToPath(const Napi::Value& value) {
  if (!value.IsString()) throw ArgError(value.Env(), "path must be a string, got " + Describe(value));
  std::string path = value.As<Napi::String>().Utf8Value();
  if (path.empty() || std::memchr(path.data(), '\0', path.size()) != nullptr) {
    throw ArgError(value.Env(), "path must be non-empty and contain no NUL byte");
  }
  return path;
}

namespace {

// One parser for both request shapes: `writes` null means `{ buf, offset }`.
std::vector<IoSpan> ParseRequests(const Napi::Value& value, std::vector<Napi::Value>* keep, std::vector<bool>* writes) {
  Napi::Env env = value.Env();
  if (!value.IsArray()) throw ArgError(env, "requests must be an array, got " + Describe(value));
  Napi::Array array = value.As<Napi::Array>();
  uint32_t count = array.Length();

  // Pass 1 runs every getter; pass 2 takes pointers once no JS can run.
  std::vector<Napi::Uint8Array> bufs;
  std::vector<int64_t> offsets;
  bufs.reserve(count);
  offsets.reserve(count);
  if (writes != nullptr) writes->reserve(count);
  for (uint32_t i = 0; i < count; i++) {
    Napi::Value item = array.Get(i);
    std::string where = "requests[" + std::to_string(i) + "]";
    if (!item.IsObject()) {
      throw ArgError(env, where + (writes != nullptr ? " must be { op, buf, offset }" : " must be { buf, offset }") +
                              ", got " + Describe(item));
    }
    Napi::Object request = item.As<Napi::Object>();
    if (writes != nullptr) {
      Napi::Value op = request.Get("op");
      std::string name = op.IsString() ? op.As<Napi::String>().Utf8Value() : "";
      if (name != "read" && name != "write") {
        throw ArgError(env, where + ".op must be 'read' or 'write', got " + Describe(op));
      }
      writes->push_back(name == "write");
    }
    Napi::Value buf = request.Get("buf");
    Napi::Value offset = request.Get("offset");
    bufs.push_back(ToUint8Array(buf, (where + ".buf").c_str()));
    offsets.push_back(ToOffset(offset, (where + ".offset").c_str()));
  }

  std::vector<IoSpan> spans;
  spans.reserve(count);
  for (uint32_t i = 0; i < count; i++) {
    spans.push_back(IoSpan{bufs[i].Data(), bufs[i].ByteLength(), offsets[i]});
    if (keep != nullptr) keep->push_back(bufs[i]);
  }
  return spans;
}

}  // namespace

std::vector<IoSpan> ToRequests(const Napi::Value& value, std::vector<Napi::Value>* keep) {
  return ParseRequests(value, keep, nullptr);
}

std::vector<IoSpan> ToSubmissions(const Napi::Value& value, std::vector<Napi::Value>* keep, std::vector<bool>* writes) {
  return ParseRequests(value, keep, writes);
}

void CheckDirectAlignment(Napi::Env env, const IoSpan& span) {
  uintptr_t address = reinterpret_cast<uintptr_t>(span.data);
  if (address % kAlignment != 0 || span.length % kAlignment != 0 || span.offset % static_cast<int64_t>(kAlignment) != 0) {
    throw ArgError(env, "O_DIRECT handle needs buffer address, length and offset aligned to 4096 (offset " +
                            std::to_string(span.offset) + ", length " + std::to_string(span.length) + ")");
  }
}

}  // namespace holt
