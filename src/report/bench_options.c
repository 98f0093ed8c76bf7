/* The bench's options as data (bench_options.h), and what reads them. */
#include "bench_options.h"

#include <stdio.h>
#include <string.h>

#include "base/text_buffer.h"
#include "vk/handle_types.h"
#include "vk/names.h"
#include "vk/sync.h"
#include "interop/foreign.h"

static const char *memory_type_name(uint32_t k)
{
    return k < VKW_MEMORY_HANDLE_TYPE_COUNT ? vkw_memory_handle_types[k].name : NULL;
}

static const char *scenario_name(uint32_t k)
{
    return k < VKW_SCENARIO_KIND_COUNT ? vkw_scenario_kind_name((vkw_scenario_kind)k) : NULL;
}

static const char *mode_name(uint32_t k)
{
    return k < VKW_SYNC_MODE_COUNT ? vkw_sync_mode_name((vkw_sync_mode)k) : NULL;
}

/* The parts of a bench; a peer: the other side, or both. */
static const char *part_name(uint32_t k)
{
    static const char *const names[] = {"memory", "round-trips", NULL};
    return k < 2 ? names[k] : NULL;
}

static const char *peer_name(uint32_t k)
{
    static const char *const names[] = {"process", "thread", "both", NULL};
    return k < 3 ? names[k] : NULL;
}

/* "auto" is the default, given by leaving the option out. */
static const char *verify_name(uint32_t k)
{
    return k + 1 < VKW_VERIFY_COUNT ? vkw_verify_method_name((vkw_verify_method)(k + 1)) : NULL;
}

static const char *importer_name(uint32_t k)
{
    return k < VKW_IMPORTER_COUNT ? vkw_importer_name((vkw_importer)k) : NULL;
}

static const char *exporter_name(uint32_t k)
{
    return k < VKW_EXPORTER_COUNT ? vkw_exporter_name((vkw_exporter)k) : NULL;
}

/* Every fault but "none". */
static const char *fault_name(uint32_t k)
{
    return k + 1 < VKW_FAULT_COUNT ? vkw_fault_name((vkw_fault)(k + 1)) : NULL;
}

#define MEMORY VKW_CONFIG_MEMORY
#define ROUND_TRIPS VKW_CONFIG_ROUND_TRIPS

const vkw_option vkw_bench_option_table[VKW_BENCH_OPTION_COUNT] = {
    [VKW_OPT_ITERATIONS] = {.flag = "--iterations",
                            .metavar = "N",
                            .type = VKW_OPTION_UINT,
                            .min = 1,
                            .max = 1000000,
                            .has_default = true,
                            .def = 5,
                            .key = "iterations",
                            .config = MEMORY,
                            .runs = VKW_RUN_BENCH,
                            .help = "export -> import -> verify cycles per scenario"},
    [VKW_OPT_SIZES] = {.flag = "--sizes",
                       .metavar = "LIST",
                       .type = VKW_OPTION_SIZES,
                       .min = 1,
                       .max = VKW_SIZE_MAX,
                       .max_items = VKW_MAX_SIZES,
                       .def_text = "64K,16M,256M",
                       .key = "sizes",
                       .config = MEMORY | VKW_CONFIG_STRESS,
                       .runs = VKW_RUN_BENCH | VKW_RUN_STRESS,
                       .help = "allocation sizes; 'K', 'M', 'G' binary"},
    [VKW_OPT_HANDLE_TYPES] = {.flag = "--handle-types",
                              .metavar = "LIST",
                              .type = VKW_OPTION_NAMES,
                              .max_items = 64,
                              .name = memory_type_name,
                              .noun = "memory handle type",
                              .key = "handle_types",
                              .config = MEMORY | VKW_CONFIG_STRESS,
                              .runs = VKW_RUN_BENCH | VKW_RUN_STRESS,
                              .help = "memory handle types, e.g. OPAQUE_FD (default: all of this "
                                      "OS)"},
    [VKW_OPT_SCENARIOS] = {.flag = "--scenarios",
                           .metavar = "LIST",
                           .type = VKW_OPTION_NAMES,
                           .max_items = 64,
                           .name = scenario_name,
                           .noun = "scenario",
                           .key = "scenarios",
                           .config = MEMORY | VKW_CONFIG_STRESS,
                           .runs = VKW_RUN_BENCH | VKW_RUN_STRESS,
                           .help = "buffer-map, buffer-copy, image-copy (default: all)"},
    [VKW_OPT_THREADS] = {.flag = "--threads",
                         .metavar = "N",
                         .type = VKW_OPTION_UINT,
                         .min = 1,
                         .max = 64,
                         .key = "threads",
                         .config = MEMORY,
                         .runs = VKW_RUN_BENCH,
                         .help = "threads for host writes and CPU verification; default: the "
                                 "online CPUs, at most 16"},
    [VKW_OPT_VERIFY] = {.flag = "--verify",
                        .metavar = "HOW",
                        .type = VKW_OPTION_ENUM,
                        .name = verify_name,
                        .noun = "verify method",
                        .key = "verify",
                        .config = MEMORY,
                        .runs = VKW_RUN_BENCH,
                        .help =
                            "who writes and checks the pattern: gpu (compute shaders, where "
                            "the memory is), cpu (the host), or both (they must agree); "
                            "default: gpu for device memory where the device can run them (else "
                            "cpu), mapped memory on the host"},
    [VKW_OPT_IMPORTER] = {.flag = "--importer",
                          .metavar = "LIST",
                          .type = VKW_OPTION_NAMES,
                          .max_items = VKW_IMPORTER_COUNT,
                          .name = importer_name,
                          .noun = "importer",
                          .def_text = "vulkan",
                          .key = "importer",
                          .config = MEMORY | ROUND_TRIPS,
                          .runs = VKW_RUN_BENCH,
                          .help = "the API the child imports into: vulkan, cuda (the driver API, "
                                  "libcuda), gl (EGL and desktop GL), d3d11 or d3d12 (Windows); "
                                  "a list runs each"},
    [VKW_OPT_EXPORTER] = {.flag = "--exporter",
                          .metavar = "API",
                          .type = VKW_OPTION_ENUM,
                          .name = exporter_name,
                          .noun = "exporter",
                          .def_text = "vulkan",
                          .runs = VKW_RUN_BENCH,
                          .help = "the API that makes and exports the memory: vulkan, or d3d11 "
                                  "or d3d12 (Windows: the child imports into Vulkan; "
                                  "d3d12 also shares its fences)"},
    [VKW_OPT_D3D_ADAPTER] = {.flag = "--d3d-adapter",
                             .metavar = "N",
                             .type = VKW_OPTION_UINT,
                             .min = 0,
                             .max = 15,
                             .runs = VKW_RUN_BENCH,
                             .help = "--exporter d3d11|d3d12: the DXGI adapter by index; "
                                     "default: the one whose LUID is the Vulkan device's"},
    [VKW_OPT_KEYED_MUTEX] = {.flag = "--keyed-mutex",
                             .type = VKW_OPTION_FLAG,
                             .runs = VKW_RUN_BENCH,
                             .help = "--exporter d3d11: the textures have a keyed mutex, which "
                                     "orders the two sides (IDXGIKeyedMutex, "
                                     "VK_KHR_win32_keyed_mutex)"},
    [VKW_OPT_TIMEOUT] = {.flag = "--timeout",
                         .metavar = "SECONDS",
                         .type = VKW_OPTION_UINT,
                         .min = 1,
                         .max = 3600,
                         .has_default = true,
                         .def = VKW_BENCH_DEFAULT_TIMEOUT_MS / 1000,
                         .key = "timeout_s",
                         .config = VKW_CONFIG_TOP,
                         .runs = VKW_RUN_BENCH | VKW_RUN_STRESS,
                         .help = "limit of every wait: each step of the child, a fence, a "
                                 "semaphore"},
    [VKW_OPT_TIMEOUT_MS] = {.flag = "--timeout-ms",
                            .metavar = "MS",
                            .type = VKW_OPTION_UINT,
                            .min = 10,
                            .max = 3600000,
                            .runs = VKW_RUN_BENCH | VKW_RUN_STRESS,
                            .help = "as --timeout, in milliseconds"},
    [VKW_OPT_DEADLINE] = {.flag = "--deadline",
                          .metavar = "SECONDS",
                          .type = VKW_OPTION_UINT,
                          .min = 1,
                          .max = 604800,
                          .key = "deadline_s",
                          .config = VKW_CONFIG_TOP,
                          .runs = VKW_RUN_BENCH | VKW_RUN_CHECK | VKW_RUN_STRESS,
                          .help = "end the whole run after this long: interrupted reports, "
                                  "exit 16 (SIGINT: 130, SIGTERM: 143); check: overrides the "
                                  "config's deadline_s"},
    [VKW_OPT_PARTS] = {.flag = "--parts",
                       .metavar = "LIST",
                       .type = VKW_OPTION_NAMES,
                       .max_items = 2,
                       .name = part_name,
                       .noun = "part",
                       .def_text = "memory,round-trips",
                       .runs = VKW_RUN_BENCH,
                       .help = "what to run: memory sharing, round trips"},
    [VKW_OPT_ROUND_TRIPS] = {.flag = "--round-trips",
                             .metavar = "N",
                             .type = VKW_OPTION_UINT,
                             .min = 1,
                             .max = 10000000,
                             .has_default = true,
                             .def = 2000,
                             .key = "round_trips",
                             .config = ROUND_TRIPS,
                             .runs = VKW_RUN_BENCH,
                             .help = "timed round trips per mode"},
    [VKW_OPT_WARMUP] = {.flag = "--warmup",
                        .metavar = "N",
                        .type = VKW_OPTION_UINT,
                        .min = 0,
                        .max = 10000000,
                        .has_default = true,
                        .def = 200,
                        .key = "warmup",
                        .config = ROUND_TRIPS,
                        .runs = VKW_RUN_BENCH,
                        .help = "untimed round trips before them"},
    [VKW_OPT_MODES] = {.flag = "--modes",
                       .metavar = "LIST",
                       .type = VKW_OPTION_NAMES,
                       .max_items = 64,
                       .name = mode_name,
                       .noun = "mode",
                       .def_text = "all",
                       .key = "modes",
                       .config = ROUND_TRIPS,
                       .runs = VKW_RUN_BENCH,
                       .help = "round-trip modes: os, host-timeline, queue-timeline, "
                               "queue-binary, fence, gpu-chain"},
    [VKW_OPT_PEER] = {.flag = "--peer",
                      .metavar = "WHO",
                      .type = VKW_OPTION_ENUM,
                      .name = peer_name,
                      .noun = "peer",
                      .def_text = "both",
                      .key = "peer",
                      .config = ROUND_TRIPS,
                      .config_def = "process",
                      .runs = VKW_RUN_BENCH,
                      .help = "the other side of the round trips: process, thread or both"},
    [VKW_OPT_PIN] = {.flag = "--pin",
                     .metavar = "P,C",
                     .type = VKW_OPTION_CPUS,
                     .max = 1023,
                     .runs = VKW_RUN_BENCH,
                     .help = "pin this process's thread to CPU P, the other side to C"},
    [VKW_OPT_SAMPLES] = {.flag = "--samples",
                         .type = VKW_OPTION_FLAG,
                         .runs = VKW_RUN_BENCH,
                         .help = "every raw round-trip sample into the JSON report"},
    [VKW_OPT_REPEAT] = {.flag = "--repeat",
                        .metavar = "N",
                        .type = VKW_OPTION_UINT,
                        .min = 1,
                        .max = 100,
                        .has_default = true,
                        .def = 1,
                        .key = "repeat",
                        .config = ROUND_TRIPS,
                        .runs = VKW_RUN_BENCH,
                        .help = "run each round-trip mode N times; each repeat's p50/p99 is "
                                "kept: compare needs 5 to judge times"},
    [VKW_OPT_NT_NAMES] = {.flag = "--nt-names",
                          .type = VKW_OPTION_FLAG,
                          .key = "nt_names",
                          .config = MEMORY,
                          .runs = VKW_RUN_BENCH,
                          .help = "Windows: NT handles travel by name, not duplicated"},
    [VKW_OPT_FAULT] = {.flag = "--fault",
                       .metavar = "FAULT",
                       .type = VKW_OPTION_ENUM,
                       .name = fault_name,
                       .noun = "fault",
                       .key = "fault",
                       .config = MEMORY | ROUND_TRIPS,
                       .runs = VKW_RUN_BENCH,
                       .help = "test the tool's own fault handling (invalid-usage needs "
                               "--validate)"},
};

