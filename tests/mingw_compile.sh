#!/usr/bin/env bash
# Compiles every source of the core, the probes and the CLI for Windows with
# MinGW-w64 and the project's warnings as errors, so the Win32 platform layer
# and the shared code cannot rot on Linux. Compile only: cJSON for Windows and
# running under Wine belong to the Windows build (its own CMake preset).
#   mingw_compile.sh SOURCE_DIR
set -euo pipefail
src=$1
cc=x86_64-w64-mingw32-gcc
command -v $cc >/dev/null || { echo "mingw_compile: $cc not installed (gcc-mingw-w64-x86-64)"; exit 1; }

# Only the Vulkan and cJSON headers, never the rest of /usr/include (Linux headers).
inc=$(mktemp -d)
trap 'rm -rf "$inc"' EXIT
ln -s /usr/include/vulkan "$inc/vulkan"
ln -s /usr/include/vk_video "$inc/vk_video"
ln -s /usr/include/cjson "$inc/cjson"

flags=(-std=c11 -Wall -Wextra -Werror -Wpedantic -Wshadow -Wstrict-prototypes
       -Wmissing-prototypes -Wformat=2 -Wvla -Wcast-qual -DVK_NO_PROTOTYPES
       -I"$src/src" -isystem "$inc" -fsyntax-only)
n=0
for f in "$src"/src/*.c "$src"/probes/*.c "$src"/cli/*.c; do
  case "$f" in *_posix.c) continue ;; esac
  $cc "${flags[@]}" "$f"
  n=$((n + 1))
done
echo "mingw_compile: $n files compile for Windows with no warning"
