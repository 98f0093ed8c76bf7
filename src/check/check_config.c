#include "check_config.h"

#include <cjson/cJSON.h>
#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "report/bench_options.h"
#include "report/json_file.h"
#include "report/stress_options.h"
#include "vk/names.h"
#include "base/text_buffer.h"

const char *vkw_check_object_name(vkw_check_object o)
{
    switch (o) {
    case VKW_CHECK_BUFFER: return "buffer";
    case VKW_CHECK_IMAGE: return "image";
    case VKW_CHECK_BINARY_SEMAPHORE: return "binary-semaphore";
    case VKW_CHECK_TIMELINE_SEMAPHORE: return "timeline-semaphore";
    case VKW_CHECK_FENCE: return "fence";
    case VKW_CHECK_OBJECT_COUNT: break;
    }
    return "unknown";
}

const char *vkw_check_metric_key(vkw_check_metric m)
{
    switch (m) {
    case VKW_METRIC_VERIFIED: return "verified";
    case VKW_METRIC_LEAKS_MAX: return "leaked_handles_max";
    case VKW_METRIC_VERIFY_GBPS_MIN: return "verify_gbps_min";
    case VKW_METRIC_IMPORTED_VS_LOCAL_MIN: return "imported_vs_local_min";
    case VKW_METRIC_PASSES: return "passes";
    case VKW_METRIC_P50_US_MAX: return "p50_us_max";
    case VKW_METRIC_P99_US_MAX: return "p99_us_max";
    case VKW_METRIC_RATIO_P50_MAX: return "ratio_p50_max";
    case VKW_METRIC_RATIO_P99_MAX: return "ratio_p99_max";
    case VKW_METRIC_LEAK_PER_MIN_MAX: return "leak_per_min_max";
    case VKW_METRIC_RESIDENT_PER_MIN_MAX: return "resident_mib_per_min_max";
    case VKW_METRIC_OPS_PER_S_MIN: return "ops_per_s_min";
    case VKW_METRIC_FAULTS_UNDETECTED_MAX: return "faults_undetected_max";
    case VKW_METRIC_COUNT: break;
    }
    return "unknown";
}

/* The parse's state: where in the document it is, for messages. */
typedef struct reader {
    const char *file;
    char place[160];
    vkw_error *err;
} reader;

/* Fails with "config 'FILE': PLACE.KEY: PROBLEM" (KEY may be NULL). */
#if defined(__GNUC__)
__attribute__((format(printf, 3, 4)))
#endif
static vkw_status
bad(reader *r, const char *key, const char *fmt, ...)
{
    char problem[384];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(problem, sizeof problem, fmt, ap);
    va_end(ap);
    char where[224];
    snprintf(where, sizeof where, "%s%s%s", r->place, *r->place && key ? "." : "", key ? key : "");
    /* Keys and values come from the file: shown escaped, and the file's name
     * cut short (r->file) so that the problem always fits. */
    char where_shown[160], problem_shown[400];
    vkw_text_escape(where, where_shown, sizeof where_shown);
    vkw_text_escape(problem, problem_shown, sizeof problem_shown);
    return vkw_fail(r->err, VKW_E_INVALID_ARG, "config '%s': %s%s%s", r->file, where_shown,
                    *where ? ": " : "", problem_shown);
}

/* What a value is, for "got ...": the string itself, the number, or its kind. */
static const char *got(const cJSON *v, char *buf, size_t len)
{
    if (cJSON_IsString(v)) {
        /* At most 48 bytes of it, cut where a UTF-8 character starts. */
        size_t n = strlen(v->valuestring), keep = n > 48 ? 48 : n;
        while (keep < n && keep > 0 && ((unsigned char)v->valuestring[keep] & 0xC0) == 0x80)
            keep--;
        snprintf(buf, len, "\"%.*s%s\"", (int)keep, v->valuestring, keep < n ? "..." : "");
    } else if (cJSON_IsNumber(v))
        snprintf(buf, len, "%.15g", v->valuedouble);
    else if (cJSON_IsBool(v))
        snprintf(buf, len, "%s", cJSON_IsTrue(v) ? "true" : "false");
    else if (cJSON_IsNull(v))
        snprintf(buf, len, "null");
    else if (cJSON_IsArray(v))
        snprintf(buf, len, "an array");
    else
        snprintf(buf, len, "an object");
    return buf;
}

/* Enters a key or an index of the place; leave() restores it. */
static size_t enter(reader *r, const char *key, int index)
{
    size_t was = strlen(r->place);
    if (key)
        snprintf(r->place + was, sizeof r->place - was, "%s%s", was ? "." : "", key);
    else
        snprintf(r->place + was, sizeof r->place - was, "[%d]", index);
    return was;
}

static void leave(reader *r, size_t was)
{
    r->place[was] = '\0';
}

/* Every key of o is one of the known ones (NULL-terminated), and appears once. */
static vkw_status known_keys(reader *r, const cJSON *o, const char *const *known, const char *what)
{
    for (const cJSON *k = o->child; k; k = k->next) {
        bool ok = false;
        for (size_t i = 0; known[i] && !ok; i++)
            ok = strcmp(k->string, known[i]) == 0;
        if (!ok) {
            char list[384] = "";
            for (size_t i = 0; known[i]; i++) {
                size_t n = strlen(list);
                snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", known[i]);
            }
            return bad(r, k->string, "unknown key in %s (known: %s)", what, list);
        }
        for (const cJSON *j = k->next; j; j = j->next)
            if (strcmp(k->string, j->string) == 0)
                return bad(r, k->string, "given twice");
    }
    return VKW_OK;
}

static const cJSON *member(const cJSON *o, const char *key)
{
    return cJSON_GetObjectItemCaseSensitive(o, key);
}

static vkw_status need(reader *r, const cJSON *o, const char *key, const cJSON **out)
{
    *out = member(o, key);
    if (!*out)
        return bad(r, key, "missing (required)");
    return VKW_OK;
}

/* A non-empty string of at most (cap - 1) / 4 characters (the text is valid
 * UTF-8: check_text made sure). */
static vkw_status text(reader *r, const cJSON *v, const char *key, char *out, size_t cap)
{
    char g[80];
    if (!cJSON_IsString(v) || !*v->valuestring)
        return bad(r, key, "expected a non-empty string, got %s", got(v, g, sizeof g));
    size_t chars = 0, most = (cap - 1) / 4;
    for (const char *p = v->valuestring; *p; p++)
        chars += ((unsigned char)*p & 0xC0) != 0x80;
    if (chars > most)
        return bad(r, key, "longer than %lu characters", (unsigned long)most);
    snprintf(out, cap, "%s", v->valuestring);
    return VKW_OK;
}

static vkw_status boolean(reader *r, const cJSON *v, const char *key, bool *out)
{
    char g[80];
    if (!cJSON_IsBool(v))
        return bad(r, key, "expected true or false, got %s", got(v, g, sizeof g));
    *out = cJSON_IsTrue(v);
    return VKW_OK;
}

/* A whole number in [min, max]; "positive integer" when min is 1. */
static vkw_status whole(reader *r, const cJSON *v, const char *key, double min, double max,
                        uint32_t *out)
{
    char g[80];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) ||
        v->valuedouble != floor(v->valuedouble) || v->valuedouble < min || v->valuedouble > max)
        return bad(r, key, "expected a %s integer (at most %.0f), got %s",
                   min >= 1 ? "positive" : "non-negative", max, got(v, g, sizeof g));
    *out = (uint32_t)v->valuedouble;
    return VKW_OK;
}

/* A number in (0, max]. */
static vkw_status positive(reader *r, const cJSON *v, const char *key, double max, double *out)
{
    char g[80];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || !(v->valuedouble > 0) ||
        v->valuedouble > max)
        return bad(r, key, "expected a number above 0 and at most %g, got %s", max,
                   got(v, g, sizeof g));
    *out = v->valuedouble;
    return VKW_OK;
}

/* A number from the option's min to its max. */
static vkw_status number(reader *r, const cJSON *v, const char *key, const vkw_option *opt,
                         double *out)
{
    char g[80];
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble) || v->valuedouble < (double)opt->min ||
        v->valuedouble > (double)opt->max)
        return bad(r, key, "expected a number from %llu to %llu, got %s",
                   (unsigned long long)opt->min, (unsigned long long)opt->max, got(v, g, sizeof g));
    *out = v->valuedouble;
    return VKW_OK;
}

/* One of the names (NULL-terminated); its index. */
static vkw_status one_of(reader *r, const cJSON *v, const char *key, const char *const *names,
                         uint32_t *out)
{
    char g[80];
    if (cJSON_IsString(v))
        for (uint32_t i = 0; names[i]; i++)
            if (strcmp(v->valuestring, names[i]) == 0) {
                *out = i;
                return VKW_OK;
            }
    char list[256] = "";
    for (size_t i = 0; names[i]; i++) {
        size_t n = strlen(list);
        snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", names[i]);
    }
    return bad(r, key, "expected one of %s, got %s", list, got(v, g, sizeof g));
}

/* A whole number in the option's bounds; one of its names. */
static vkw_status option_whole(reader *r, const cJSON *v, const char *key, const vkw_option *opt,
                               uint32_t *out)
{
    return whole(r, v, key, (double)opt->min, (double)opt->max, out);
}

static vkw_status option_one_of(reader *r, const cJSON *v, const char *key, const vkw_option *opt,
                                uint32_t *out)
{
    const char *names[65];
    uint32_t n = 0;
    for (; n + 1 < sizeof names / sizeof names[0] && opt->name(n); n++)
        names[n] = opt->name(n);
    names[n] = NULL;
    return one_of(r, v, key, names, out);
}

static vkw_status object(reader *r, const cJSON *v, const char *key)
{
    char g[80];
    if (!cJSON_IsObject(v))
        return bad(r, key, "expected an object, got %s", got(v, g, sizeof g));
    return VKW_OK;
}

static vkw_status array(reader *r, const cJSON *v, const char *key, int most, bool nonempty)
{
    char g[80];
    if (!cJSON_IsArray(v))
        return bad(r, key, "expected an array, got %s", got(v, g, sizeof g));
    int n = cJSON_GetArraySize(v);
    if (nonempty && n == 0)
        return bad(r, key, "expected at least one entry, got an empty array");
    if (n > most)
        return bad(r, key, "at most %d entries, got %d", most, n);
    return VKW_OK;
}

/* A handle type of the given table, and of the config's OS when it names one. */
static vkw_status handle_type(reader *r, const vkw_check_config *c, const cJSON *v, const char *key,
                              const vkw_handle_type *table, size_t count, const char *what,
                              uint32_t *out)
{
    char g[80];
    const vkw_handle_type *t =
        cJSON_IsString(v) ? vkw_handle_type_by_name(table, count, v->valuestring) : NULL;
    if (!t) {
        char names[512];
        uint32_t all = 0;
        for (size_t i = 0; i < count; i++)
            all |= table[i].bit;
        vkw_handle_mask_names(table, count, all, ", ", names, sizeof names);
        return bad(r, key, "expected a %s handle type (%s), got %s", what, names,
                   got(v, g, sizeof g));
    }
    if (c->has_os) {
        bool windows = c->os == VKW_OS_WINDOWS;
        if ((t->family == VKW_FAMILY_WIN32 && !windows) ||
            (t->family == VKW_FAMILY_POSIX_FD && windows))
            return bad(r, key, "%s is a %s handle type, but the config's os is %s", t->name,
                       t->family == VKW_FAMILY_WIN32 ? "Windows" : "POSIX fd",
                       windows ? "windows" : "linux");
    }
    *out = (uint32_t)(t - table);
    return VKW_OK;
}

static const struct {
    const char *name;
    uint32_t id;
} vendors[] = {
    {"amd", 0x1002},    {"apple", 0x106B},    {"arm", 0x13B5},   {"broadcom", 0x14E4},
    {"imgtec", 0x1010}, {"intel", 0x8086},    {"mesa", 0x10005}, {"microsoft", 0x1414},
    {"nvidia", 0x10DE}, {"qualcomm", 0x5143},
};