#undef MEMORY
#undef ROUND_TRIPS

const char *vkw_option_type_name(vkw_option_type t)
{
    switch (t) {
    case VKW_OPTION_FLAG: return "flag";
    case VKW_OPTION_UINT: return "uint";
    case VKW_OPTION_SIZES: return "sizes";
    case VKW_OPTION_NAMES: return "names";
    case VKW_OPTION_ENUM: return "enum";
    case VKW_OPTION_CPUS: return "cpus";
    case VKW_OPTION_TEXT: return "text";
    case VKW_OPTION_DURATION: return "duration";
    case VKW_OPTION_NUMBER: return "number";
    }
    return "unknown";
}

const char *vkw_option_size_text(uint64_t bytes, char *buf, size_t len)
{
    static const char units[] = "GMK";
    for (unsigned u = 0; u < 3; u++) {
        uint64_t unit = 1ull << (10 * (3 - u));
        if (bytes >= unit && bytes % unit == 0) {
            snprintf(buf, len, "%llu%c", (unsigned long long)(bytes / unit), units[u]);
            return buf;
        }
    }
    snprintf(buf, len, "%llu", (unsigned long long)bytes);
    return buf;
}

bool vkw_option_find_name(const vkw_option *opt, const char *name, uint32_t *k)
{
    for (uint32_t i = 0; opt->name && opt->name(i); i++)
        if (strcmp(name, opt->name(i)) == 0) {
            *k = i;
            return true;
        }
    return false;
}

