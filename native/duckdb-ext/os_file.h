// Small POSIX helpers: whole-file reads, directory listing, the writer probe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace holtext {

// The file's bytes; false when it does not exist. Other failures throw IO_ERROR.
bool ReadWholeFile(const std::string& path, std::string* out);

// Names in `dir` (not . and ..); empty when it cannot be listed.
std::vector<std::string> ListDir(const std::string& dir);

// Whether a live writer holds DIR/LOCK, read from /proc/locks without touching
// the lock (src/db/writer-presence.ts): true when /proc/locks cannot be read.
bool WriterIsLive(const std::string& dir);

}  // namespace holtext
