/* The stress options' table and parsing (stress_options.h). */
#include "stress_options.h"

#include <stdio.h>
#include <string.h>

#include "base/text_buffer.h"
#include "vk/names.h"

static const char *op_name(uint32_t k)
{
    return k < VKW_STRESS_OP_COUNT ? vkw_stress_op_words[k] : NULL;
}

static const char *chaos_name(uint32_t k)
{
    return k < VKW_CHAOS_COUNT ? vkw_chaos_words[k] : NULL;
}

static const char *fault_name(uint32_t k)
{
    return k < VKW_STRESS_FAULT_COUNT ? vkw_stress_fault_words[k] : NULL;
}

#define DAY_MS (24ull * 3600 * 1000)

const vkw_option vkw_stress_option_table[VKW_STRESS_OPTION_COUNT] = {
    [VKW_SOPT_IMPORTERS] = {.flag = "--importers",
                            .metavar = "N",
                            .type = VKW_OPTION_UINT,
                            .min = 1,
                            .max = VKW_STRESS_IMPORTERS_MAX,
                            .has_default = true,
                            .def = 4,
                            .key = "importers",
                            .config = VKW_CONFIG_STRESS,
                            .help = "importer processes, each driven by a thread of this one"},
    [VKW_SOPT_CONCURRENCY] = {.flag = "--concurrency",
                              .metavar = "K",
                              .type = VKW_OPTION_UINT,
                              .min = 1,
                              .max = 16,
                              .has_default = true,
                              .def = 2,
                              .key = "concurrency",
                              .config = VKW_CONFIG_STRESS,
                              .help = "memory objects in flight per importer (held by both sides "
                                      "until the slot comes round again)"},
    [VKW_SOPT_DURATION] = {.flag = "--duration",
                           .metavar = "TIME",
                           .type = VKW_OPTION_DURATION,
                           .min = 1000,
                           .max = 7 * DAY_MS,
                           .def_text = "20s",
                           .key = "duration",
                           .config = VKW_CONFIG_STRESS,
                           .help = "how long to run (90s, 10m, 2h); with --cycles, "
                                   "whichever ends first"},
    [VKW_SOPT_CYCLES] = {.flag = "--cycles",
                         .metavar = "N",
                         .type = VKW_OPTION_UINT,
                         .min = 1,
                         .max = 1000000000000ull,
                         .key = "cycles",
                         .config = VKW_CONFIG_STRESS,
                         .help = "operations in all, then stop (no --duration: no time limit)"},
    [VKW_SOPT_VERIFY_EVERY] = {.flag = "--verify-every",
                               .metavar = "N",
                               .type = VKW_OPTION_UINT,
                               .min = 0,
                               .max = 1000000,
                               .has_default = true,
                               .def = 1,
                               .key = "verify_every",
                               .config = VKW_CONFIG_STRESS,
                               .help = "check every N-th memory operation's bytes both ways (0: "
                                       "none)"},
    [VKW_SOPT_INTERVAL] = {.flag = "--interval",
                           .metavar = "TIME",
                           .type = VKW_OPTION_DURATION,
                           .min = 100,
                           .max = 3600 * 1000,
                           .def_text = "1s",
                           .key = "interval",
                           .config = VKW_CONFIG_STRESS,
                           .help = "one point of the time series each"},
    [VKW_SOPT_SEED] = {.flag = "--seed",
                       .metavar = "N",
                       .type = VKW_OPTION_UINT,
                       .min = 0,
                       .max = UINT64_MAX,
                       .key = "seed",
                       .config = VKW_CONFIG_STRESS,
                       .help = "the generator's seed: the report's replays a run's choices "
                               "(default: from the clock)"},
    [VKW_SOPT_CHAOS] = {.flag = "--chaos",
                        .metavar = "RATE",
                        .type = VKW_OPTION_NUMBER,
                        .min = 0,
                        .max = 1,
                        .def_text = "0",
                        .key = "chaos",
                        .config = VKW_CONFIG_STRESS,
                        .help = "the chance that an operation carries a fault (0.05: one in "
                                "20)"},
    [VKW_SOPT_CHAOS_KINDS] = {.flag = "--chaos-kinds",
                              .metavar = "LIST",
                              .type = VKW_OPTION_NAMES,
                              .max_items = VKW_CHAOS_COUNT,
                              .def_text = "all",
                              .name = chaos_name,
                              .noun = "fault",
                              .key = "chaos_kinds",
                              .config = VKW_CONFIG_STRESS,
                              .help = "the faults --chaos injects"},
    [VKW_SOPT_OPERATIONS] = {.flag = "--operations",
                             .metavar = "LIST",
                             .type = VKW_OPTION_NAMES,
                             .max_items = VKW_STRESS_OP_COUNT,
                             .def_text = "all",
                             .name = op_name,
                             .noun = "operation",
                             .key = "operations",
                             .config = VKW_CONFIG_STRESS,
                             .help = "the operations mixed (those the driver cannot share are "
                                     "skipped, with why)"},
    [VKW_SOPT_LEAK_MAX] = {.flag = "--leak-max",
                           .metavar = "N",
                           .type = VKW_OPTION_NUMBER,
                           .min = 0,
                           .max = 1000000,
                           .def_text = "0",
                           .help = "handles per minute a process may gain (a trend beyond the "
                                   "noise above it is a leak)"},
    [VKW_SOPT_RESIDENT_MAX] = {.flag = "--resident-max",
                               .metavar = "MIB",
                               .type = VKW_OPTION_NUMBER,
                               .min = 0,
                               .max = 1000000,
                               .def_text = "8",
                               .help = "resident MiB per minute a process may gain"},
    [VKW_SOPT_P99_MAX] = {.flag = "--p99-max",
                          .metavar = "US",
                          .type = VKW_OPTION_NUMBER,
                          .min = 0,
                          .max = 1000000000,
                          .help = "the highest p99 of any operation, microseconds (default: no "
                                  "limit)"},
    [VKW_SOPT_RATE_MIN] = {.flag = "--rate-min",
                           .metavar = "N",
                           .type = VKW_OPTION_NUMBER,
                           .min = 0,
                           .max = 1000000000,
                           .help = "the lowest operations per second over the run (default: no "
                                   "limit)"},
    [VKW_SOPT_UNDETECTED_MAX] = {.flag = "--undetected-max",
                                 .metavar = "N",
                                 .type = VKW_OPTION_UINT,
                                 .min = 0,
                                 .max = 1000000,
                                 .has_default = true,
                                 .def = 0,
                                 .help = "injected faults that may go unseen"},
    [VKW_SOPT_FAULT] = {.flag = "--stress-fault",
                        .metavar = "FAULT",
                        .type = VKW_OPTION_ENUM,
                        .name = fault_name,
                        .noun = "fault",
                        .hidden = true,
                        .key = "fault",
                        .config = VKW_CONFIG_STRESS,
                        .help = "a fault of the tool's own, for its tests (leak, flip-byte, deaf, "
                                "invalid-usage)"},
};

bool vkw_duration_parse(const char *text, uint64_t *ms)
{
    size_t digits = strspn(text, "0123456789");
    if (digits == 0 || digits > 12)
        return false;
    char num[16];
    memcpy(num, text, digits);
    num[digits] = '\0';
    uint64_t v = 0;
    if (!vkw_uint_parse(num, 999999999999ull, &v))
        return false;
    const char *unit = text + digits;
    uint64_t scale = strcmp(unit, "ms") == 0  ? 1
                     : strcmp(unit, "s") == 0 ? 1000
                     : strcmp(unit, "m") == 0 ? 60000
                     : strcmp(unit, "h") == 0 ? 3600000
                                              : 0;
    if (!scale || v > UINT64_MAX / scale)
        return false;
    *ms = v * scale;
    return true;
}

bool vkw_decimal_parse(const char *text, double *out)
{
    size_t whole = strspn(text, "0123456789");
    const char *p = text + whole;
    size_t frac = 0;
    if (*p == '.') {
        frac = strspn(p + 1, "0123456789");
        if (frac == 0)
            return false;
        p += 1 + frac;
    }
    if (whole == 0 || *p || whole > 12 || frac > 9)
        return false;
    double v = 0;
    for (const char *q = text; *q; q++)
        if (*q != '.')
            v = v * 10 + (*q - '0');
    for (size_t i = 0; i < frac; i++)
        v /= 10;
    *out = v;
    return true;
}