static vkw_status vendor(reader *r, const cJSON *v, uint32_t *out)
{
    char g[80];
    if (cJSON_IsNumber(v) && v->valuedouble >= 1 && v->valuedouble <= 0xFFFFFFFFu &&
        v->valuedouble == floor(v->valuedouble)) {
        *out = (uint32_t)v->valuedouble;
        return VKW_OK;
    }
    if (cJSON_IsString(v)) {
        const char *s = v->valuestring;
        for (size_t i = 0; i < sizeof vendors / sizeof vendors[0]; i++) {
            size_t k = 0;
            while (s[k] && tolower((unsigned char)s[k]) == vendors[i].name[k])
                k++;
            if (!s[k] && !vendors[i].name[k]) {
                *out = vendors[i].id;
                return VKW_OK;
            }
        }
        size_t digits = 0;
        bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
        while (hex && isxdigit((unsigned char)s[2 + digits]))
            digits++;
        unsigned long id =
            hex && digits >= 1 && digits <= 8 && !s[2 + digits] ? strtoul(s + 2, NULL, 16) : 0;
        if (id) {
            *out = (uint32_t)id;
            return VKW_OK;
        }
    }
    return bad(r, "vendor",
               "expected a vendor name (amd, apple, arm, broadcom, imgtec, intel, mesa, "
               "microsoft, nvidia, qualcomm), a PCI vendor id like \"0x10de\", or a number, "
               "got %s",
               got(v, g, sizeof g));
}

static vkw_status devices(reader *r, vkw_check_config *c, const cJSON *v)
{
    char g[80];
    if (cJSON_IsString(v)) {
        if (strcmp(v->valuestring, "all") != 0)
            return bad(r, "devices", "expected \"all\" or an array of selectors, got %s",
                       got(v, g, sizeof g));
        c->all_devices = true;
        return VKW_OK;
    }
    vkw_status s = array(r, v, "devices", VKW_CHECK_MAX_SELECTORS, true);
    if (s != VKW_OK)
        return s;
    static const char *const keys[] = {"index", "name", "vendor", "uuid", NULL};
    size_t was = enter(r, "devices", 0);
    int i = 0;
    for (const cJSON *e = v->child; e && s == VKW_OK; e = e->next, i++) {
        size_t at = enter(r, NULL, i);
        vkw_check_selector *sel = &c->selectors[c->selector_count++];
        const cJSON *f;
        s = object(r, e, NULL);
        if (s == VKW_OK)
            s = known_keys(r, e, keys, "a device selector");
        if (s == VKW_OK && !e->child)
            s = bad(r, NULL, "selects nothing: give index, name, vendor or uuid");
        if (s == VKW_OK && (f = member(e, "index"))) {
            sel->has_index = true;
            s = whole(r, f, "index", 0, 65535, &sel->index);
        }
        if (s == VKW_OK && (f = member(e, "name")))
            s = text(r, f, "name", sel->name_pattern, sizeof sel->name_pattern);
        if (s == VKW_OK && (f = member(e, "vendor"))) {
            sel->has_vendor = true;
            s = vendor(r, f, &sel->vendor_id);
        }
        if (s == VKW_OK && (f = member(e, "uuid"))) {
            sel->has_uuid = true;
            if (!cJSON_IsString(f) || vkw_uuid_parse(f->valuestring, sel->uuid) != 0)
                s = bad(r, "uuid", "expected a deviceUUID (32 hex digits, dashes allowed), got %s",
                        got(f, g, sizeof g));
        }
        leave(r, at);
    }
    leave(r, was);
    return s;
}

/* Who imports the capability's object: another API takes buffers (CUDA) or
 * buffers and images (GL), and semaphores; neither imports a fence. */
static vkw_status importer(reader *r, const cJSON *v, vkw_check_capability *cap)
{
    /* Vulkan, CUDA and GL (Direct3D's are the bench's only, for now). */
    const char *names[VKW_IMPORTER_GL + 2] = {NULL};
    for (uint32_t k = 0; k <= VKW_IMPORTER_GL; k++)
        names[k] = vkw_importer_words[k];
    uint32_t i = 0;
    vkw_status s = one_of(r, v, "importer", names, &i);
    if (s != VKW_OK)
        return s;
    cap->importer = (vkw_importer)i;
    if (cap->importer == VKW_IMPORTER_VULKAN)
        return VKW_OK;
    if (cap->object == VKW_CHECK_FENCE)
        return bad(r, "importer", "%s imports no fences (only vulkan does)", names[i]);
    if (cap->object == VKW_CHECK_IMAGE && cap->importer == VKW_IMPORTER_CUDA)
        return bad(r, "importer",
                   "cuda imports external memory as buffers here, not images: "
                   "use object buffer");
    if (cap->importable == VKW_WANT_ANY)
        return bad(r, "importer", "%s says who imports: give importable", names[i]);
    return VKW_OK;
}

static vkw_status capability(reader *r, vkw_check_config *c, const cJSON *e,
                             vkw_check_capability *cap)
{
    static const char *const keys[] = {"object",         "handle_type", "exportable", "importable",
                                       "dedicated_only", "importer",    NULL};
    static const char *const objects[] = {
        "buffer", "image", "binary-semaphore", "timeline-semaphore", "fence", NULL};
    snprintf(cap->source, sizeof cap->source, "%.31s", r->place);
    const cJSON *f = NULL;
    uint32_t o = 0;
    vkw_status s = object(r, e, NULL);
    if (s == VKW_OK)
        s = known_keys(r, e, keys, "a capability");
    if (s == VKW_OK)
        s = need(r, e, "object", &f);
    if (s == VKW_OK)
        s = one_of(r, f, "object", objects, &o);
    if (s != VKW_OK)
        return s;
    cap->object = (vkw_check_object)o;
    if ((s = need(r, e, "handle_type", &f)) != VKW_OK)
        return s;
    if (o <= VKW_CHECK_IMAGE)
        s = handle_type(r, c, f, "handle_type", vkw_memory_handle_types,
                        VKW_MEMORY_HANDLE_TYPE_COUNT, "memory", &cap->type_index);
    else if (o == VKW_CHECK_FENCE)
        s = handle_type(r, c, f, "handle_type", vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT,
                        "fence", &cap->type_index);
    else
        s = handle_type(r, c, f, "handle_type", vkw_semaphore_handle_types,
                        VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "semaphore", &cap->type_index);
    struct {
        const char *key;
        vkw_check_want *want;
    } flags[] = {{"exportable", &cap->exportable},
                 {"importable", &cap->importable},
                 {"dedicated_only", &cap->dedicated_only}};
    for (size_t k = 0; k < 3 && s == VKW_OK; k++) {
        bool b = false;
        if (!(f = member(e, flags[k].key)))
            continue;
        if (k == 2 && o > VKW_CHECK_IMAGE)
            return bad(r, "dedicated_only", "only buffers and images have dedicated allocations");
        if ((s = boolean(r, f, flags[k].key, &b)) == VKW_OK)
            *flags[k].want = b ? VKW_WANT_YES : VKW_WANT_NO;
    }
    if (s == VKW_OK && !cap->exportable && !cap->importable && !cap->dedicated_only)
        s = bad(r, NULL, "checks nothing: give exportable, importable or dedicated_only");
    if (s == VKW_OK && (f = member(e, "importer")))
        s = importer(r, f, cap);
    return s;
}

