// The seeded pattern of src/base/pattern.c, word for word: word i of seed s
// is mix32(lo32(i) ^ key), key = mix32(lo32(s) ^ mix32(hi32(s) ^ mix32(hi32(i)
// + 0x9E3779B9))), stored little-endian at byte 4 * i. Keep the two in step:
// the gpu_pattern_* tests compare them byte for byte.

// lowbias32: a bijection of 32-bit words.
uint mix32(uint x)
{
    x ^= x >> 16;
    x *= 0x7feb352du;
    x ^= x >> 15;
    x *= 0x846ca68bu;
    x ^= x >> 16;
    return x;
}

uint pattern_key(uint seed_lo, uint seed_hi, uint index_hi)
{
    return mix32(seed_lo ^ mix32(seed_hi ^ mix32(index_hi + 0x9E3779B9u)));
}

// One dispatch covers one window of the buffer: `count` words starting at
// data.words[skew] (the binding starts at an aligned offset at or before the
// window), which are the pattern's words index .. index + count - 1. Each
// invocation takes the words gid, gid + stride, ... (a grid-stride loop).
layout(push_constant) uniform Window {
    uint seed_lo, seed_hi;
    uint index_lo, index_hi;
    uint skew;
    uint count;
    uint slot; // the verify's result slot of this window
} win;

layout(set = 0, binding = 0, std430) buffer Data {
    uint words[];
} data;

// The pattern word of the window's word i. The key changes only where the
// 64-bit index crosses a multiple of 2^32, at most once in a window (a window
// has fewer than 2^32 words): both keys are made once, by pattern_keys().
uvec2 keys;
void pattern_keys()
{
    keys = uvec2(pattern_key(win.seed_lo, win.seed_hi, win.index_hi),
                 pattern_key(win.seed_lo, win.seed_hi, win.index_hi + 1u));
}

uint pattern_word(uint i)
{
    uint lo = win.index_lo + i;
    return mix32(lo ^ (lo < win.index_lo ? keys.y : keys.x));
}