const char *vkw_option_names(const vkw_option *opt, const char *sep, char *buf, size_t len)
{
    size_t n = 0;
    buf[0] = '\0';
    for (uint32_t i = 0; opt->name && opt->name(i) && n < len; i++)
        n += (size_t)snprintf(buf + n, len - n, "%s%s", i ? sep : "", opt->name(i));
    return buf;
}

vkw_status vkw_option_parse_uint(const vkw_option *opt, const char *label, const char *text,
                                 uint64_t *out, vkw_error *err)
{
    uint64_t v = 0;
    if (!vkw_uint_parse(text, opt->max, &v) || v < opt->min) {
        char shown[96];
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "%s: expected a whole number from %llu to %llu, "
                        "got '%s'",
                        label, (unsigned long long)opt->min, (unsigned long long)opt->max,
                        vkw_text_escape(text, shown, sizeof shown));
    }
    *out = v;
    return VKW_OK;
}

vkw_status vkw_option_parse_name(const vkw_option *opt, const char *label, const char *text,
                                 uint32_t *k, vkw_error *err)
{
    if (vkw_option_find_name(opt, text, k))
        return VKW_OK;
    char names[512], shown[96];
    return vkw_fail(err, VKW_E_INVALID_ARG, "%s: unknown %s '%s' (known: %s)", label, opt->noun,
                    vkw_text_escape(text, shown, sizeof shown),
                    vkw_option_names(opt, ", ", names, sizeof names));
}

void vkw_bench_option_reset(vkw_bench_option_id id, vkw_bench_options *o)
{
    switch (id) {
    case VKW_OPT_SIZES: o->size_count = 0; break;
    case VKW_OPT_HANDLE_TYPES: o->handle_types = 0; break;
    case VKW_OPT_SCENARIOS: o->scenario_kinds = 0; break;
    case VKW_OPT_PARTS: o->run_memory = o->run_sync = false; break;
    case VKW_OPT_MODES: o->sync_modes = 0; break;
    case VKW_OPT_IMPORTER: o->importers = 0; break;
    default: break;
    }
}

/* Sets bit in *mask, unless it is there already. */
static vkw_option_store add_bit(uint32_t *mask, uint32_t bit)
{
    if (*mask & bit)
        return VKW_OPTION_TWICE;
    *mask |= bit;
    return VKW_OPTION_STORED;
}

