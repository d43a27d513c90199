# The native media path (issue 16): the Node-API addon (src/) and, as static libraries built
# from source beside it, every library it needs, so no system library or -dev package is used:
#   - libsrtp2 2.5.0 with its own AES-ICM and HMAC-SHA1 (deps/libsrtp2, deps/config/libsrtp2),
#   - libopus 1.3.1, float, plain C (deps/opus),
#   - speexdsp 1.2.1's resampler, echo canceller and preprocessor: the files the AEC addon
#     vendors (../speexdsp-aec/deps/speexdsp, with its config), compiled again here,
#   - G.722: ours (src/g722.c, the port of the TypeScript codec),
#   - PortAudio: the build naudiodon ships (naudiodon/portaudio/bin), copied beside the addon
#     and found there at run time ($ORIGIN), the same soname naudiodon loads, so one instance.
# The source lists of the two upstream libraries are in deps/sources.gypi (deps/vendor.mjs).
# The addon's threads, sockets and timers are POSIX and Linux (clock_nanosleep, SO_TIMESTAMPNS):
# on macOS and Windows nothing is built yet and the loader says so (the app keeps the
# TypeScript media path there).
{
  "includes": ["deps/sources.gypi"],
  "variables": {
    "naudiodon%": "<!(node -p \"require('path').dirname(require.resolve('naudiodon/package.json'))\")",
    "speexdsp%": "../speexdsp-aec/deps/speexdsp"
  },
  "target_defaults": {
    "conditions": [
      ["OS=='linux'", {
        "cflags": ["-O2", "-fPIC", "-fvisibility=hidden"],
        "cflags_c": ["-std=gnu11"]
      }]
    ]
  },
  "targets": [
    {
      "target_name": "media_path",
      "conditions": [
        ["OS=='linux'", {
          "type": "loadable_module",
          "dependencies": ["srtp2", "opus", "speexdsp"],
          "sources": ["src/media_path.c", "src/rtcp.c", "src/g722.c"],
          "include_dirs": [
            "deps/libsrtp2/include",
            "deps/opus/include",
            "<(speexdsp)/include",
            "../speexdsp-aec/src/config",
            "<(naudiodon)/portaudio/include"
          ],
          "defines": ["NAPI_VERSION=8"],
          "cflags_c": ["-Wall", "-Wextra", "-Werror"],
          "libraries": [
            "<(naudiodon)/portaudio/bin/libportaudio.so.2",
            "-Wl,-rpath,'$$ORIGIN'",
            "-Wl,--exclude-libs,ALL",
            "-lpthread",
            "-lm"
          ],
          "copies": [{
            "destination": "<(PRODUCT_DIR)",
            "files": ["<(naudiodon)/portaudio/bin/libportaudio.so.2"]
          }]
        }, {
          "type": "none"
        }]
      ]
    },
    {
      "target_name": "srtp2",
      "type": "static_library",
      "conditions": [["OS!='linux'", {"type": "none"}]],
      "sources": ["<@(srtp_sources)"],
      "include_dirs": ["deps/config/libsrtp2", "deps/libsrtp2/include", "deps/libsrtp2/crypto/include"],
      "defines": ["HAVE_CONFIG_H"],
      "cflags_c": ["-w"]
    },
    {
      "target_name": "opus",
      "type": "static_library",
      "conditions": [["OS!='linux'", {"type": "none"}]],
      "sources": ["<@(opus_sources)"],
      "include_dirs": ["deps/opus", "deps/opus/include", "deps/opus/celt", "deps/opus/silk", "deps/opus/silk/float", "deps/opus/src"],
      "defines": ["OPUS_BUILD", "USE_ALLOCA", "HAVE_LRINT", "HAVE_LRINTF"],
      "cflags_c": ["-w"]
    },
    {
      "target_name": "speexdsp",
      "type": "static_library",
      "conditions": [["OS!='linux'", {"type": "none"}]],
      "sources": [
        "<(speexdsp)/libspeexdsp/resample.c",
        "<(speexdsp)/libspeexdsp/mdf.c",
        "<(speexdsp)/libspeexdsp/preprocess.c",
        "<(speexdsp)/libspeexdsp/filterbank.c",
        "<(speexdsp)/libspeexdsp/fftwrap.c",
        "<(speexdsp)/libspeexdsp/kiss_fft.c",
        "<(speexdsp)/libspeexdsp/kiss_fftr.c"
      ],
      "include_dirs": ["../speexdsp-aec/src/config", "<(speexdsp)/include", "<(speexdsp)/libspeexdsp"],
      "defines": ["HAVE_CONFIG_H"],
      "cflags_c": ["-w"]
    }
  ]
}
