{
  "targets": [
    {
      "target_name": "holt_io",
      "sources": [
        "native/addon.cc",
        "native/aligned_buffer.cc",
        "native/args.cc",
        "native/async_ops.cc",
        "native/batch.cc",
        "native/crc32c.cc",
        "native/errors.cc",
        "native/file_handle.cc",
        "native/file_handle_async.cc",
        "native/file_ops.cc",
        "native/pool_runner.cc",
        "native/uring.cc",
        "native/uring_op.cc",
        "native/uring_queue.cc"
      ],
      "dependencies": [
        "<!(node -p \"require('node-addon-api').targets\"):node_addon_api_except"
      ],
      "actions": [
        {
          "action_name": "build_stamp",
          "inputs": ["native/build-stamp.mjs", "<!@(node native/build-stamp.mjs --list)"],
          "outputs": ["<(SHARED_INTERMEDIATE_DIR)/holt_build_stamp.h"],
          "action": ["node", "native/build-stamp.mjs", "<@(_outputs)"]
        }
      ],
      "include_dirs": ["<(SHARED_INTERMEDIATE_DIR)"],
      "defines": [
        "NAPI_VERSION=8",
        "NODE_API_SWALLOW_UNTHROWABLE_EXCEPTIONS",
        "_FILE_OFFSET_BITS=64"
      ],
      "cflags_cc": ["-std=gnu++17", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "conditions": [
        ["OS=='mac'", {
          "xcode_settings": {
            "CLANG_CXX_LANGUAGE_STANDARD": "c++17",
            "MACOSX_DEPLOYMENT_TARGET": "10.15"
          }
        }]
      ]
    }
  ]
}
