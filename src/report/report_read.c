/* The one place a JSON report becomes typed structs again (cJSON stays in
 * this file and in the writer). */
#include "report_read.h"

#include <cjson/cJSON.h>
#include <stdlib.h>
#include <string.h>

#include "json_file.h"
#include "report_vocab.h"

typedef struct rd {
    const char *path;
    vkw_error *err;
    vkw_status s;
} rd;

static const cJSON *get(const cJSON *o, vkw_report_key k)
{
    return cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, vkw_report_keys[k].text) : NULL;
}

static const char *text(const cJSON *o, vkw_report_key k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static double number(const cJSON *o, vkw_report_key k)
{
    const cJSON *v = get(o, k);
    return cJSON_IsNumber(v) ? v->valuedouble : 0;
}

/* A device named by its Vulkan index (the devices' "index"), as a position
 * in devices; -1 when none has it. */
static int32_t device_at(const vkw_read_report *r, const cJSON *o, vkw_report_key k)
{
    const cJSON *v = get(o, k);
    if (!cJSON_IsNumber(v))
        return -1;
    for (uint32_t i = 0; i < r->device_count; i++)
        if ((double)r->devices[i].index == v->valuedouble)
            return (int32_t)i;
    return -1;
}

/* An array of n structs of size each, zeroed; NULL (and the failure kept)
 * when out of memory. */
/* A position in devices as the bench part gives it; -1 when out of range. */
static int32_t device_pos(const vkw_read_report *r, const cJSON *o, vkw_report_key k)
{
    const cJSON *v = get(o, k);
    if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble >= r->device_count)
        return -1;
    return (int32_t)v->valuedouble;
}

static void *array_for(rd *c, const cJSON *a, size_t size, uint32_t *n)
{
    *n = cJSON_IsArray(a) ? (uint32_t)cJSON_GetArraySize(a) : 0;
    void *p = calloc(*n ? *n : 1, size);
    if (!p && c->s == VKW_OK)
        c->s = vkw_fail(c->err, VKW_E_NO_MEMORY, "out of host memory reading report '%s'", c->path);
    if (!p)
        *n = 0;
    return p;
}

static void caps(rd *c, const cJSON *d, vkw_read_device *dev)
{
    uint32_t total = 0;
    const cJSON *mem = get(d, VKW_KEY_EXTERNAL_MEMORY), *sem = get(d, VKW_KEY_EXTERNAL_SEMAPHORES),
                *fen = get(d, VKW_KEY_EXTERNAL_FENCES);
    uint32_t nm = cJSON_IsArray(mem) ? (uint32_t)cJSON_GetArraySize(mem) : 0;
    uint32_t ns = cJSON_IsArray(sem) ? (uint32_t)cJSON_GetArraySize(sem) : 0;
    uint32_t nf = cJSON_IsArray(fen) ? (uint32_t)cJSON_GetArraySize(fen) : 0;
    dev->caps = calloc(nm + 2 * ns + nf + 1, sizeof *dev->caps);
    if (!dev->caps) {
        if (c->s == VKW_OK)
            c->s = vkw_fail(c->err, VKW_E_NO_MEMORY, "out of host memory reading report '%s'",
                            c->path);
        return;
    }
    struct {
        const cJSON *arr;
        vkw_cap_group group;
        vkw_report_key sub; /* semaphores: binary or timeline; else none */
    } parts[] = {{mem, VKW_CAP_MEMORY, VKW_REPORT_KEY_COUNT},
                 {sem, VKW_CAP_SEMAPHORE_BINARY, VKW_KEY_BINARY},
                 {sem, VKW_CAP_SEMAPHORE_TIMELINE, VKW_KEY_TIMELINE},
                 {fen, VKW_CAP_FENCE, VKW_REPORT_KEY_COUNT}};
    for (size_t p = 0; p < sizeof parts / sizeof parts[0]; p++) {
        const cJSON *e;
        cJSON_ArrayForEach(e, parts[p].arr)
        {
            const cJSON *v = get(e, VKW_KEY_VERDICT);
            if (parts[p].sub != VKW_REPORT_KEY_COUNT)
                v = get(v, parts[p].sub);
            vkw_read_cap *cap = &dev->caps[total++];
            cap->group = parts[p].group;
            cap->handle_type = text(e, VKW_KEY_HANDLE_TYPE);
            cap->verdict_text = text(v, VKW_KEY_VERDICT_CODE);
            cap->verdict = vkw_vocab_find(&vkw_vocab_verdict, cap->verdict_text);
            cap->detail = text(v, VKW_KEY_DETAIL);
        }
    }
    dev->cap_count = total;
}

static void summary(const cJSON *o, vkw_read_summary *out)
{
    out->present = cJSON_IsObject(o);
    out->count = (uint32_t)number(o, VKW_KEY_COUNT);
    out->min = number(o, VKW_KEY_MIN);
    out->median = number(o, VKW_KEY_MEDIAN);
    out->max = number(o, VKW_KEY_MAX);
}

