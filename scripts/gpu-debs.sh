#!/usr/bin/env bash
# Fetches into .gl/ the Debian packages that a GPU machine without network
# needs to run build/default (README "On a GPU machine"): the Vulkan loader
# and libglvnd (scripts/gpu-env.sh unpacks them to /, where the NVIDIA ICD
# and NVIDIA's EGL look for them), and, unpacked aside, cJSON and libepoxy
# (the tool links them), the validation layers, and vulkaninfo with its X11
# and Wayland client libraries. Run here, with Debian's archive reachable.
set -euo pipefail
cd "$(dirname "$0")/.."
mkdir -p .gl
cd .gl
apt-get download libvulkan1 libglvnd0 libglx0 libegl1 libgl1 libopengl0 libgles2 \
  libcjson1 libepoxy0 vulkan-validationlayers vulkan-tools \
  libwayland-client0 libx11-6 libx11-data libxau6 libxcb1 libxdmcp6 libbsd0 libmd0 libffi8
ls -1 *.deb
