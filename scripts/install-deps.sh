#!/usr/bin/env bash
# Installs what vkwin32h needs to build and test on Debian 12 (bookworm),
# and the deb-src entry that lets scripts/build-windows-deps.sh fetch cJSON's
# source for the Windows build. Idempotent: does nothing when all is there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # compiler and build
  libvulkan-dev                      # Vulkan headers (the loader is loaded at run time)
  glslang-tools                      # glslangValidator: the compute shaders to SPIR-V at build time
  libcjson-dev                       # JSON reports
  libepoxy-dev                       # the interop probe's EGL and desktop GL (loaded at first use)
  libffmpeg-nvenc-dev                # nv-codec-headers: the CUDA driver API loaded at run time
  libvulkan1 mesa-vulkan-drivers     # the loader and lavapipe, a real Vulkan on the CPU
  vulkan-validationlayers            # the oracle the tests run under
  vulkan-tools                       # vulkaninfo, which the tests compare against
  python3 python3-jsonschema         # end-to-end tests and schema validation
  strace                             # the tests see that no fd is closed twice
  libxml2-utils python3-junitparser  # the JUnit XML checked as its consumers read it
  clang                              # the fuzz and ThreadSanitizer builds (libFuzzer)
  clang-format                       # the code's format, checked in CI (.clang-format)
  gcc-mingw-w64-x86-64               # the Windows build, warnings as errors
  dpkg-dev                           # apt-get source (cJSON for Windows)
  wine wine64 xvfb xauth             # running the Windows build: Wine's Vulkan needs X11
  chromium                           # the HTML report rendered headless in the tests
  strace                             # the tests watch report writes with the OS's eyes
)
src_list=/etc/apt/sources.list.d/vkwin32h-deb-src.sources

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ] && [ -f "$src_list" ]; then
  echo "install-deps: all ${#packages[@]} packages and the deb-src entry present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi
if [ ! -f "$src_list" ]; then
  # The same archives and suites as the binary entries, as deb-src.
  if [ -f /etc/apt/sources.list.d/debian.sources ]; then
    sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources | $sudo tee "$src_list" >/dev/null
  elif grep -qs '^deb ' /etc/apt/sources.list; then
    grep '^deb ' /etc/apt/sources.list | sed 's/^deb /deb-src /' \
      | $sudo tee "${src_list%.sources}.list" >/dev/null
    $sudo touch "$src_list"
  else
    echo "install-deps: no Debian apt source found to mirror as deb-src" >&2
    exit 1
  fi
fi
echo "install-deps: installing ${missing[*]:-nothing (deb-src entry added)}"
$sudo apt-get update -qq
if [ ${#missing[@]} -gt 0 ]; then
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi
