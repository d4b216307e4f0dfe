// Per-environment state (one per main thread or worker thread that loads the
// addon), kept with Env::SetInstanceData instead of in globals.
#pragma once

#include <napi.h>

#include <string>

namespace holt {

class UringQueue;

struct AddonData {
  Napi::FunctionReference file_handle_constructor;
  // The io_uring backend, set up on first use (UringQueue::For). The queue
  // frees itself at environment teardown, so this does not own it.
  UringQueue* uring = nullptr;
  bool uring_tried = false;
  // Why there is no queue, once tried and failed.
  std::string uring_error;
};

}  // namespace holt