/* A size: bytes, or a string with a binary unit ("64K"). */
static vkw_status size_item(reader *r, const vkw_option *opt, const cJSON *e, uint64_t *bytes)
{
    char g[80], most[32];
    bool ok = cJSON_IsString(e) && vkw_size_parse(e->valuestring, bytes);
    if (cJSON_IsNumber(e) && e->valuedouble >= (double)opt->min &&
        e->valuedouble <= (double)opt->max && e->valuedouble == floor(e->valuedouble)) {
        *bytes = (uint64_t)e->valuedouble;
        ok = true;
    }
    if (!ok)
        return bad(r, NULL,
                   "expected a size from 1 byte to %s (bytes, or a string like "
                   "\"64K\", \"16M\", \"1G\"), got %s",
                   vkw_option_size_text(opt->max, most, sizeof most), got(e, g, sizeof g));
    return VKW_OK;
}

/* A list option of the bench table (sizes or names), each item once. */
static vkw_status option_list(reader *r, const vkw_check_config *c, const cJSON *v,
                              vkw_bench_option_id id, vkw_bench_options *o)
{
    const vkw_option *opt = &vkw_bench_option_table[id];
    vkw_status s = array(r, v, opt->key, (int)opt->max_items, true);
    size_t was = enter(r, opt->key, 0);
    int i = 0;
    vkw_bench_option_reset(id, o);
    for (const cJSON *e = s == VKW_OK ? v->child : NULL; e && s == VKW_OK; e = e->next, i++) {
        size_t at = enter(r, NULL, i);
        uint64_t value = 0;
        uint32_t k = 0;
        if (opt->type == VKW_OPTION_SIZES)
            s = size_item(r, opt, e, &value);
        else if (id == VKW_OPT_HANDLE_TYPES)
            s = handle_type(r, c, e, NULL, vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT,
                            "memory", &k);
        else
            s = option_one_of(r, e, NULL, opt, &k);
        value = opt->type == VKW_OPTION_SIZES ? value : k;
        if (s == VKW_OK && vkw_bench_option_store(id, o, value) == VKW_OPTION_TWICE)
            s = bad(r, NULL, "given twice");
        leave(r, at);
    }
    leave(r, was);
    return s;
}

/* A bench's key of the bench table. */
static vkw_status option(reader *r, const vkw_check_config *c, const cJSON *f,
                         vkw_bench_option_id id, vkw_bench_options *o)
{
    const vkw_option *opt = &vkw_bench_option_table[id];
    uint32_t v = 0;
    bool b = false;
    vkw_status s = VKW_OK;
    switch (opt->type) {
    case VKW_OPTION_UINT: s = option_whole(r, f, opt->key, opt, &v); break;
    case VKW_OPTION_FLAG:
        s = boolean(r, f, opt->key, &b);
        v = b;
        break;
    case VKW_OPTION_ENUM: s = option_one_of(r, f, opt->key, opt, &v); break;
    case VKW_OPTION_SIZES:
    case VKW_OPTION_NAMES: return option_list(r, c, f, id, o);
    case VKW_OPTION_CPUS:
    case VKW_OPTION_TEXT:
    case VKW_OPTION_DURATION:
    case VKW_OPTION_NUMBER: break; /* none of the bench's has a key */
    }
    if (s == VKW_OK)
        vkw_bench_option_store(id, o, v);
    return s;
}

static vkw_status expectations(reader *r, const cJSON *v, vkw_check_bench *b)
{
    static const char *const memory_keys[] = {"verified", "leaked_handles_max", "verify_gbps_min",
                                              "imported_vs_local_min", NULL};
    static const char *const sync_keys[] = {"passes",        "p50_us_max",    "p99_us_max",
                                            "ratio_p50_max", "ratio_p99_max", NULL};
    static const char *const stress_keys[] = {
        "passes",     "leak_per_min_max", "resident_mib_per_min_max",
        "p99_us_max", "ops_per_s_min",    "faults_undetected_max",
        NULL};
    const char *const *keys = b->memory ? memory_keys : b->stress ? stress_keys : sync_keys;
    vkw_status s = object(r, v, "expect");
    size_t was = enter(r, "expect", 0);
    if (s == VKW_OK)
        s = known_keys(r, v, keys,
                       b->memory   ? "a memory bench's expect"
                       : b->stress ? "a stress bench's expect"
                                   : "a round-trips bench's expect");
    if (s == VKW_OK && !v->child) {
        char list[192] = "";
        for (size_t i = 0; keys[i]; i++) {
            size_t n = strlen(list);
            snprintf(list + n, sizeof list - n, "%s%s", i ? ", " : "", keys[i]);
        }
        s = bad(r, NULL, "expects nothing: give at least one of %s", list);
    }
    for (const cJSON *f = s == VKW_OK ? v->child : NULL; f && s == VKW_OK; f = f->next) {
        vkw_check_threshold *t = &b->thresholds[b->threshold_count++];
        uint32_t n = 0;
        for (uint32_t m = 0; m < VKW_METRIC_COUNT; m++)
            if (strcmp(f->string, vkw_check_metric_key((vkw_check_metric)m)) == 0)
                t->metric = (vkw_check_metric)m;
        switch (t->metric) {
        case VKW_METRIC_VERIFIED:
        case VKW_METRIC_PASSES:
            if (!cJSON_IsTrue(f)) {
                char g[80];
                s = bad(r, f->string,
                        "expected true (to check nothing, leave the key out), "
                        "got %s",
                        got(f, g, sizeof g));
            }
            break;
        case VKW_METRIC_LEAKS_MAX:
            s = whole(r, f, f->string, 0, 1000000, &n);
            t->limit = n;
            break;
        case VKW_METRIC_VERIFY_GBPS_MIN: s = positive(r, f, f->string, 100000, &t->limit); break;
        case VKW_METRIC_IMPORTED_VS_LOCAL_MIN:
            s = positive(r, f, f->string, 1000, &t->limit);
            break;
        case VKW_METRIC_P50_US_MAX:
        case VKW_METRIC_P99_US_MAX:
            s = positive(r, f, f->string,
                         b->stress ? (double)vkw_stress_option_table[VKW_SOPT_P99_MAX].max : 3.6e9,
                         &t->limit);
            break;
        /* A stress bench's limits: the bounds of the stress options that set them. */
        case VKW_METRIC_LEAK_PER_MIN_MAX:
            s = number(r, f, f->string, &vkw_stress_option_table[VKW_SOPT_LEAK_MAX], &t->limit);
            break;
        case VKW_METRIC_RESIDENT_PER_MIN_MAX:
            s = number(r, f, f->string, &vkw_stress_option_table[VKW_SOPT_RESIDENT_MAX], &t->limit);
            break;
        case VKW_METRIC_OPS_PER_S_MIN:
            s = positive(r, f, f->string, (double)vkw_stress_option_table[VKW_SOPT_RATE_MIN].max,
                         &t->limit);
            break;
        case VKW_METRIC_FAULTS_UNDETECTED_MAX:
            s = option_whole(r, f, f->string, &vkw_stress_option_table[VKW_SOPT_UNDETECTED_MAX],
                             &n);
            t->limit = n;
            break;
        case VKW_METRIC_RATIO_P50_MAX:
        case VKW_METRIC_RATIO_P99_MAX: s = positive(r, f, f->string, 1e6, &t->limit); break;
        case VKW_METRIC_COUNT: break;
        }
    }
    leave(r, was);
    return s;
}

/* A round-trip bench's handle type: a semaphore type for its semaphore modes,
 * a fence type for the fence mode (the names are the same where both exist). */
static vkw_status sync_handle_type(reader *r, const vkw_check_config *c, const cJSON *f,
                                   vkw_check_bench *b)
{
    const uint32_t fence = 1u << VKW_SYNC_FENCE, os = 1u << VKW_SYNC_OS,
                   binary = 1u << VKW_SYNC_QUEUE_BINARY;
    uint32_t modes = b->options.sync_modes, index = 0;
    vkw_status s = VKW_OK;
    if (!(modes & ~os))
        return bad(r, "handle_type",
                   "only the os mode is listed, and OS primitives have no "
                   "Vulkan handle type");
    if (modes & ~(os | fence))
        s = handle_type(r, c, f, "handle_type", vkw_semaphore_handle_types,
                        VKW_SEMAPHORE_HANDLE_TYPE_COUNT, "semaphore", &index);
    if (s == VKW_OK && (modes & fence))
        s = handle_type(r, c, f, "handle_type", vkw_fence_handle_types, VKW_FENCE_HANDLE_TYPE_COUNT,
                        "fence (the fence mode is listed)", &index);
    if (s == VKW_OK && strcmp(f->valuestring, "SYNC_FD") == 0 && (modes & ~(os | fence | binary)))
        s = bad(r, "handle_type",
                "SYNC_FD semaphores are binary; host-timeline, "
                "queue-timeline and gpu-chain need timeline semaphores");
    if (s == VKW_OK)
        snprintf(b->sync_type_name, sizeof b->sync_type_name, "%s", f->valuestring);
    return s;
}

/* JSON numbers are exact to 2^53 - 1: a whole number past it is refused. */
#define JSON_WHOLE_MAX 9007199254740991.0

/* A stress bench's key of the stress table. */
static vkw_status stress_option(reader *r, const cJSON *f, vkw_stress_option_id id,
                                vkw_stress_options *o)
{
    const vkw_option *opt = &vkw_stress_option_table[id];
    char g[80];
    uint64_t v = 0;
    double d = 0;
    uint32_t k = 0;
    vkw_status s = VKW_OK;
    switch (opt->type) {
    case VKW_OPTION_UINT: {
        double most = fmin((double)opt->max, JSON_WHOLE_MAX);
        if (!cJSON_IsNumber(f) || !isfinite(f->valuedouble) ||
            f->valuedouble != floor(f->valuedouble) || f->valuedouble < (double)opt->min ||
            f->valuedouble > most)
            return bad(r, opt->key, "expected a %s integer (at most %.0f), got %s",
                       opt->min >= 1 ? "positive" : "non-negative", most, got(f, g, sizeof g));
        v = (uint64_t)f->valuedouble;
        break;
    }
    case VKW_OPTION_DURATION:
        if (!cJSON_IsString(f) || !vkw_duration_parse(f->valuestring, &v) || v < opt->min ||
            v > opt->max)
            return bad(r, opt->key,
                       "expected a time from %llu ms to %llu h (digits and ms, s, m or h: "
                       "\"20s\", \"10m\"), got %s",
                       (unsigned long long)opt->min, (unsigned long long)(opt->max / 3600000u),
                       got(f, g, sizeof g));
        break;
    case VKW_OPTION_NUMBER: s = number(r, f, opt->key, opt, &d); break;
    case VKW_OPTION_ENUM:
        s = option_one_of(r, f, opt->key, opt, &k);
        v = k;
        break;
    case VKW_OPTION_NAMES: {
        s = array(r, f, opt->key, (int)opt->max_items, true);
        size_t was = enter(r, opt->key, 0);
        int i = 0;
        for (const cJSON *e = s == VKW_OK ? f->child : NULL; e && s == VKW_OK; e = e->next, i++) {
            size_t at = enter(r, NULL, i);
            s = option_one_of(r, e, NULL, opt, &k);
            if (s == VKW_OK && (v & (1ull << k)))
                s = bad(r, NULL, "given twice");
            v |= 1ull << k;
            leave(r, at);
        }
        leave(r, was);
        break;
    }
    default: return bad(r, opt->key, "not a config key"); /* none of the table's */
    }
    if (s == VKW_OK)
        vkw_stress_option_store(id, o, v, d);
    return s;
}

/* A bench of "part": "stress": the keys of the stress table, the bench's it
 * shares (sizes, handle_types, scenarios), and its expect. The run always has
 * a duration (given or the default), at most an hour: a lab's gate. */
