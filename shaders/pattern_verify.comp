// Checks one window of a buffer against the seeded pattern
// (pattern_common.glsl): adds the number of bytes that differ to the window's
// result slot, and lowers its `first` to the window-relative offset of the
// first byte that differs (it starts at 0xffffffff: none).
#version 450
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 256) in;

#include "pattern_common.glsl"

struct Slot {
    uint mismatches;
    uint first;
};
layout(set = 0, binding = 1, std430) buffer Result {
    Slot slots[];
} result;

// How many of a word's four bytes are not zero.
uint bytes_set(uint x)
{
    return uint((x & 0xffu) != 0u) + uint((x & 0xff00u) != 0u) + uint((x & 0xff0000u) != 0u) +
           uint((x & 0xff000000u) != 0u);
}

void main()
{
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    pattern_keys();
    uint bad = 0u;
    uint first = 0xffffffffu;
    for (uint i = gl_GlobalInvocationID.x; i < win.count; i += stride) {
        uint diff = data.words[win.skew + i] ^ pattern_word(i);
        if (diff != 0u) {
            if (bad == 0u) // this invocation's words rise: its first is its lowest
                first = i * 4u + uint(findLSB(diff)) / 8u; // little-endian: low byte first
            bad += bytes_set(diff);
        }
    }
    if (bad != 0u) {
        atomicAdd(result.slots[win.slot].mismatches, bad);
        atomicMin(result.slots[win.slot].first, first);
    }
}