static void scenario(const cJSON *o, vkw_read_scenario *sc)
{
    sc->handle_type = text(o, VKW_KEY_HANDLE_TYPE);
    sc->scenario = text(o, VKW_KEY_SCENARIO);
    sc->importer = text(o, VKW_KEY_IMPORTER);
    if (!sc->importer)
        sc->importer = vkw_vocab_word(&vkw_vocab_importer, 0); /* made before --importer */
    sc->exporter = text(o, VKW_KEY_EXPORTER);
    if (!sc->exporter)
        sc->exporter = vkw_vocab_word(&vkw_vocab_exporter, 0); /* made before --exporter */
    sc->size = number(o, VKW_KEY_SIZE_REQUESTED);
    sc->outcome_text = text(o, VKW_KEY_OUTCOME);
    sc->outcome = vkw_vocab_find(&vkw_vocab_memory_outcome, sc->outcome_text);
    sc->reason = text(o, VKW_KEY_REASON);
    const cJSON *ph = get(o, VKW_KEY_PHASES_US);
    for (uint32_t p = 0; p < vkw_vocab_phase.count && p < VKW_READ_PHASE_COUNT; p++)
        summary(cJSON_IsObject(ph) ? cJSON_GetObjectItemCaseSensitive(ph, vkw_vocab_phase.words[p])
                                   : NULL,
                &sc->phases[p]);
    const cJSON *v = get(o, VKW_KEY_VERIFY);
    sc->child_gbps = number(v, VKW_KEY_CHILD_GBPS);
    sc->parent_gbps = number(v, VKW_KEY_PARENT_GBPS);
    static const vkw_report_key dir_key[2] = {VKW_KEY_IVL_WRITE, VKW_KEY_IVL_READ};
    const cJSON *ivl = get(o, VKW_KEY_IMPORTED_VS_LOCAL);
    sc->ivl_measured = cJSON_IsTrue(get(ivl, VKW_KEY_IVL_MEASURED));
    for (uint32_t d = 0; sc->ivl_measured && d < 2; d++) {
        const cJSON *dir = get(ivl, dir_key[d]);
        sc->ivl_ratio[d] = number(dir, VKW_KEY_IVL_RATIO);
        summary(get(dir, VKW_KEY_IMPORTED_US), &sc->ivl_imported[d]);
        summary(get(dir, VKW_KEY_LOCAL_US), &sc->ivl_local[d]);
    }
}

static void round_trip(rd *c, const cJSON *o, vkw_read_round_trip *rt)
{
    rt->mode = text(o, VKW_KEY_MODE);
    rt->peer = text(o, VKW_KEY_PEER);
    rt->importer = text(o, VKW_KEY_SYNC_IMPORTER); /* NULL: Vulkan's, or no API's */
    rt->exporter = text(o, VKW_KEY_SYNC_EXPORTER); /* NULL: Vulkan's, or no API's */
    rt->which = text(o, VKW_KEY_OS_PRIMITIVE);
    if (!rt->which)
        rt->which = text(o, VKW_KEY_HANDLE_TYPE);
    rt->outcome_text = text(o, VKW_KEY_OUTCOME);
    rt->outcome = vkw_vocab_find(&vkw_vocab_outcome, rt->outcome_text);
    rt->reason = text(o, VKW_KEY_REASON);
    const cJSON *d = get(o, VKW_KEY_ROUND_TRIP_NS);
    rt->p50 = number(d, VKW_KEY_P50);
    rt->p99 = number(d, VKW_KEY_P99);
    const cJSON *reps = get(o, VKW_KEY_REPEATS);
    uint32_t n = cJSON_IsArray(reps) ? (uint32_t)cJSON_GetArraySize(reps) : 0;
    if (!n)
        return;
    rt->repeat_p50 = calloc(n, sizeof *rt->repeat_p50);
    rt->repeat_p99 = calloc(n, sizeof *rt->repeat_p99);
    if (!rt->repeat_p50 || !rt->repeat_p99) {
        if (c->s == VKW_OK)
            c->s = vkw_fail(c->err, VKW_E_NO_MEMORY, "out of host memory reading report '%s'",
                            c->path);
        return;
    }
    const cJSON *e;
    cJSON_ArrayForEach(e, reps)
    {
        rt->repeat_p50[rt->repeat_count] = number(e, VKW_KEY_P50);
        rt->repeat_p99[rt->repeat_count++] = number(e, VKW_KEY_P99);
    }
}

static void bench(rd *c, const vkw_read_report *r, const cJSON *o, vkw_read_bench *b)
{
    b->device = device_pos(r, o, VKW_KEY_DEVICE_INDEX);
    const cJSON *a = get(o, VKW_KEY_HANDLE_TYPES), *e;
    b->types = array_for(c, a, sizeof *b->types, &b->type_count);
    uint32_t i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= b->type_count)
            break;
        b->types[i].handle_type = text(e, VKW_KEY_HANDLE_TYPE);
        b->types[i++].tested = cJSON_IsTrue(get(e, VKW_KEY_TESTED));
    }
    a = get(o, VKW_KEY_MEMORY);
    b->scenarios = array_for(c, a, sizeof *b->scenarios, &b->scenario_count);
    i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= b->scenario_count)
            break;
        scenario(e, &b->scenarios[i++]);
    }
    a = get(get(o, VKW_KEY_ROUND_TRIPS), VKW_KEY_RESULTS);
    b->round_trips = array_for(c, a, sizeof *b->round_trips, &b->round_trip_count);
    i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= b->round_trip_count)
            break;
        round_trip(c, e, &b->round_trips[i++]);
    }
}

