// Blocking POSIX file operations with no Node-API in sight, so the sync
// methods and the libuv-pool workers share them. Each returns 0 or a positive
// errno value and retries EINTR itself.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "args.h"

namespace holt {

// A single transfer is capped below SSIZE_MAX (and below io_uring's 32-bit
// length); Linux moves at most ~2 GiB per call anyway and the loops pick up the rest.
constexpr size_t kMaxChunk = size_t{1} << 30;

struct OpenResult {
  int fd = -1;
  bool direct = false;  // O_DIRECT really active on fd
};

// Opens with O_CLOEXEC. When `direct` is asked for and the filesystem refuses
// O_DIRECT with EINVAL, opens again without it and reports direct=false.
int OpenFile(const std::string& path, bool direct, bool create, bool read_only, OpenResult* out);

// Reads until `length` bytes or end of file. On a direct descriptor a short
// read ends the loop, because the remainder would start unaligned.
int ReadFully(int fd, uint8_t* data, size_t length, int64_t offset, bool direct, size_t* done);

// Writes all `length` bytes.
int WriteFully(int fd, const uint8_t* data, size_t length, int64_t offset, size_t* done);

// Batched forms: runs of requests whose offsets are contiguous go out as one
// preadv/pwritev (at most kMaxIov buffers each). `counts` gets bytes per request.
int ReadMany(int fd, const std::vector<IoSpan>& spans, bool direct, std::vector<int64_t>* counts);
int WriteMany(int fd, const std::vector<IoSpan>& spans, int64_t* total);

int SyncData(int fd);
int SyncAll(int fd);
// posix_fallocate: the file grows to at least offset+length, blocks reserved.
int Allocate(int fd, int64_t offset, int64_t length);
int Truncate(int fd, int64_t length);
int FileSize(int fd, int64_t* size);
// Non-blocking flock; EWOULDBLOCK when held elsewhere.
int Lock(int fd, bool exclusive);
int Unlock(int fd);
int CloseFd(int fd);
// fsync of a directory, so creates and renames inside it are durable.
int SyncDirectory(const std::string& path);

}  // namespace holt
