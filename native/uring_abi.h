// The slice of the kernel's io_uring interface the addon uses, declared here
// rather than taken from <linux/io_uring.h>: a from-source build then needs no
// particular kernel-headers version, and nothing links against liburing. The
// layouts are the stable kernel ABI (Linux 5.1+); the static_asserts pin them.
// libuv declares its own copies the same way.
#pragma once

#include <cstdint>

namespace holt {
namespace uring {

// Submission queue entry: 64 bytes. Only the fields file I/O needs are named;
// the rest stay zero.
struct Sqe {
  uint8_t opcode;
  uint8_t flags;
  uint16_t ioprio;
  int32_t fd;
  uint64_t off;
  uint64_t addr;
  uint32_t len;
  uint32_t op_flags;  // rw_flags / fsync_flags
  uint64_t user_data;
  uint16_t buf_index;
  uint16_t personality;
  int32_t splice_fd_in;
  uint64_t addr3;
  uint64_t pad2;
};
static_assert(sizeof(Sqe) == 64, "io_uring_sqe is 64 bytes");

// Completion queue entry: 16 bytes (rings set up without IORING_SETUP_CQE32).
struct Cqe {
  uint64_t user_data;
  int32_t res;  // bytes moved, or -errno
  uint32_t flags;
};
static_assert(sizeof(Cqe) == 16, "io_uring_cqe is 16 bytes");

struct SqRingOffsets {
  uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
  uint64_t user_addr;
};

struct CqRingOffsets {
  uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
  uint64_t user_addr;
};

struct Params {
  uint32_t sq_entries, cq_entries, flags, sq_thread_cpu, sq_thread_idle, features, wq_fd, resv[3];
  SqRingOffsets sq_off;
  CqRingOffsets cq_off;
};
static_assert(sizeof(Params) == 120, "io_uring_params is 120 bytes");

struct ProbeOp {
  uint8_t op;
  uint8_t resv;
  uint16_t flags;
  uint32_t resv2;
};

struct ProbeHeader {
  uint8_t last_op;
  uint8_t ops_len;
  uint16_t resv;
  uint32_t resv2[3];
};
static_assert(sizeof(ProbeHeader) == 16 && sizeof(ProbeOp) == 8, "io_uring_probe layout");

// System call numbers: one table for every architecture since Linux 5.1
// (alpha aside), so the fallbacks hold where libc's headers predate io_uring.
#ifdef __NR_io_uring_setup
constexpr long kSysSetup = __NR_io_uring_setup;
constexpr long kSysEnter = __NR_io_uring_enter;
constexpr long kSysRegister = __NR_io_uring_register;
#else
constexpr long kSysSetup = 425;
constexpr long kSysEnter = 426;
constexpr long kSysRegister = 427;
#endif

// mmap offsets of the three shared regions.
constexpr uint64_t kOffSqRing = 0;
constexpr uint64_t kOffCqRing = 0x8000000ULL;
constexpr uint64_t kOffSqes = 0x10000000ULL;

constexpr uint32_t kFeatSingleMmap = 1U << 0;
constexpr uint32_t kEnterGetEvents = 1U << 0;

// Opcodes. READ/WRITE (plain buffers, no iovec) arrived in Linux 5.6.
constexpr uint8_t kOpFsync = 3;
constexpr uint8_t kOpRead = 22;
constexpr uint8_t kOpWrite = 23;
constexpr uint32_t kFsyncDatasync = 1U << 0;

// io_uring_register opcodes.
constexpr unsigned kRegisterEventfd = 4;
constexpr unsigned kRegisterProbe = 8;
constexpr uint16_t kProbeOpSupported = 1U << 0;

}  // namespace uring
}  // namespace holt