static vkw_status stress_bench(reader *r, vkw_check_config *c, const cJSON *e, vkw_check_bench *b)
{
    static const char *const own[] = {"name", "part", "expect"};
    b->stress = true;
    vkw_stress_options *so = &b->stress_options;
    vkw_stress_options_default(so);
    const char *keys[VKW_BENCH_OPTION_COUNT + VKW_STRESS_OPTION_COUNT + 4];
    size_t n = 0;
    for (size_t k = 0; k < 3; k++)
        keys[n++] = own[k];
    for (uint32_t id = 0; id < VKW_BENCH_OPTION_COUNT; id++)
        if (vkw_bench_option_table[id].key &&
            (vkw_bench_option_table[id].config & VKW_CONFIG_STRESS))
            keys[n++] = vkw_bench_option_table[id].key;
    for (uint32_t id = 0; id < VKW_STRESS_OPTION_COUNT; id++)
        if (vkw_stress_option_table[id].key &&
            (vkw_stress_option_table[id].config & VKW_CONFIG_STRESS))
            keys[n++] = vkw_stress_option_table[id].key;
    keys[n] = NULL;
    const cJSON *f = NULL;
    vkw_status s = known_keys(r, e, keys, "a stress bench");
    if (s == VKW_OK && (s = need(r, e, "name", &f)) == VKW_OK)
        s = text(r, f, "name", b->name, sizeof b->name);
    for (uint32_t id = 0; id < VKW_BENCH_OPTION_COUNT && s == VKW_OK; id++) {
        const vkw_option *opt = &vkw_bench_option_table[id];
        if (!opt->key || !(opt->config & VKW_CONFIG_STRESS) || !(f = member(e, opt->key)))
            continue;
        s = option(r, c, f, (vkw_bench_option_id)id, &b->options);
        if (s != VKW_OK)
            break;
        switch ((vkw_bench_option_id)id) {
        case VKW_OPT_SIZES:
            if (b->options.size_count > VKW_STRESS_SIZES_MAX)
                s = bad(r, opt->key, "at most %u sizes in a stress bench, got %u",
                        VKW_STRESS_SIZES_MAX, b->options.size_count);
            so->size_count = b->options.size_count;
            memcpy(so->sizes, b->options.sizes,
                   (so->size_count < VKW_STRESS_SIZES_MAX ? so->size_count : VKW_STRESS_SIZES_MAX) *
                       sizeof so->sizes[0]);
            break;
        case VKW_OPT_HANDLE_TYPES: so->handle_types = b->options.handle_types; break;
        case VKW_OPT_SCENARIOS: so->scenario_kinds = b->options.scenario_kinds; break;
        default: break;
        }
    }
    for (uint32_t id = 0; id < VKW_STRESS_OPTION_COUNT && s == VKW_OK; id++) {
        const vkw_option *opt = &vkw_stress_option_table[id];
        if (opt->key && (opt->config & VKW_CONFIG_STRESS) && (f = member(e, opt->key)))
            s = stress_option(r, f, (vkw_stress_option_id)id, so);
    }
    if (s == VKW_OK && so->duration_ms > VKW_CHECK_STRESS_DURATION_MAX_MS)
        s = bad(r, "duration",
                "at most 1h in a check config (a lab's gate; `vkwin32h stress` runs longer), "
                "got \"%s\"",
                member(e, "duration")->valuestring);
    if (s == VKW_OK && (s = need(r, e, "expect", &f)) == VKW_OK)
        s = expectations(r, f, b);
    return s;
}

/* The keys of a bench beside its options': for memory benches, for round-trip benches. */
static const char *const bench_keys[2][4] = {{"name", "part", "expect", NULL},
                                             {"name", "part", "expect", "handle_type"}};

static vkw_status bench(reader *r, vkw_check_config *c, const cJSON *e, vkw_check_bench *b)
{
    const vkw_option *parts = &vkw_bench_option_table[VKW_OPT_PARTS];
    snprintf(b->source, sizeof b->source, "%.31s", r->place);
    vkw_bench_options_default(&b->options);
    const cJSON *f = NULL;
    uint32_t part = 0;
    /* The bench's parts, and stress. */
    const char *part_names[8];
    uint32_t part_count = 0;
    while (part_count + 2 < sizeof part_names / sizeof part_names[0] && parts->name(part_count)) {
        part_names[part_count] = parts->name(part_count);
        part_count++;
    }
    part_names[part_count] = "stress";
    part_names[part_count + 1] = NULL;
    vkw_status s = object(r, e, NULL);
    if (s == VKW_OK)
        s = need(r, e, "part", &f);
    if (s == VKW_OK)
        s = one_of(r, f, "part", part_names, &part);
    if (s != VKW_OK)
        return s;
    if (part == part_count)
        return stress_bench(r, c, e, b);
    b->memory = part == 0;
    vkw_bench_options *o = &b->options;
    vkw_bench_option_reset(VKW_OPT_PARTS, o);
    vkw_bench_option_store(VKW_OPT_PARTS, o, part);
    /* Its keys: the bench table's for its part, and its own. */
    const uint32_t where = b->memory ? VKW_CONFIG_MEMORY : VKW_CONFIG_ROUND_TRIPS;
    const char *keys[VKW_BENCH_OPTION_COUNT + 5];
    size_t n = 0;
    for (size_t k = 0; k < 4 && bench_keys[!b->memory][k]; k++)
        keys[n++] = bench_keys[!b->memory][k];
    for (uint32_t id = 0; id < VKW_BENCH_OPTION_COUNT; id++)
        if (vkw_bench_option_table[id].key && (vkw_bench_option_table[id].config & where))
            keys[n++] = vkw_bench_option_table[id].key;
    keys[n] = NULL;
    if ((s = known_keys(r, e, keys, b->memory ? "a memory bench" : "a round-trips bench")) !=
        VKW_OK)
        return s;
    if ((s = need(r, e, "name", &f)) != VKW_OK ||
        (s = text(r, f, "name", b->name, sizeof b->name)) != VKW_OK)
        return s;
    if (!b->memory && (s = need(r, e, "modes", &f)) != VKW_OK)
        return s;
    for (uint32_t id = 0; id < VKW_BENCH_OPTION_COUNT && s == VKW_OK; id++) {
        const vkw_option *opt = &vkw_bench_option_table[id];
        if (!opt->key || !(opt->config & where))
            continue;
        if ((f = member(e, opt->key)))
            s = option(r, c, f, (vkw_bench_option_id)id, o);
        else if (opt->config_def) /* a config's default of its own */
            s = vkw_bench_option_parse((vkw_bench_option_id)id, opt->key, opt->config_def, o,
                                       r->err);
    }
    if (s == VKW_OK && o->nt_names && !(c->has_os && c->os == VKW_OS_WINDOWS))
        s = bad(r, "nt_names", "NT handles exist on Windows only: give \"os\": \"windows\"");
    if (s == VKW_OK && (f = member(e, "handle_type")))
        s = sync_handle_type(r, c, f, b);
    if (s == VKW_OK && (s = need(r, e, "expect", &f)) == VKW_OK)
        s = expectations(r, f, b);
    b->listed_modes = o->sync_modes;
    if (s == VKW_OK && (o->sync_modes & (1u << VKW_SYNC_GPU_CHAIN)) && member(f, "ratio_p99_max"))
        s = bad(r, "expect.ratio_p99_max",
                "gpu-chain has no p99 ratio (each of its samples is "
                "the mean of a chain): give ratio_p50_max, or list "
                "gpu-chain in a bench of its own");
    /* Ratios need the OS baseline of the same run, and every figure of a
     * round-trip bench is reported as a ratio: the OS pairs always run. */
    o->sync_modes |= b->memory ? 0 : 1u << VKW_SYNC_OS;
    return s;
}

