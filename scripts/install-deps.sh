#!/usr/bin/env bash
# Installs what vkwin32h needs to build and test on Debian 12 (bookworm).
# Idempotent: does nothing when every package is already there.
set -euo pipefail

packages=(
  build-essential cmake pkg-config   # compiler and build
  libvulkan-dev                      # Vulkan headers (the loader is loaded at run time)
  libcjson-dev                       # JSON reports
  libvulkan1 mesa-vulkan-drivers     # the loader and lavapipe, a real Vulkan on the CPU
  vulkan-validationlayers            # the oracle the tests run under
  vulkan-tools                       # vulkaninfo, which the tests compare against
  python3 python3-jsonschema         # end-to-end tests and schema validation
  gcc-mingw-w64-x86-64               # the Windows side must compile, warnings as errors
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: run as root (or install sudo)" >&2; exit 1; }
  sudo="sudo"
fi
echo "install-deps: installing ${missing[*]}"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}"
