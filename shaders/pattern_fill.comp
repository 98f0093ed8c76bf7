// Writes the seeded pattern (pattern_common.glsl) over one window of a buffer.
#version 450
#extension GL_GOOGLE_include_directive : require
layout(local_size_x = 256) in;

#include "pattern_common.glsl"

void main()
{
    uint stride = gl_NumWorkGroups.x * gl_WorkGroupSize.x;
    pattern_keys();
    for (uint i = gl_GlobalInvocationID.x; i < win.count; i += stride)
        data.words[win.skew + i] = pattern_word(i);
}
