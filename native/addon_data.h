// Per-environment state (one per main thread or worker thread that loads the
// addon), kept with Env::SetInstanceData instead of in globals.
#pragma once

#include <napi.h>

namespace holt {

struct AddonData {
  Napi::FunctionReference file_handle_constructor;
};

}  // namespace holt