static vkw_status parse_names(const vkw_option *opt, const char *label, const char *text,
                              uint32_t *mask, vkw_error *err)
{
    char tok[64], shown[96];
    *mask = 0;
    for (const char *p = text;; p += strlen(tok) + 1) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof tok)
            return vkw_fail(err, VKW_E_INVALID_ARG, "%s: %s item in '%s'", label,
                            n ? "an overlong" : "an empty",
                            vkw_text_escape(text, shown, sizeof shown));
        memcpy(tok, p, n);
        tok[n] = '\0';
        uint32_t k = 0;
        vkw_status s = vkw_option_parse_name(opt, label, tok, &k, err);
        if (s != VKW_OK)
            return s;
        if (*mask & (1u << k))
            return vkw_fail(err, VKW_E_INVALID_ARG, "%s: '%s' given twice", label,
                            vkw_text_escape(tok, shown, sizeof shown));
        *mask |= 1u << k;
        if (!p[n])
            return VKW_OK;
    }
}

vkw_status vkw_stress_option_parse(vkw_stress_option_id id, const char *label, const char *text,
                                   vkw_stress_options *o, vkw_error *err)
{
    const vkw_option *opt = &vkw_stress_option_table[id];
    char shown[96];
    uint64_t v = 0;
    double d = 0;
    uint32_t k = 0;
    vkw_status s = VKW_OK;
    switch (opt->type) {
    case VKW_OPTION_UINT: s = vkw_option_parse_uint(opt, label, text, &v, err); break;
    case VKW_OPTION_DURATION:
        if (!vkw_duration_parse(text, &v) || v < opt->min || v > opt->max)
            return vkw_fail(err, VKW_E_INVALID_ARG,
                            "%s: expected a time from %llu ms to %llu h (digits and ms, s, m or "
                            "h: 90s, 10m), got '%s'",
                            label, (unsigned long long)opt->min,
                            (unsigned long long)(opt->max / 3600000u),
                            vkw_text_escape(text, shown, sizeof shown));
        break;
    case VKW_OPTION_NUMBER:
        if (!vkw_decimal_parse(text, &d) || d < (double)opt->min || d > (double)opt->max)
            return vkw_fail(err, VKW_E_INVALID_ARG,
                            "%s: expected a number from %llu to %llu (digits, one '.'), got '%s'",
                            label, (unsigned long long)opt->min, (unsigned long long)opt->max,
                            vkw_text_escape(text, shown, sizeof shown));
        break;
    case VKW_OPTION_NAMES: s = parse_names(opt, label, text, &k, err); break;
    case VKW_OPTION_ENUM: s = vkw_option_parse_name(opt, label, text, &k, err); break;
    default: return vkw_fail(err, VKW_E_INVALID_ARG, "%s: no stress option", label);
    }
    if (s != VKW_OK)
        return s;
    vkw_stress_option_store(
        id, o, opt->type == VKW_OPTION_NAMES || opt->type == VKW_OPTION_ENUM ? k : v, d);
    return VKW_OK;
}

void vkw_stress_option_store(vkw_stress_option_id id, vkw_stress_options *o, uint64_t v, double d)
{
    uint32_t k = (uint32_t)v;
    switch (id) {
    case VKW_SOPT_IMPORTERS: o->importers = (uint32_t)v; break;
    case VKW_SOPT_CONCURRENCY: o->concurrency = (uint32_t)v; break;
    case VKW_SOPT_DURATION: o->duration_ms = v; break;
    case VKW_SOPT_CYCLES: o->cycles = v; break;
    case VKW_SOPT_VERIFY_EVERY: o->verify_every = (uint32_t)v; break;
    case VKW_SOPT_INTERVAL: o->interval_ms = (uint32_t)v; break;
    case VKW_SOPT_SEED:
        o->seed = v;
        o->seed_given = true;
        break;
    case VKW_SOPT_CHAOS: o->chaos = d; break;
    case VKW_SOPT_CHAOS_KINDS: o->chaos_kinds = k; break;
    case VKW_SOPT_OPERATIONS: o->ops = k; break;
    case VKW_SOPT_LEAK_MAX: o->limits.leak_per_min_max = d; break;
    case VKW_SOPT_RESIDENT_MAX: o->limits.resident_mib_per_min_max = d; break;
    case VKW_SOPT_P99_MAX: o->limits.p99_us_max = d; break;
    case VKW_SOPT_RATE_MIN: o->limits.ops_per_s_min = d; break;
    case VKW_SOPT_UNDETECTED_MAX: o->limits.faults_undetected_max = (int64_t)v; break;
    case VKW_SOPT_FAULT: o->fault = (vkw_stress_fault)k; break;
    case VKW_STRESS_OPTION_COUNT: break;
    }
}
