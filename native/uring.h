// Ring: one io_uring instance driven by raw system calls (io_uring_setup,
// io_uring_enter, io_uring_register) and the three mmap'd regions the kernel
// shares with us. No Node-API and no libuv here: uring_queue.cc ties a Ring to
// the event loop. Single-threaded: only the JS thread touches a Ring.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

#include "uring_abi.h"

namespace holt {

class Ring {
 public:
  Ring() = default;
  ~Ring();
  Ring(const Ring&) = delete;
  Ring& operator=(const Ring&) = delete;

  // Sets up a ring of `entries` submission slots and checks that the kernel
  // supports every opcode the addon sends. Returns 0 or an errno value, with
  // the call that failed in `step` (io_uring_setup ENOSYS: no io_uring;
  // EPERM: disabled by sysctl or seccomp; io_uring_register EINVAL or
  // ENOTSUP: a kernel older than 5.6, without the probe or READ/WRITE).
  int Init(unsigned entries, const char** step);

  // Submission slots, so the caller never has more requests in the kernel
  // than the completion ring (twice as large) can hold.
  unsigned capacity() const { return sq_entries_; }

  // The next free submission slot, zeroed, or nullptr when all are taken.
  // It reaches the kernel at the next Submit().
  uring::Sqe* NextSqe();

  // Hands every slot filled since the last call to the kernel. Returns 0, or
  // an errno value; on error the slots the kernel did not take are still
  // queued, and Reclaim() takes them back.
  int Submit();

  // Withdraws queued slots the kernel has not consumed, appending their
  // user_data to `out`. Only valid after Submit() failed.
  void Reclaim(std::vector<uint64_t>* out);

  // Copies out and consumes the oldest completion; false when there is none.
  bool PopCqe(uring::Cqe* out);

  // Blocks until at least `count` completions are waiting (teardown only).
  int WaitFor(unsigned count);

  // The kernel signals `eventfd` each time it posts a completion.
  int RegisterEventfd(int eventfd);

 private:
  int Map(const uring::Params& p);
  int CheckOpcodes();

  int fd_ = -1;
  void* sq_map_ = nullptr;
  size_t sq_map_size_ = 0;
  void* cq_map_ = nullptr;  // == sq_map_ with IORING_FEAT_SINGLE_MMAP
  size_t cq_map_size_ = 0;
  uring::Sqe* sqes_ = nullptr;
  size_t sqes_size_ = 0;

  unsigned* sq_head_ = nullptr;  // advanced by the kernel
  unsigned* sq_tail_ = nullptr;  // advanced by us
  unsigned sq_mask_ = 0;
  unsigned sq_entries_ = 0;
  unsigned sq_local_tail_ = 0;  // slots handed out; published at Submit()

  unsigned* cq_head_ = nullptr;  // advanced by us
  unsigned* cq_tail_ = nullptr;  // advanced by the kernel
  unsigned cq_mask_ = 0;
  uring::Cqe* cqes_ = nullptr;
};

}  // namespace holt
