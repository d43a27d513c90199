# Builds speexdsp's echo canceller and preprocessor (vendored in deps/speexdsp, upstream 1.2.1)
# together with the Node-API binding into one self-contained addon: no system library needed,
# the same sources and defines on Linux (gcc/clang), macOS (clang) and Windows (MSVC).
# The defines live in src/config/config.h (why each is there is written there).
{
  "targets": [
    {
      "target_name": "speexdsp_aec",
      "sources": [
        "src/speexdsp_aec.c",
        "deps/speexdsp/libspeexdsp/mdf.c",
        "deps/speexdsp/libspeexdsp/preprocess.c",
        "deps/speexdsp/libspeexdsp/filterbank.c",
        "deps/speexdsp/libspeexdsp/fftwrap.c",
        "deps/speexdsp/libspeexdsp/kiss_fft.c",
        "deps/speexdsp/libspeexdsp/kiss_fftr.c"
      ],
      "include_dirs": [
        "src/config",
        "deps/speexdsp/include",
        "deps/speexdsp/libspeexdsp"
      ],
      "defines": [
        "HAVE_CONFIG_H",
        "NAPI_VERSION=8"
      ],
      "conditions": [
        ["OS=='linux'", {
          "cflags_c": ["-std=gnu99", "-O2", "-fvisibility=hidden", "-Wno-unused-function", "-Wno-unused-variable", "-Wno-unused-but-set-variable"],
          "libraries": ["-lm"]
        }],
        ["OS=='mac'", {
          "xcode_settings": {
            "GCC_C_LANGUAGE_STANDARD": "gnu99",
            "GCC_OPTIMIZATION_LEVEL": "2",
            "GCC_SYMBOLS_PRIVATE_EXTERN": "YES",
            "MACOSX_DEPLOYMENT_TARGET": "10.15",
            "OTHER_CFLAGS": ["-Wno-unused-function", "-Wno-unused-variable"]
          }
        }],
        ["OS=='win'", {
          "defines": ["_CRT_SECURE_NO_WARNINGS"],
          "msvs_settings": {
            "VCCLCompilerTool": {
              "CompileAs": 1,
              "Optimization": 2,
              "DisableSpecificWarnings": ["4244", "4305", "4267", "4996"]
            }
          }
        }]
      ]
    }
  ]
}
