// UringQueue: the io_uring backend. One per Node environment (the main thread
// and each worker), created on first use. Ops are written into the ring and
// submitted with one io_uring_enter per batch; the kernel signals an eventfd
// registered with the ring at each completion, and a uv_poll_t watching that
// eventfd runs Reap on the JS thread, which settles promises directly. So no
// thread waits per request: the event loop's own epoll wait is the only one.
//
// At most capacity() ops are in the kernel at once (the completion ring holds
// twice that, so it never overflows); the rest wait in a FIFO and go out as
// completions free slots.
#pragma once

#include <napi.h>
#include <uv.h>

#include <deque>
#include <string>

#include "io_op.h"
#include "uring.h"

namespace holt {

class UringQueue {
 public:
  // The environment's queue, created on the first call; nullptr when io_uring
  // cannot be used here, with the reason in `why` (the same on every call).
  static UringQueue* For(Napi::Env env, std::string* why);

  // Queues `op`; it reaches the kernel at the next Flush.
  void Add(IoOp* op);
  // Moves queued ops into free ring slots and submits them.
  void Flush();

 private:
  explicit UringQueue(Napi::Env env) : env_(env) {}
  ~UringQueue();
  // Ring, eventfd, poll handle, teardown hook; returns the reason on failure.
  std::string Init();
  // Frees a queue whose Init failed, through uv_close once libuv knows its handle.
  void Discard();
  void Reap();
  // The poll handle keeps the process alive only while ops are outstanding.
  void UpdateRef();

  static void OnEventfd(uv_poll_t* poll, int status, int events);
  static void OnTeardown(napi_async_cleanup_hook_handle handle, void* arg);
  static void OnClosed(uv_handle_t* handle);

  Napi::Env env_;
  Ring ring_;
  int eventfd_ = -1;
  uv_poll_t poll_;
  bool polling_ = false;
  napi_async_context async_context_ = nullptr;
  napi_async_cleanup_hook_handle teardown_ = nullptr;
  std::deque<IoOp*> waiting_;
  unsigned in_kernel_ = 0;
  // True while OnEventfd settles promises: Flush waits for the end of it.
  bool reaping_ = false;
};

}  // namespace holt
