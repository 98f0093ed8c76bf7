# Cross-compiling vkwin32h for Windows x86-64 with Debian's MinGW-w64
# (gcc-mingw-w64-x86-64). cJSON comes from scripts/build-windows-deps.sh
# (Debian's own source package, built for Windows); the Vulkan headers are
# Debian's, reached through the same prefix so no Linux header leaks in.
# Tests run through Wine (CMAKE_CROSSCOMPILING_EMULATOR).
set(CMAKE_SYSTEM_NAME Windows)
set(CMAKE_SYSTEM_PROCESSOR x86_64)
set(CMAKE_C_COMPILER x86_64-w64-mingw32-gcc)
set(CMAKE_RC_COMPILER x86_64-w64-mingw32-windres)

set(VKW_MINGW_DEPS "${CMAKE_CURRENT_LIST_DIR}/../build/mingw-deps" CACHE PATH
    "Prefix of the Windows dependencies (scripts/build-windows-deps.sh)")
set(CMAKE_FIND_ROOT_PATH /usr/x86_64-w64-mingw32 "${VKW_MINGW_DEPS}")
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# pkg-config finds the Windows cJSON, never the host's.
set(ENV{PKG_CONFIG_LIBDIR} "${VKW_MINGW_DEPS}/lib/pkgconfig")
set(ENV{PKG_CONFIG_PATH} "")

set(CMAKE_CROSSCOMPILING_EMULATOR wine)
