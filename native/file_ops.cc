#include "file_ops.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace holt {

namespace {

#ifdef IOV_MAX
constexpr size_t kMaxIov = IOV_MAX < 1024 ? IOV_MAX : 1024;
#else
constexpr size_t kMaxIov = 1024;
#endif

int Retry(int result) { return result < 0 ? errno : 0; }

// One run of contiguous requests [first, last) through preadv/pwritev,
// advancing over partial transfers.
template <bool kWrite>
int VectorRun(int fd, const std::vector<IoSpan>& spans, size_t first, size_t last, bool direct,
              std::vector<int64_t>* counts, int64_t* total) {
  std::vector<iovec> iov;
  iov.reserve(last - first);
  for (size_t i = first; i < last; i++) iov.push_back(iovec{spans[i].data, spans[i].length});
  int64_t offset = spans[first].offset;
  size_t next = 0;  // first iovec not yet fully transferred
  int64_t moved = 0;
  while (next < iov.size()) {
    if (iov[next].iov_len == 0) {
      next++;
      continue;
    }
    int n_iov = static_cast<int>(std::min(iov.size() - next, kMaxIov));
    ssize_t n;
    do {
      n = kWrite ? ::pwritev(fd, &iov[next], n_iov, offset) : ::preadv(fd, &iov[next], n_iov, offset);
    } while (n < 0 && errno == EINTR);
    if (n < 0) return errno;
    if (n == 0) {
      if (kWrite) return EIO;  // a zero-byte write of a non-empty buffer: never loop forever
      break;                    // end of file
    }
    size_t requested = 0;
    for (int k = 0; k < n_iov; k++) requested += iov[next + k].iov_len;
    offset += n;
    moved += n;
    size_t left = static_cast<size_t>(n);
    while (left > 0 && next < iov.size()) {
      size_t step = std::min(left, iov[next].iov_len);
      iov[next].iov_base = static_cast<uint8_t*>(iov[next].iov_base) + step;
      iov[next].iov_len -= step;
      left -= step;
      if (iov[next].iov_len == 0) next++;
    }
    if (!kWrite && direct && static_cast<size_t>(n) < requested) break;
  }
  if (counts != nullptr) {
    int64_t left = moved;
    for (size_t i = first; i < last; i++) {
      int64_t got = std::min<int64_t>(left, static_cast<int64_t>(spans[i].length));
      (*counts)[i] = got;
      left -= got;
    }
  }
  if (total != nullptr) *total += moved;
  return 0;
}

template <bool kWrite>
int Batched(int fd, const std::vector<IoSpan>& spans, bool direct, std::vector<int64_t>* counts, int64_t* total) {
  size_t first = 0;
  while (first < spans.size()) {
    size_t last = first + 1;
    while (last < spans.size() && spans[last].offset == spans[last - 1].offset + static_cast<int64_t>(spans[last - 1].length)) {
      last++;
    }
    int err = VectorRun<kWrite>(fd, spans, first, last, direct, counts, total);
    if (err != 0) return err;
    first = last;
  }
  return 0;
}

}  // namespace

int OpenFile(const std::string& path, bool direct, bool create, bool read_only, OpenResult* out) {
  int flags = (read_only ? O_RDONLY : O_RDWR) | O_CLOEXEC | (create ? O_CREAT : 0);
  int fd = -1;
#ifdef O_DIRECT
  if (direct) {
    do {
      fd = ::open(path.c_str(), flags | O_DIRECT, 0644);
    } while (fd < 0 && errno == EINTR);
    if (fd >= 0) {
      out->fd = fd;
      out->direct = true;
      return 0;
    }
    // tmpfs before Linux 6.6, procfs, some FUSE mounts: no O_DIRECT. Buffered instead.
    if (errno != EINVAL) return errno;
  }
#else
  (void)direct;
#endif
  do {
    fd = ::open(path.c_str(), flags, 0644);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  out->fd = fd;
  out->direct = false;
  return 0;
}

int ReadFully(int fd, uint8_t* data, size_t length, int64_t offset, bool direct, size_t* done) {
  size_t got = 0;
  while (got < length) {
    size_t want = std::min(length - got, kMaxChunk);
    ssize_t n = ::pread(fd, data + got, want, offset + static_cast<int64_t>(got));
    if (n < 0) {
      if (errno == EINTR) continue;
      *done = got;
      return errno;
    }
    if (n == 0) break;
    got += static_cast<size_t>(n);
    if (direct && static_cast<size_t>(n) < want) break;
  }
  *done = got;
  return 0;
}

int WriteFully(int fd, const uint8_t* data, size_t length, int64_t offset, size_t* done) {
  size_t put = 0;
  while (put < length) {
    size_t want = std::min(length - put, kMaxChunk);
    ssize_t n = ::pwrite(fd, data + put, want, offset + static_cast<int64_t>(put));
    if (n < 0) {
      if (errno == EINTR) continue;
      *done = put;
      return errno;
    }
    if (n == 0) {
      *done = put;
      return EIO;
    }
    put += static_cast<size_t>(n);
  }
  *done = put;
  return 0;
}

int ReadMany(int fd, const std::vector<IoSpan>& spans, bool direct, std::vector<int64_t>* counts) {
  counts->assign(spans.size(), 0);
  return Batched<false>(fd, spans, direct, counts, nullptr);
}

int WriteMany(int fd, const std::vector<IoSpan>& spans, int64_t* total) {
  *total = 0;
  return Batched<true>(fd, spans, false, nullptr, total);
}

int SyncData(int fd) {
#if defined(__APPLE__)
  return Retry(::fsync(fd));
#else
  return Retry(::fdatasync(fd));
#endif
}

int SyncAll(int fd) { return Retry(::fsync(fd)); }

int Allocate(int fd, int64_t offset, int64_t length) {
#if defined(__APPLE__)
  struct stat st;
  if (::fstat(fd, &st) < 0) return errno;
  if (st.st_size >= offset + length) return 0;
  return Retry(::ftruncate(fd, offset + length));
#else
  int err;
  do {
    err = ::posix_fallocate(fd, offset, length);  // returns the error, does not set errno
  } while (err == EINTR);
  return err;
#endif
}

int Truncate(int fd, int64_t length) {
  int result;
  do {
    result = ::ftruncate(fd, length);
  } while (result < 0 && errno == EINTR);
  return Retry(result);
}

int FileSize(int fd, int64_t* size) {
  struct stat st;
  if (::fstat(fd, &st) < 0) return errno;
  *size = st.st_size;
  return 0;
}

int Lock(int fd, bool exclusive) {
  int result;
  do {
    result = ::flock(fd, (exclusive ? LOCK_EX : LOCK_SH) | LOCK_NB);
  } while (result < 0 && errno == EINTR);
  return Retry(result);
}

int Unlock(int fd) {
  int result;
  do {
    result = ::flock(fd, LOCK_UN);
  } while (result < 0 && errno == EINTR);
  return Retry(result);
}

int CloseFd(int fd) {
  // Linux releases the descriptor even when close reports EINTR; never retry.
  int result = ::close(fd);
  return result < 0 && errno != EINTR ? errno : 0;
}

int SyncDirectory(const std::string& path) {
  int flags = O_RDONLY | O_CLOEXEC;
#ifdef O_DIRECTORY
  flags |= O_DIRECTORY;
#endif
  int fd;
  do {
    fd = ::open(path.c_str(), flags);
  } while (fd < 0 && errno == EINTR);
  if (fd < 0) return errno;
  int err = SyncAll(fd);
  ::close(fd);
  return err;
}

}  // namespace holt
