{
  # catnet's native kernels (src-core/native). Each instruction-set file is its own static library
  # so that only it is compiled with that ISA's flags; dispatch.c picks one at load time after
  # checking CPU and OS support, so the addon still runs on a CPU without AVX2 or AVX-512.
  "target_defaults": {
    "defines": ["NAPI_VERSION=8"],
    "cflags_c": ["-std=gnu11", "-O3", "-fPIC", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
    "xcode_settings": {
      "OTHER_CFLAGS": ["-std=gnu11", "-O3", "-fno-math-errno"]
    }
  },
  "conditions": [
    ["target_arch == 'x64'", {
      "targets": [
        {
          "target_name": "catnet_avx2",
          "type": "static_library",
          "sources": ["src-core/native/kernels_avx2.c"],
          "cflags_c": ["-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CFLAGS": ["-mavx2", "-mfma"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11", "/experimental:c11atomics", "/arch:AVX2"] } }
        },
        {
          "target_name": "catnet_avx512",
          "type": "static_library",
          "sources": ["src-core/native/kernels_avx512.c"],
          "cflags_c": ["-mavx512f", "-mavx2", "-mfma"],
          "xcode_settings": { "OTHER_CFLAGS": ["-mavx512f", "-mavx2", "-mfma"] },
          "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11", "/experimental:c11atomics", "/arch:AVX512"] } }
        }
      ]
    }],
    ["catnet_jpeg == 1", {
      "targets": [
        {
          "target_name": "catnet_jpeg",
          "sources": ["src-core/native/jpeg/addon.c", "src-core/native/jpeg/jpeg64.c", "src-core/native/jpeg/budget.c"],
          "libraries": ["-ljpeg"]
        }
      ]
    }],
    ["target_arch == 'arm64'", {
      "targets": [
        {
          "target_name": "catnet_neon",
          "type": "static_library",
          "sources": ["src-core/native/kernels_neon.c"]
        }
      ]
    }]
  ],
  "variables": {
    # 1 when libjpeg(-turbo) headers and library are here (scripts/has-libjpeg.mjs): then the fast
    # JPEG path (src-core/native/jpeg) is built as its own addon, so a machine without libjpeg still
    # gets the kernels and decodes JPEGs with sharp.
    "catnet_jpeg%": "<!(node scripts/has-libjpeg.mjs)"
  },
  "targets": [
    {
      "target_name": "catnet_kernels",
      "sources": [
        "src-core/native/addon.c",
        "src-core/native/ops.c",
        "src-core/native/conv.c",
        "src-core/native/pool.c",
        "src-core/native/dispatch.c",
        "src-core/native/threads.c",
        "src-core/native/kernels_generic.c",
        "src-core/native/memory.c"
      ],
      "libraries": ["-lm", "-lpthread"],
      # MSVC: C11 with its atomics; the ISA flags stay on the two ISA libraries above. threads.c and
      # ops.c use pthreads (on Windows: a pthreads library such as mingw-w64's winpthreads).
      "msvs_settings": { "VCCLCompilerTool": { "AdditionalOptions": ["/std:c11", "/experimental:c11atomics"] } },
      # The thread pool outlives the worker thread that loaded the addon: Node dlclose()s the addon
      # when the last worker using it exits, which unmapped code the parked pool threads still run
      # (a later training run hung or crashed). NODELETE keeps the library resident.
      "ldflags": ["-Wl,-z,nodelete"],
      "conditions": [
        ["target_arch == 'x64'", { "dependencies": ["catnet_avx2", "catnet_avx512"] }],
        ["target_arch == 'arm64'", { "dependencies": ["catnet_neon"] }]
      ]
    }
  ]
}
