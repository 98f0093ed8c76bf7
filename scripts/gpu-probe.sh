#!/usr/bin/env bash
# Runs `vkwin32h probe` on a GPU machine of the `device` tool, under the
# validation layer. The build (build/default) and the debs in .gl/ are made
# here and carried there (README "On the GPU machine"). Writes to $OUT.
set -uo pipefail
out=${OUT:-/tmp/vkw-gpu}
mkdir -p "$out"

# The loader and libglvnd go to / (the NVIDIA ICD needs them there); the rest
# (cJSON, validation layers) is unpacked aside, where it cannot break /.
extra=/tmp/vkw-extra
for f in .gl/*.deb; do
  case "$f" in
    *libcjson*|*validationlayers*) dpkg -x "$f" "$extra" ;;
    *) dpkg -x "$f" / ;;
  esac
done
ldconfig
export LD_LIBRARY_PATH=$extra/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export VK_LAYER_PATH=$extra/usr/share/vulkan/explicit_layer.d

exe=build/default/vkwin32h
if ! $exe probe -q; then
  echo "gpu-probe: no driver found by default; pointing the loader at the NVIDIA ICD"
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
nvidia-smi --query-gpu=name,driver_version,pci.bus_id --format=csv | tee "$out/nvidia-smi.txt"

rc=0
$exe probe --validate --verbose --json "$out/probe.json" | tee "$out/probe.txt" || rc=$?
echo "probe exit code: $rc"
# Timing: five plain runs, wall clock each.
for i in 1 2 3 4 5; do
  s=$(date +%s%N); $exe probe -q; e=$(date +%s%N)
  echo "probe run $i: $(( (e - s) / 1000000 )) ms"
done | tee "$out/timing.txt"
exit $rc
