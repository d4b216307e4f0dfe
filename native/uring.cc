#include "uring.h"

#include <cerrno>

#if defined(__linux__)

#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <cstring>

namespace holt {

namespace {

// The ring indexes are shared with the kernel: our stores must be visible
// before the index that publishes them, and the kernel's before we read past
// its index. These are the barriers liburing's io_uring_smp_* macros use.
unsigned LoadAcquire(const unsigned* p) { return __atomic_load_n(p, __ATOMIC_ACQUIRE); }
void StoreRelease(unsigned* p, unsigned v) { __atomic_store_n(p, v, __ATOMIC_RELEASE); }

long Enter(int fd, unsigned to_submit, unsigned min_complete, unsigned flags) {
  return ::syscall(uring::kSysEnter, fd, to_submit, min_complete, flags, nullptr, _NSIG / 8);
}

void* MapRegion(int fd, size_t size, uint64_t offset) {
  void* p = ::mmap(nullptr, size, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, static_cast<off_t>(offset));
  return p == MAP_FAILED ? nullptr : p;
}

template <typename T>
T* At(void* base, uint32_t offset) {
  return reinterpret_cast<T*>(static_cast<uint8_t*>(base) + offset);
}

}  // namespace

Ring::~Ring() {
  if (sqes_ != nullptr) ::munmap(sqes_, sqes_size_);
  if (cq_map_ != nullptr && cq_map_ != sq_map_) ::munmap(cq_map_, cq_map_size_);
  if (sq_map_ != nullptr) ::munmap(sq_map_, sq_map_size_);
  // Closing the ring cancels anything still in it; the queue drains first.
  if (fd_ >= 0) ::close(fd_);
}

int Ring::Init(unsigned entries, const char** step) {
  uring::Params params;
  std::memset(&params, 0, sizeof params);
  *step = "io_uring_setup";
  long fd = ::syscall(uring::kSysSetup, entries, &params);
  if (fd < 0) return errno;
  fd_ = static_cast<int>(fd);  // the kernel sets O_CLOEXEC on it
  *step = "mmap";
  int err = Map(params);
  if (err != 0) return err;
  *step = "io_uring_register(PROBE)";
  return CheckOpcodes();
}

int Ring::Map(const uring::Params& p) {
  sq_map_size_ = p.sq_off.array + p.sq_entries * sizeof(unsigned);
  cq_map_size_ = p.cq_off.cqes + p.cq_entries * sizeof(uring::Cqe);
  // Since Linux 5.4 both rings live in one mapping.
  bool single = (p.features & uring::kFeatSingleMmap) != 0;
  if (single) sq_map_size_ = cq_map_size_ = sq_map_size_ > cq_map_size_ ? sq_map_size_ : cq_map_size_;
  sq_map_ = MapRegion(fd_, sq_map_size_, uring::kOffSqRing);
  if (sq_map_ == nullptr) return errno;
  cq_map_ = single ? sq_map_ : MapRegion(fd_, cq_map_size_, uring::kOffCqRing);
  if (cq_map_ == nullptr) return errno;
  sqes_size_ = p.sq_entries * sizeof(uring::Sqe);
  sqes_ = static_cast<uring::Sqe*>(MapRegion(fd_, sqes_size_, uring::kOffSqes));
  if (sqes_ == nullptr) return errno;

  sq_head_ = At<unsigned>(sq_map_, p.sq_off.head);
  sq_tail_ = At<unsigned>(sq_map_, p.sq_off.tail);
  sq_mask_ = *At<unsigned>(sq_map_, p.sq_off.ring_mask);
  sq_entries_ = p.sq_entries;
  sq_local_tail_ = *sq_tail_;
  // Slot i of the index array always names SQE i, so NextSqe never writes it.
  unsigned* array = At<unsigned>(sq_map_, p.sq_off.array);
  for (unsigned i = 0; i < sq_entries_; i++) array[i] = i;

  cq_head_ = At<unsigned>(cq_map_, p.cq_off.head);
  cq_tail_ = At<unsigned>(cq_map_, p.cq_off.tail);
  cq_mask_ = *At<unsigned>(cq_map_, p.cq_off.ring_mask);
  cqes_ = At<uring::Cqe>(cq_map_, p.cq_off.cqes);
  return 0;
}

int Ring::CheckOpcodes() {
  constexpr unsigned kOps = 256;
  std::vector<uint8_t> buf(sizeof(uring::ProbeHeader) + kOps * sizeof(uring::ProbeOp), 0);
  if (::syscall(uring::kSysRegister, fd_, uring::kRegisterProbe, buf.data(), kOps) < 0) return errno;
  const auto* header = reinterpret_cast<const uring::ProbeHeader*>(buf.data());
  const auto* ops = reinterpret_cast<const uring::ProbeOp*>(buf.data() + sizeof(uring::ProbeHeader));
  for (uint8_t op : {uring::kOpRead, uring::kOpWrite, uring::kOpFsync}) {
    if (op > header->last_op || (ops[op].flags & uring::kProbeOpSupported) == 0) return ENOTSUP;
  }
  return 0;
}

uring::Sqe* Ring::NextSqe() {
  if (sq_local_tail_ - LoadAcquire(sq_head_) >= sq_entries_) return nullptr;
  uring::Sqe* sqe = &sqes_[sq_local_tail_ & sq_mask_];
  sq_local_tail_++;
  std::memset(sqe, 0, sizeof *sqe);
  return sqe;
}

int Ring::Submit() {
  StoreRelease(sq_tail_, sq_local_tail_);
  for (;;) {
    unsigned pending = sq_local_tail_ - LoadAcquire(sq_head_);
    if (pending == 0) return 0;
    long taken = Enter(fd_, pending, 0, 0);
    if (taken < 0) {
      if (errno == EINTR) continue;
      return errno;
    }
    if (taken == 0) return EAGAIN;  // took nothing: never spin
  }
}

void Ring::Reclaim(std::vector<uint64_t>* out) {
  // Without SQPOLL the kernel reads the submission ring only inside
  // io_uring_enter, so slots past its head are still ours to take back.
  unsigned head = LoadAcquire(sq_head_);
  for (unsigned i = head; i != sq_local_tail_; i++) out->push_back(sqes_[i & sq_mask_].user_data);
  sq_local_tail_ = head;
  StoreRelease(sq_tail_, head);
}

bool Ring::PopCqe(uring::Cqe* out) {
  unsigned head = *cq_head_;  // only we write it
  if (head == LoadAcquire(cq_tail_)) return false;
  *out = cqes_[head & cq_mask_];
  StoreRelease(cq_head_, head + 1);
  return true;
}

int Ring::WaitFor(unsigned count) {
  for (;;) {
    unsigned ready = LoadAcquire(cq_tail_) - *cq_head_;
    if (ready >= count) return 0;
    if (Enter(fd_, 0, count, uring::kEnterGetEvents) < 0 && errno != EINTR) return errno;
  }
}

int Ring::RegisterEventfd(int eventfd) {
  return ::syscall(uring::kSysRegister, fd_, uring::kRegisterEventfd, &eventfd, 1) < 0 ? errno : 0;
}

}  // namespace holt

#else  // !__linux__

// io_uring is Linux-only: elsewhere Init fails, so the addon uses the thread
// pool and nothing calls the other members.
namespace holt {

Ring::~Ring() = default;
int Ring::Init(unsigned, const char** step) {
  *step = "io_uring_setup";
  return ENOSYS;
}
int Ring::Map(const uring::Params&) { return ENOSYS; }
int Ring::CheckOpcodes() { return ENOSYS; }
uring::Sqe* Ring::NextSqe() { return nullptr; }
int Ring::Submit() { return ENOSYS; }
void Ring::Reclaim(std::vector<uint64_t>*) {}
bool Ring::PopCqe(uring::Cqe*) { return false; }
int Ring::WaitFor(unsigned) { return ENOSYS; }
int Ring::RegisterEventfd(int) { return ENOSYS; }

}  // namespace holt

#endif  // __linux__
