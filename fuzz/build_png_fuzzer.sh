#!/bin/sh
# Builds the PNG decoder fuzzer (fuzz/png_fuzzer.c + Sources/CPNG/cpng.c) with libFuzzer,
# AddressSanitizer and UndefinedBehaviorSanitizer into .build-fuzz-png/png_fuzzer.
#
# Usage (from the repository root):
#   fuzz/build_png_fuzzer.sh                 # links the system libpng (coverage of cpng.c only)
#   LIBPNG_SRC=/path/to/libpng-1.6.x fuzz/build_png_fuzzer.sh
#                                            # compiles libpng's sources in, instrumented, so the
#                                            # fuzzer sees (and ASan checks) libpng's own code too
set -eu
out=.build-fuzz-png
mkdir -p "$out"
flags="-g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined"
if [ -n "${LIBPNG_SRC:-}" ]; then
    [ -f "$LIBPNG_SRC/pnglibconf.h" ] || cp "$LIBPNG_SRC/scripts/pnglibconf.h.prebuilt" "$LIBPNG_SRC/pnglibconf.h"
    png_sources=""
    for f in png pngerror pngget pngmem pngpread pngread pngrio pngrtran pngrutil pngset pngtrans pngwio pngwrite pngwtran pngwutil; do
        png_sources="$png_sources $LIBPNG_SRC/$f.c"
    done
    # shellcheck disable=SC2086
    clang $flags -fuse-ld=lld -I Sources/CPNG/include -I "$LIBPNG_SRC" \
        fuzz/png_fuzzer.c Sources/CPNG/cpng.c Sources/CPNG/cpng_encode.c Sources/CPNG/cpng_classify.c $png_sources -lz -lm -o "$out/png_fuzzer"
else
    # shellcheck disable=SC2046,SC2086
    clang $flags -fuse-ld=lld -I Sources/CPNG/include $(pkg-config --cflags libpng) \
        fuzz/png_fuzzer.c Sources/CPNG/cpng.c Sources/CPNG/cpng_encode.c Sources/CPNG/cpng_classify.c $(pkg-config --libs libpng) -lz -o "$out/png_fuzzer"
fi
echo "built $out/png_fuzzer"