vkw_option_store vkw_bench_option_store(vkw_bench_option_id id, vkw_bench_options *o,
                                        uint64_t value)
{
    uint32_t v = (uint32_t)value;
    switch (id) {
    case VKW_OPT_ITERATIONS: o->iterations = v; break;
    case VKW_OPT_THREADS: o->threads = v; break;
    case VKW_OPT_VERIFY: o->verify = (vkw_verify_method)(v + 1); break;
    case VKW_OPT_IMPORTER: return add_bit(&o->importers, 1u << v);
    case VKW_OPT_EXPORTER: o->exporter = (vkw_exporter)v; break;
    case VKW_OPT_D3D_ADAPTER: o->d3d_adapter = (int32_t)v; break;
    case VKW_OPT_KEYED_MUTEX: o->keyed_mutex = v != 0; break;
    case VKW_OPT_SIZES:
        for (uint32_t i = 0; i < o->size_count; i++)
            if (o->sizes[i] == value)
                return VKW_OPTION_TWICE;
        if (o->size_count >= VKW_MAX_SIZES)
            return VKW_OPTION_FULL;
        o->sizes[o->size_count++] = value;
        break;
    case VKW_OPT_HANDLE_TYPES: return add_bit(&o->handle_types, vkw_memory_handle_types[v].bit);
    case VKW_OPT_SCENARIOS: return add_bit(&o->scenario_kinds, 1u << v);
    case VKW_OPT_TIMEOUT: o->timeout_ms = v * 1000u; break;
    case VKW_OPT_TIMEOUT_MS: o->timeout_ms = v; break;
    case VKW_OPT_DEADLINE: break; /* the run's, not the bench's: its caller keeps it */
    case VKW_OPT_PARTS: {
        bool *part = v == 0 ? &o->run_memory : &o->run_sync;
        if (*part)
            return VKW_OPTION_TWICE;
        *part = true;
        break;
    }
    case VKW_OPT_ROUND_TRIPS: o->round_trips = v; break;
    case VKW_OPT_WARMUP: o->warmup = v; break;
    case VKW_OPT_MODES: return add_bit(&o->sync_modes, 1u << v);
    case VKW_OPT_PEER: o->peers = v == 2 ? (1u << VKW_PEER_COUNT) - 1 : 1u << v; break;
    case VKW_OPT_PIN:
        o->pin_parent = (int32_t)(value >> 16);
        o->pin_child = (int32_t)(value & 0xFFFF);
        break;
    case VKW_OPT_SAMPLES: o->keep_samples = v != 0; break;
    case VKW_OPT_REPEAT: o->repeat = v; break;
    case VKW_OPT_NT_NAMES: o->nt_names = v != 0; break;
    case VKW_OPT_FAULT: o->fault = (vkw_fault)(v + 1); break;
    case VKW_BENCH_OPTION_COUNT: break;
    }
    return VKW_OPTION_STORED;
}

/* "P,C": two CPU numbers. */
static vkw_status parse_cpus(const vkw_option *opt, const char *label, const char *text,
                             uint64_t *out, vkw_error *err)
{
    uint64_t p = 0, c = 0;
    char first[16] = "", shown[96];
    const char *comma = strchr(text, ',');
    size_t n = comma ? (size_t)(comma - text) : 0;
    if (n < sizeof first) {
        memcpy(first, text, n);
        first[n] = '\0';
    }
    if (!comma || n >= sizeof first || !vkw_uint_parse(first, opt->max, &p) ||
        !vkw_uint_parse(comma + 1, opt->max, &c))
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "%s: expected PARENT_CPU,PEER_CPU (e.g. 0,1), got '%s'", label,
                        vkw_text_escape(text, shown, sizeof shown));
    *out = (p << 16) | c;
    return VKW_OK;
}

/* One item of a list: its value to store. */
static vkw_status list_item(const vkw_option *opt, const char *label, const char *item,
                            uint64_t *value, vkw_error *err)
{
    if (opt->type == VKW_OPTION_NAMES) {
        uint32_t k = 0;
        vkw_status s = vkw_option_parse_name(opt, label, item, &k, err);
        *value = k;
        return s;
    }
    if (vkw_size_parse(item, value))
        return VKW_OK;
    char shown[96], most[32];
    return vkw_fail(err, VKW_E_INVALID_ARG,
                    "%s: '%s' is not a size from 1 byte to %s (e.g. 64K, 16M, 1G)", label,
                    vkw_text_escape(item, shown, sizeof shown),
                    vkw_option_size_text(opt->max, most, sizeof most));
}