static void check(rd *c, vkw_read_report *r, const cJSON *o)
{
    r->check_outcome = text(o, VKW_KEY_CHECK_OUTCOME);
    const cJSON *a = get(o, VKW_KEY_EXPECTATIONS), *e;
    r->expectations = array_for(c, a, sizeof *r->expectations, &r->expectation_count);
    uint32_t i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= r->expectation_count)
            break;
        vkw_read_expectation *x = &r->expectations[i++];
        x->id = text(e, VKW_KEY_ID);
        x->name = text(e, VKW_KEY_RUN_NAME);
        x->device = device_at(r, e, VKW_KEY_EXPECTATION_DEVICE);
        x->outcome_text = text(e, VKW_KEY_OUTCOME);
        x->outcome = vkw_vocab_find(&vkw_vocab_expect_outcome, x->outcome_text);
        x->measured = text(e, VKW_KEY_MEASURED);
        x->message = text(e, VKW_KEY_MESSAGE);
    }
    a = get(o, VKW_KEY_RUNS);
    r->runs = array_for(c, a, sizeof *r->runs, &r->run_count);
    i = 0;
    cJSON_ArrayForEach(e, a)
    {
        if (i >= r->run_count)
            break;
        vkw_read_run *run = &r->runs[i++];
        run->name = text(e, VKW_KEY_RUN_NAME);
        run->device = device_at(r, e, VKW_KEY_RUN_DEVICE);
        const cJSON *b = get(e, VKW_KEY_RUN_BENCH);
        run->has_bench = cJSON_IsObject(b);
        if (run->has_bench)
            bench(c, r, b, &run->bench);
    }
}

vkw_status vkw_report_read(const char *path, vkw_read_report *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    out->path = path;
    cJSON *root = NULL;
    vkw_status s = vkw_load_report_json(path, &root, err);
    if (s != VKW_OK)
        return s;
    out->tree = root;
    rd c = {path, err, VKW_OK};
    const char *command = text(root, VKW_KEY_COMMAND);
    int32_t kind = vkw_vocab_find(&vkw_vocab_command, command);
    if (kind < 0) {
        s = vkw_fail(err, VKW_E_INVALID_ARG, "'%s' is not a vkwin32h report (command %s%s%s)", path,
                     command ? "'" : "", command ? command : "missing", command ? "'" : "");
        goto fail;
    }
    out->kind = (vkw_report_kind)kind;
    const cJSON *st = get(root, VKW_KEY_STATUS);
    out->status_ok = cJSON_IsTrue(get(st, VKW_KEY_OK));
    out->status_code = text(st, VKW_KEY_CODE);

    const cJSON *devices = get(root, VKW_KEY_DEVICES), *d;
    out->devices = array_for(&c, devices, sizeof *out->devices, &out->device_count);
    uint32_t i = 0;
    cJSON_ArrayForEach(d, devices)
    {
        if (i >= out->device_count)
            break;
        vkw_read_device *dev = &out->devices[i++];
        const cJSON *id = get(d, VKW_KEY_IDENTITY);
        dev->index = (uint32_t)number(d, VKW_KEY_INDEX);
        dev->name = text(id, VKW_KEY_NAME);
        dev->uuid = text(id, VKW_KEY_DEVICE_UUID);
        caps(&c, d, dev);
    }
    const cJSON *b = get(root, VKW_KEY_BENCH);
    out->has_bench = cJSON_IsObject(b);
    if (out->has_bench)
        bench(&c, out, b, &out->bench);
    const cJSON *ck = get(root, VKW_KEY_CHECK);
    out->has_check = cJSON_IsObject(ck);
    if (out->has_check)
        check(&c, out, ck);
    s = c.s;
    if (s == VKW_OK)
        return VKW_OK;
fail:
    vkw_read_report_free(out);
    return s;
}

static void free_bench(vkw_read_bench *b)
{
    for (uint32_t i = 0; i < b->round_trip_count; i++) {
        free(b->round_trips[i].repeat_p50);
        free(b->round_trips[i].repeat_p99);
    }
    free(b->round_trips);
    free(b->scenarios);
    free(b->types);
}

void vkw_read_report_free(vkw_read_report *r)
{
    for (uint32_t i = 0; i < r->device_count; i++)
        free(r->devices[i].caps);
    free(r->devices);
    free_bench(&r->bench);
    for (uint32_t i = 0; i < r->run_count; i++)
        free_bench(&r->runs[i].bench);
    free(r->runs);
    free(r->expectations);
    cJSON_Delete(r->tree);
    memset(r, 0, sizeof *r);
}
