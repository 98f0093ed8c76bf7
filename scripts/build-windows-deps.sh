#!/usr/bin/env bash
# What the Windows (MinGW-w64) build needs that Debian does not ship for
# Windows: cJSON, built from Debian's own source package (`apt-get source
# cjson`, through the deb-src entry scripts/install-deps.sh adds) into
# build/mingw-deps, and the Vulkan headers, reached there by links to
# Debian's. None of cJSON's code is kept in the repository.
#   build-windows-deps.sh [PREFIX]
set -euo pipefail
cd "$(dirname "$0")/.."
prefix=$(realpath -m "${1:-build/mingw-deps}")
cc=x86_64-w64-mingw32-gcc
if [ -f "$prefix/lib/libcjson.a" ] && [ -f "$prefix/lib/pkgconfig/libcjson.pc" ]; then
  echo "build-windows-deps: $prefix is ready"
  exit 0
fi
command -v $cc >/dev/null || { echo "build-windows-deps: $cc missing (gcc-mingw-w64-x86-64)" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
(cd "$work" && apt-get source --quiet cjson >/dev/null 2>"$work/apt.log") || {
  echo "build-windows-deps: 'apt-get source cjson' failed (is there a deb-src entry? run scripts/install-deps.sh):" >&2
  cat "$work/apt.log" >&2
  exit 1
}
src=$(find "$work" -maxdepth 2 -name cJSON.c -printf '%h\n' | head -n 1)
[ -n "$src" ] || { echo "build-windows-deps: no cJSON.c in the cjson source package" >&2; exit 1; }
version=$(sed -n 's/^#define CJSON_VERSION_\(MAJOR\|MINOR\|PATCH\) \([0-9]*\)/\2/p' "$src/cJSON.h" | paste -sd.)

mkdir -p "$prefix/include/cjson" "$prefix/lib/pkgconfig"
$cc -std=c99 -O2 -c "$src/cJSON.c" -o "$work/cJSON.o"
x86_64-w64-mingw32-ar rcs "$prefix/lib/libcjson.a" "$work/cJSON.o"
cp "$src/cJSON.h" "$prefix/include/cjson/"
ln -sfn /usr/include/vulkan "$prefix/include/vulkan"
ln -sfn /usr/include/vk_video "$prefix/include/vk_video"
cat >"$prefix/lib/pkgconfig/libcjson.pc" <<PC
prefix=$prefix
libdir=\${prefix}/lib
includedir=\${prefix}/include

Name: libcjson
Description: cJSON $version, built for Windows from Debian's source package
Version: $version
Libs: -L\${libdir} -lcjson
Cflags: -I\${includedir}
PC
echo "build-windows-deps: cJSON $version for Windows in $prefix"
