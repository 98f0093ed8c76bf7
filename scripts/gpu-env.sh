# Sourced by the GPU-machine scripts: makes the carried debs usable on the
# GPU machine (an NVIDIA H100/H200 without network). The loader and libglvnd go to / (the NVIDIA ICD
# needs them there); the rest (cJSON, validation layers, vulkaninfo and its
# X/Wayland client libraries) is unpacked aside, where it cannot break /.
extra=/tmp/vkw-extra
for f in .gl/*.deb; do
  case "$f" in
    *libvulkan1_*|*libglvnd0_*|*libglx0_*|*libegl1_*|*libgl1_*|*libopengl0_*|*libgles2_*)
      dpkg -x "$f" / ;;
    *) dpkg -x "$f" "$extra" ;;
  esac
done
ldconfig
export LD_LIBRARY_PATH=$extra/usr/lib/x86_64-linux-gnu${LD_LIBRARY_PATH:+:$LD_LIBRARY_PATH}
export VK_LAYER_PATH=$extra/usr/share/vulkan/explicit_layer.d
export PATH=$extra/usr/bin:$PATH
exe=build/default/vkwin32h
if ! $exe probe -q; then
  echo "gpu-env: no driver found by default; pointing the loader at the NVIDIA ICD"
  export VK_DRIVER_FILES=/usr/local/nvidia/share/vulkan/icd.d/nvidia_icd.json
  export __EGL_VENDOR_LIBRARY_FILENAMES=/usr/local/nvidia/share/glvnd/egl_vendor.d/10_nvidia.json
fi
