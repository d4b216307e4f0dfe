// The extension's failures. Each becomes one SQL error line, in the form the
// JS bridge uses (src/duckdb/errors.ts): "<function>: <message> (<CODE>)".
// Damage names the file and the byte offset, as HoltError CORRUPT does.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>

namespace holtext {

class HoltFailure : public std::runtime_error {
 public:
  HoltFailure(std::string code, const std::string& message) : std::runtime_error(message), code(std::move(code)) {}
  const std::string code;
};

inline HoltFailure Corrupt(const std::string& file, uint64_t offset, const std::string& what) {
  return HoltFailure("CORRUPT", file + ": " + what + " at byte " + std::to_string(offset));
}

inline HoltFailure InvalidArgument(const std::string& message) { return HoltFailure("INVALID_ARGUMENT", message); }

}  // namespace holtext
