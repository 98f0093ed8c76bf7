#!/usr/bin/env bash
# One command for a fresh Debian 12 machine: install every dependency, build,
# and run `vkwin32h probe` on the default device (lavapipe where there is no GPU).
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh
cmake --preset default >/dev/null
cmake --build --preset default -j"$(nproc)"
exec ./build/default/vkwin32h probe "$@"