static vkw_status reports(reader *r, vkw_check_config *c, const cJSON *v)
{
    static const char *const keys[] = {"json", "junit", "summary", NULL};
    vkw_status s = object(r, v, "reports");
    size_t was = enter(r, "reports", 0);
    const cJSON *f;
    if (s == VKW_OK)
        s = known_keys(r, v, keys, "reports");
    if (s == VKW_OK && (f = member(v, "json")))
        s = text(r, f, "json", c->json_path, sizeof c->json_path);
    if (s == VKW_OK && (f = member(v, "junit")))
        s = text(r, f, "junit", c->junit_path, sizeof c->junit_path);
    if (s == VKW_OK && (f = member(v, "summary")))
        s = text(r, f, "summary", c->summary_path, sizeof c->summary_path);
    leave(r, was);
    return s;
}

/* Where cJSON stopped, as line and column, for "not JSON" messages. */
static void position(const char *text, const char *at, unsigned *line, unsigned *col)
{
    *line = 1;
    *col = 1;
    for (const char *p = text; p < at && *p; p++) {
        if (*p == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static vkw_status document(reader *r, vkw_check_config *c, const cJSON *root)
{
    static const char *const keys[] = {
        "$schema",    "name",    "description",  "os",      "loader",  "validate", "timeout_s",
        "deadline_s", "devices", "capabilities", "benches", "reports", NULL};
    static const char *const oses[] = {"linux", "windows", NULL};
    const cJSON *f = NULL;
    vkw_status s = VKW_OK;
    char g[80];
    if (!cJSON_IsObject(root))
        return bad(r, NULL, "expected an object at the top, got %s", got(root, g, sizeof g));
    if ((s = known_keys(r, root, keys, "the config")) != VKW_OK)
        return s;
    if ((f = member(root, "$schema")) && !cJSON_IsString(f))
        return bad(r, "$schema", "expected a string, got %s", got(f, g, sizeof g));
    if ((f = member(root, "name")) && (s = text(r, f, "name", c->name, sizeof c->name)))
        return s;
    if ((f = member(root, "description")) &&
        (s = text(r, f, "description", c->description, sizeof c->description)))
        return s;
    if ((f = member(root, "os"))) {
        uint32_t os = 0;
        if ((s = one_of(r, f, "os", oses, &os)) != VKW_OK)
            return s;
        c->has_os = true;
        c->os = os ? VKW_OS_WINDOWS : VKW_OS_LINUX;
    }
    if ((f = member(root, "loader")) && (s = text(r, f, "loader", c->loader, sizeof c->loader)))
        return s;
    if ((f = member(root, "validate")) && (s = boolean(r, f, "validate", &c->validate)))
        return s;
    /* The bench table's top-level keys: the timeout (in the options of every
     * bench the check runs) and the deadline. */
    vkw_bench_options timeout;
    vkw_bench_options_default(&timeout);
    if ((f = member(root, "timeout_s")) &&
        (s = option(r, c, f, VKW_OPT_TIMEOUT, &timeout)) != VKW_OK)
        return s;
    c->timeout_ms = timeout.timeout_ms;
    if ((f = member(root, "deadline_s")) &&
        (s = option_whole(r, f, "deadline_s", &vkw_bench_option_table[VKW_OPT_DEADLINE],
                          &c->deadline_s)) != VKW_OK)
        return s;
    if ((s = need(r, root, "devices", &f)) != VKW_OK || (s = devices(r, c, f)) != VKW_OK)
        return s;
    if ((f = member(root, "capabilities"))) {
        if ((s = array(r, f, "capabilities", VKW_CHECK_MAX_CAPABILITIES, false)) != VKW_OK)
            return s;
        size_t was = enter(r, "capabilities", 0);
        int i = 0;
        for (const cJSON *e = f->child; e && s == VKW_OK; e = e->next, i++) {
            size_t at = enter(r, NULL, i);
            s = capability(r, c, e, &c->capabilities[c->capability_count++]);
            leave(r, at);
        }
        leave(r, was);
        if (s != VKW_OK)
            return s;
    }
    if ((f = member(root, "benches"))) {
        if ((s = array(r, f, "benches", VKW_CHECK_MAX_BENCHES, false)) != VKW_OK)
            return s;
        size_t was = enter(r, "benches", 0);
        int i = 0;
        for (const cJSON *e = f->child; e && s == VKW_OK; e = e->next, i++) {
            size_t at = enter(r, NULL, i);
            vkw_check_bench *b = &c->benches[c->bench_count++];
            s = bench(r, c, e, b);
            /* Reports and compare find a bench's runs by its name. */
            for (uint32_t k = 0; s == VKW_OK && k + 1 < c->bench_count; k++)
                if (strcmp(c->benches[k].name, b->name) == 0)
                    s = bad(r, "name", "\"%s\" is the name of %s too: bench names must differ",
                            b->name, c->benches[k].source);
            leave(r, at);
        }
        leave(r, was);
        if (s != VKW_OK)
            return s;
    }
    if ((f = member(root, "reports")) && (s = reports(r, c, f)) != VKW_OK)
        return s;
    if (!c->capability_count && !c->bench_count)
        return bad(r, NULL, "checks nothing: give capabilities or benches");
    return VKW_OK;
}

/* What cJSON lets through and JSON (RFC 8259) does not: bytes that are not
 * UTF-8, raw control characters, "\u0000" (it would cut a string short
 * silently), and numbers such as 01 or 1. . Fails naming the line and column. */
static vkw_status check_text(const char *path, const char *json, size_t len, vkw_error *err)
{
    bool in_string = false;
    const char *problem = NULL;
    size_t i = 0;
    while (i < len && !problem) {
        unsigned char ch = (unsigned char)json[i];
        if (ch >= 0x80) {
            /* One UTF-8 sequence: its length from the lead byte, no overlong
             * forms, no surrogates, nothing past U+10FFFF. */
            size_t n = ch >= 0xF0 && ch <= 0xF4  ? 4
                       : ch >= 0xE0              ? 3
                       : ch >= 0xC2 && ch < 0xE0 ? 2
                                                 : 0;
            unsigned char c1 = i + 1 < len ? (unsigned char)json[i + 1] : 0;
            bool ok = n && i + n <= len;
            for (size_t k = 1; ok && k < n; k++)
                ok = ((unsigned char)json[i + k] & 0xC0) == 0x80;
            if (ok && n == 3)
                ok = !(ch == 0xE0 && c1 < 0xA0) && !(ch == 0xED && c1 >= 0xA0);
            if (ok && n == 4)
                ok = !(ch == 0xF0 && c1 < 0x90) && !(ch == 0xF4 && c1 >= 0x90);
            if (!ok)
                problem = "not UTF-8";
            i += ok ? n : 0;
            continue;
        }
        if (ch < 0x20 && (in_string || (ch != '\t' && ch != '\n' && ch != '\r'))) {
            problem = in_string ? "a raw control character in a string (escape it)"
                                : "a control character";
            continue;
        }
        if (in_string) {
            if (ch == '"')
                in_string = false;
            else if (ch == '\\') {
                if (i + 5 < len && json[i + 1] == 'u' && strncmp(json + i + 2, "0000", 4) == 0)
                    problem = "\"\\u0000\" in a string";
                i++; /* the escaped character */
            }
            i++;
            continue;
        }
        if (ch == '"') {
            in_string = true;
        } else if (ch == '-' || (ch >= '0' && ch <= '9')) {
            /* -?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)? */
            size_t k = i + (ch == '-');
            if (k < len && json[k] == '0')
                k++;
            else if (k < len && json[k] >= '1' && json[k] <= '9')
                while (k < len && json[k] >= '0' && json[k] <= '9')
                    k++;
            else
                problem = "a malformed number";
            if (!problem && k < len && json[k] == '.') {
                size_t digits = ++k;
                while (k < len && json[k] >= '0' && json[k] <= '9')
                    k++;
                problem = k == digits ? "a malformed number" : NULL;
            }
            if (!problem && k < len && (json[k] == 'e' || json[k] == 'E')) {
                k += k + 1 < len && (json[k + 1] == '+' || json[k + 1] == '-') ? 2 : 1;
                size_t digits = k;
                while (k < len && json[k] >= '0' && json[k] <= '9')
                    k++;
                problem = k == digits ? "a malformed number" : NULL;
            }
            if (!problem && k < len && json[k] >= '0' && json[k] <= '9')
                problem = "a number with a leading zero";
            if (!problem)
                i = k;
            continue;
        }
        i++;
    }
    if (!problem)
        return VKW_OK;
    unsigned line = 0, col = 0;
    position(json, json + i, &line, &col);
    return vkw_fail(err, VKW_E_INVALID_ARG, "config '%s': not valid JSON: %s (line %u, column %u)",
                    path, problem, line, col);
}

vkw_status vkw_check_config_parse(const char *path, const char *json, size_t len,
                                  vkw_check_config *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    snprintf(out->path, sizeof out->path, "%s", path);
    char shown[120];
    vkw_text_escape(path, shown, sizeof shown);
    path = shown; /* from here on, only in messages */
    reader r = {.file = shown, .err = err};
    size_t blank = 0;
    while (blank < len && isspace((unsigned char)json[blank]))
        blank++;
    if (blank == len)
        return vkw_fail(err, VKW_E_INVALID_ARG, "config '%s': empty file, expected a JSON object",
                        path);
    const char *end = NULL;
    vkw_status s = check_text(path, json, len, err);
    if (s != VKW_OK)
        return s;
    /* The terminator counted in: cJSON checks it is the end of the document. */
    cJSON *root = cJSON_ParseWithLengthOpts(json, len + 1, &end, true);
    if (!root) {
        unsigned line = 0, col = 0;
        const char *at = cJSON_GetErrorPtr();
        position(json, at ? at : json, &line, &col);
        return vkw_fail(err, VKW_E_INVALID_ARG, "config '%s': not valid JSON (line %u, column %u)",
                        path, line, col);
    }
    s = document(&r, out, root);
    cJSON_Delete(root);
    return s;
}

vkw_status vkw_check_config_load(const char *path, vkw_check_config *out, vkw_error *err)
{
    char *json = NULL;
    size_t len = 0;
    vkw_status s = vkw_read_text_file(path, "config", 1u << 20, &json, &len, err);
    if (s == VKW_OK)
        s = vkw_check_config_parse(path, json, len, out, err);
    free(json);
    return s;
}

/* '*' any run, '?' any one character; case-insensitive. */
static bool glob_match(const char *p, const char *s)
{
    const char *star = NULL, *resume = NULL;
    while (*s) {
        if (*p == '*') {
            star = p++;
            resume = s;
        } else if (*p == '?' || tolower((unsigned char)*p) == tolower((unsigned char)*s)) {
            p++;
            s++;
        } else if (star) {
            p = star + 1;
            s = ++resume;
        } else {
            return false;
        }
    }
    while (*p == '*')
        p++;
    return !*p;
}

bool vkw_check_selector_match(const vkw_check_selector *s, uint32_t index, const char *name,
                              uint32_t vendor_id, const uint8_t *device_uuid)
{
    if (s->has_index && s->index != index)
        return false;
    if (s->name_pattern[0] && !glob_match(s->name_pattern, name))
        return false;
    if (s->has_vendor && s->vendor_id != vendor_id)
        return false;
    if (s->has_uuid && (!device_uuid || memcmp(s->uuid, device_uuid, VK_UUID_SIZE) != 0))
        return false;
    return true;
}
