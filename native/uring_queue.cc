#include "uring_queue.h"

#if defined(__linux__)
#include <sys/eventfd.h>
#endif
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <unordered_set>
#include <vector>

#include "addon_data.h"
#include "batch.h"
#include "errors.h"
#include "uring_op.h"

namespace holt {

namespace {

// Submission slots per ring. Deeper queues than this gain nothing on one
// device, and the rings stay small (about 28 KiB) for kernels that still
// charge them to RLIMIT_MEMLOCK (before 5.12).
constexpr unsigned kEntries = 256;

std::string Reason(const char* step, int err) {
  return std::string(step) + ": " + ErrnoName(err) + " (" + std::strerror(err) + ")";
}

}  // namespace

UringQueue* UringQueue::For(Napi::Env env, std::string* why) {
  AddonData* data = env.GetInstanceData<AddonData>();
  if (!data->uring_tried) {
    data->uring_tried = true;
    UringQueue* queue = new UringQueue(env);
    data->uring_error = queue->Init();
    if (data->uring_error.empty()) {
      data->uring = queue;
    } else {
      queue->Discard();
    }
  }
  if (data->uring == nullptr && why != nullptr) *why = data->uring_error;
  return data->uring;
}

std::string UringQueue::Init() {
  const char* step = "";
  int err = ring_.Init(kEntries, &step);
  // ENOSYS: no io_uring in this kernel; EPERM: kernel.io_uring_disabled or a
  // seccomp filter (Docker's default profile); EINVAL/ENOTSUP: older than 5.6.
  if (err != 0) return Reason(step, err);
#if defined(__linux__)
  eventfd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
#endif
  if (eventfd_ < 0) return Reason("eventfd", errno);
  err = ring_.RegisterEventfd(eventfd_);
  if (err != 0) return Reason("io_uring_register(EVENTFD)", err);
  napi_value name;
  if (napi_create_string_latin1(env_, "holt_io:io_uring", NAPI_AUTO_LENGTH, &name) != napi_ok ||
      napi_async_init(env_, nullptr, name, &async_context_) != napi_ok) {
    return "napi_async_init failed";
  }
  uv_loop_t* loop = nullptr;
  if (napi_get_uv_event_loop(env_, &loop) != napi_ok || loop == nullptr) return "napi_get_uv_event_loop failed";
  err = uv_poll_init(loop, &poll_, eventfd_);
  if (err != 0) return Reason("uv_poll_init", -err);
  poll_.data = this;
  polling_ = true;  // from here the handle must be closed with uv_close
  uv_unref(reinterpret_cast<uv_handle_t*>(&poll_));
  err = uv_poll_start(&poll_, UV_READABLE, OnEventfd);
  if (err != 0) return Reason("uv_poll_start", -err);
  if (napi_add_async_cleanup_hook(env_, OnTeardown, this, &teardown_) != napi_ok) return "napi_add_async_cleanup_hook failed";
  return "";
}

void UringQueue::Discard() {
  if (polling_) {
    uv_close(reinterpret_cast<uv_handle_t*>(&poll_), OnClosed);  // libuv still lists the handle
  } else {
    delete this;
  }
}

UringQueue::~UringQueue() {
  if (async_context_ != nullptr) napi_async_destroy(env_, async_context_);
  if (eventfd_ >= 0) ::close(eventfd_);
  // ring_ unmaps and closes itself.
}

void UringQueue::Add(IoOp* op) { waiting_.push_back(op); }

void UringQueue::Flush() {
  // Inside OnEventfd, ops that promise reactions start are sent together at its end.
  if (reaping_) return;
  unsigned filled = 0;
  while (!waiting_.empty() && in_kernel_ + filled < ring_.capacity()) {
    uring::Sqe* sqe = ring_.NextSqe();
    if (sqe == nullptr) break;
    PrepareSqe(waiting_.front(), sqe);
    waiting_.pop_front();
    filled++;
  }
  if (filled > 0) {
    int err = ring_.Submit();
    if (err == 0) {
      in_kernel_ += filled;
    } else {
      std::vector<uint64_t> refused;
      ring_.Reclaim(&refused);
      in_kernel_ += filled - static_cast<unsigned>(refused.size());
      for (uint64_t user_data : refused) {
        IoOp* op = reinterpret_cast<IoOp*>(static_cast<uintptr_t>(user_data));
        // Out of kernel memory for now: retry when a completion comes back, if one will.
        if ((err == EAGAIN || err == EBUSY) && in_kernel_ > 0) {
          waiting_.push_front(op);
          continue;
        }
        op->err = err;
        op->failed_call = "io_uring_enter";
        op->batch->Finish(op->index);
      }
    }
  }
  UpdateRef();
}

void UringQueue::Reap() {
  uring::Cqe cqe;
  while (ring_.PopCqe(&cqe)) {
    in_kernel_--;
    IoOp* op = reinterpret_cast<IoOp*>(static_cast<uintptr_t>(cqe.user_data));
    if (AdvanceOp(op, cqe.res)) {
      op->batch->Finish(op->index);
    } else {
      waiting_.push_front(op);  // the rest of a short transfer goes out first
    }
  }
}

void UringQueue::UpdateRef() {
  uv_handle_t* handle = reinterpret_cast<uv_handle_t*>(&poll_);
  if (in_kernel_ > 0 || !waiting_.empty()) {
    uv_ref(handle);
  } else {
    uv_unref(handle);
  }
}

void UringQueue::OnEventfd(uv_poll_t* poll, int status, int events) {
  UringQueue* queue = static_cast<UringQueue*>(poll->data);
  // Reset the counter before reaping: a completion posted after this read
  // signals again, so none is left behind until the next one.
  uint64_t count;
  while (::read(queue->eventfd_, &count, sizeof count) < 0 && errno == EINTR) {
  }
  Napi::Env env = queue->env_;
  try {
    {
      Napi::HandleScope scope(env);
      // Settling promises outside a JS call: the callback scope runs their
      // reactions (microtasks) when it closes, as Node does after its own I/O.
      Napi::CallbackScope callback(env, queue->async_context_);
      queue->reaping_ = true;
      queue->Reap();
    }  // reactions run here; the reads and writes they start only queue up
    queue->reaping_ = false;
    if (!queue->waiting_.empty()) {
      // One io_uring_enter for all of them. A submission that fails settles
      // promises, so this needs a callback scope of its own.
      Napi::HandleScope scope(env);
      Napi::CallbackScope callback(env, queue->async_context_);
      queue->Flush();
    } else {
      queue->UpdateRef();
    }
  } catch (const Napi::Error&) {
    // Only reached while the environment stops; the teardown hook drains the ring.
    queue->reaping_ = false;
  }
}

void UringQueue::OnTeardown(napi_async_cleanup_hook_handle handle, void* arg) {
  UringQueue* queue = static_cast<UringQueue*>(arg);
  // The kernel may still be writing into buffers a batch pins: wait for every
  // op to come out before anything is freed. JS can no longer run, so the
  // batches are dropped with their promises unsettled.
  std::unordered_set<Batch*> batches;
  for (IoOp* op : queue->waiting_) batches.insert(op->batch);
  queue->waiting_.clear();
  while (queue->in_kernel_ > 0) {
    if (queue->ring_.WaitFor(1) != 0) break;
    uring::Cqe cqe;
    while (queue->ring_.PopCqe(&cqe)) {
      queue->in_kernel_--;
      batches.insert(reinterpret_cast<IoOp*>(static_cast<uintptr_t>(cqe.user_data))->batch);
    }
  }
  for (Batch* batch : batches) batch->Abandon();
  if (queue->async_context_ != nullptr) {
    napi_async_destroy(queue->env_, queue->async_context_);
    queue->async_context_ = nullptr;
  }
  uv_poll_stop(&queue->poll_);
  uv_close(reinterpret_cast<uv_handle_t*>(&queue->poll_), OnClosed);
}

void UringQueue::OnClosed(uv_handle_t* handle) {
  UringQueue* queue = static_cast<UringQueue*>(handle->data);
  // Removing the hook tells Node this part of teardown is finished.
  if (queue->teardown_ != nullptr) napi_remove_async_cleanup_hook(queue->teardown_);
  delete queue;
}

}  // namespace holt