/* A comma-separated list; "all" (a default only) is every name. */
static vkw_status parse_list(vkw_bench_option_id id, const char *label, const char *text,
                             bool is_default, vkw_bench_options *o, vkw_error *err)
{
    const vkw_option *opt = &vkw_bench_option_table[id];
    char tok[128], shown[96];
    if (is_default && strcmp(text, "all") == 0) {
        for (uint32_t k = 0; opt->name(k); k++)
            vkw_bench_option_store(id, o, k);
        return VKW_OK;
    }
    for (const char *p = text;; p += strlen(tok) + 1) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof tok)
            return vkw_fail(err, VKW_E_INVALID_ARG, "%s: %s item in '%s'", label,
                            n ? "an overlong" : "an empty",
                            vkw_text_escape(text, shown, sizeof shown));
        memcpy(tok, p, n);
        tok[n] = '\0';
        uint64_t value = 0;
        vkw_status s = list_item(opt, label, tok, &value, err);
        if (s != VKW_OK)
            return s;
        switch (vkw_bench_option_store(id, o, value)) {
        case VKW_OPTION_STORED: break;
        case VKW_OPTION_TWICE:
            return vkw_fail(err, VKW_E_INVALID_ARG, "%s: '%s' given twice", label,
                            vkw_text_escape(tok, shown, sizeof shown));
        case VKW_OPTION_FULL:
            return vkw_fail(err, VKW_E_INVALID_ARG, "%s: at most %u %s", label, opt->max_items,
                            opt->type == VKW_OPTION_SIZES ? "sizes" : "names");
        }
        if (!p[n])
            return VKW_OK;
    }
}

static vkw_status parse(vkw_bench_option_id id, const char *label, const char *text,
                        bool is_default, vkw_bench_options *o, vkw_error *err)
{
    const vkw_option *opt = &vkw_bench_option_table[id];
    uint64_t value = 1;
    uint32_t k = 0;
    vkw_status s = VKW_OK;
    switch (opt->type) {
    case VKW_OPTION_FLAG: break;
    case VKW_OPTION_UINT: s = vkw_option_parse_uint(opt, label, text, &value, err); break;
    case VKW_OPTION_SIZES:
    case VKW_OPTION_NAMES:
        vkw_bench_option_reset(id, o);
        return parse_list(id, label, text, is_default, o, err);
    case VKW_OPTION_ENUM:
        s = vkw_option_parse_name(opt, label, text, &k, err);
        value = k;
        break;
    case VKW_OPTION_CPUS: s = parse_cpus(opt, label, text, &value, err); break;
    case VKW_OPTION_TEXT:
    case VKW_OPTION_DURATION:
    case VKW_OPTION_NUMBER: return vkw_fail(err, VKW_E_INVALID_ARG, "%s: no bench option", label);
    }
    if (s == VKW_OK)
        vkw_bench_option_store(id, o, value);
    return s;
}

vkw_status vkw_bench_option_parse(vkw_bench_option_id id, const char *label, const char *text,
                                  vkw_bench_options *o, vkw_error *err)
{
    return parse(id, label, text, false, o, err);
}

void vkw_bench_options_default(vkw_bench_options *o)
{
    memset(o, 0, sizeof *o);
    o->pin_parent = o->pin_child = -1; /* not pinned */
    o->d3d_adapter = -1;               /* the adapter of the device's LUID */
    for (uint32_t id = 0; id < VKW_BENCH_OPTION_COUNT; id++) {
        const vkw_option *opt = &vkw_bench_option_table[id];
        if (opt->has_default)
            vkw_bench_option_store((vkw_bench_option_id)id, o, opt->def);
        else if (opt->def_text) /* the table's own text: it parses */
            parse((vkw_bench_option_id)id, opt->flag, opt->def_text, true, o, NULL);
    }
}

vkw_status vkw_bench_options_check(const vkw_bench_options *o, vkw_error *err)
{
    if (o->exporter != VKW_EXPORTER_VULKAN && o->importers &&
        o->importers != 1u << VKW_IMPORTER_VULKAN)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "--exporter %s: the child imports into Vulkan (--importer vulkan)",
                        vkw_exporter_name(o->exporter));
    if (o->exporter != VKW_EXPORTER_VULKAN && o->nt_names)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "--exporter %s: its handles travel duplicated, not by name (--nt-names)",
                        vkw_exporter_name(o->exporter));
    if (o->keyed_mutex && o->exporter != VKW_EXPORTER_D3D11)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "--keyed-mutex is a D3D11 texture's: give --exporter d3d11");
    if (o->exporter == VKW_EXPORTER_VULKAN && o->d3d_adapter >= 0)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "--d3d-adapter chooses the adapter of --exporter d3d11 or d3d12");
    return VKW_OK;
}
