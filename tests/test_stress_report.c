/* The stress part of a report (stress_report.h): written as JSON, read back
 * and written again the same, its bad fields named, and rendered by
 * `vkwin32h report` as text (sparklines) and HTML (SVG line charts).
 *
 *     test_stress_report TEST
 *     test_stress_report --write PATH   the synthetic report below, as JSON
 *                                       (tests/data/stress-synthetic.json)
 */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report/json_file.h"
#include "report/report.h"
#include "report/stress_report.h"
#include "report_doc.h"
#include "report_render.h"
#include "vkw.h"

#if !defined(VKW_TEST_DATA) || !defined(VKW_TEST_OUT)
#error "VKW_TEST_DATA: the path of tests/data; VKW_TEST_OUT: a folder of the build"
#endif

#define SEED 18446744073709551557ull /* above 2^53: only a string keeps it */
#define PROCESSES 4u                 /* the exporter and three importers */

/* A stress run of `points` points, as the engine would leave it: three kinds
 * run, one skipped, chaos on, importer 1's handles rising by one a point,
 * the exporter's flat, importer 3 restarted once (not counted at one point). */
static bool build(vkw_report *r, uint32_t points)
{
    vkw_report_init(r, "stress");
    snprintf(r->generated_at, sizeof r->generated_at, "2026-11-30T10:00:00Z");
    r->os = "Linux";
    snprintf(r->loader_requested, sizeof r->loader_requested, "libvulkan.so.1");
    snprintf(r->loader_path, sizeof r->loader_path, "/usr/lib/x86_64-linux-gnu/libvulkan.so.1");
    r->loader_loaded = true;
    r->loader_version = VK_MAKE_API_VERSION(0, 1, 3, 239);
    r->instance_created = true;
    r->instance_api_version = VK_MAKE_API_VERSION(0, 1, 3, 0);
    r->total_ms = 30400;
    r->stress = calloc(1, sizeof *r->stress);
    if (!r->stress)
        return false;
    vkw_stress_report *s = r->stress;
    vkw_stress_options *o = &s->options;
    vkw_stress_options_default(o);
    o->importers = PROCESSES - 1;
    o->concurrency = 2;
    o->duration_ms = 30000;
    o->seed = SEED;
    o->seed_given = true;
    o->chaos = 0.05;
    o->chaos_kinds = 1u << VKW_CHAOS_KILL_IMPORT | 1u << VKW_CHAOS_STALE;
    o->ops = 1u << VKW_STRESS_OP_MEMORY | 1u << VKW_STRESS_OP_BINARY | 1u << VKW_STRESS_OP_FENCE |
             1u << VKW_STRESS_OP_SIGNAL;
    o->scenario_kinds = 1u << VKW_SCENARIO_BUFFER_MAP;
    o->handle_types = vkw_memory_handle_types[0].bit;
    o->limits.p99_us_max = 5000;
    s->device_index = 0;
    snprintf(s->device_name, sizeof s->device_name, "llvmpipe (LLVM 15.0.6, 256 bits)");
    snprintf(s->handle_type, sizeof s->handle_type, "OPAQUE_FD");
    snprintf(s->sync_handle_type, sizeof s->sync_handle_type, "OPAQUE_FD");
    s->end = VKW_STRESS_END_DURATION;
    s->elapsed_s = 30.25;
    struct {
        vkw_stress_op op;
        uint64_t done, failed, verified;
        double p50, p99, max;
    } runs[] = {
        {VKW_STRESS_OP_MEMORY, 1800, 3, 1797, 412.5, 1900.25, 4100},
        {VKW_STRESS_OP_BINARY, 2400, 0, 0, 95.125, 310, 800.5},
        {VKW_STRESS_OP_SIGNAL, 600, 1, 0, 250, 990, 1500},
    };
    for (size_t i = 0; i < sizeof runs / sizeof runs[0]; i++) {
        vkw_stress_op_result *x = &s->ops[runs[i].op];
        x->run = true;
        x->done = runs[i].done;
        x->failed = runs[i].failed;
        x->verified = runs[i].verified;
        x->latency = (vkw_stress_latency){runs[i].done, runs[i].p50, runs[i].p99, runs[i].max};
        s->ops_total += runs[i].done;
    }
    snprintf(s->ops[VKW_STRESS_OP_FENCE].skip, sizeof s->ops[0].skip, "lavapipe exports no fences");
    s->chaos[VKW_CHAOS_KILL_IMPORT] = (vkw_stress_chaos_result){3, 3, 2};
    s->chaos[VKW_CHAOS_STALE] = (vkw_stress_chaos_result){1, 1, 1};
    for (uint32_t i = 0; i < 4; i++) {
        vkw_stress_event *e = &s->events[s->event_count++];
        e->t_s = 2.5 + 6 * i;
        e->importer = i % 3;
        e->kind = i == 3 ? VKW_CHAOS_STALE : VKW_CHAOS_KILL_IMPORT;
        e->op = i == 3 ? VKW_STRESS_OP_MEMORY : VKW_STRESS_OP_BINARY;
        e->detected = true;
        e->recovered = i != 1;
        e->detect_ms = 12.5 + i;
        snprintf(e->what, sizeof e->what, "event %u: <script>&\"the importer ended\"</script>", i);
    }
    s->events_total = 4;
    s->restarts = 3;
    snprintf(s->first_failure, sizeof s->first_failure,
             "memory at 4.2 s: vkAllocateMemory failed: VK_ERROR_OUT_OF_DEVICE_MEMORY");
    s->unexpected_failures = 1;
    s->validation_errors = 2;
    for (uint32_t i = 0; i < points; i++) {
        vkw_stress_point *p = vkw_stress_series_add(&s->series, PROCESSES);
        if (!p)
            return false;
        p->t_s = 1.0 + i;
        p->span_s = 1.0;
        p->ops[VKW_STRESS_OP_MEMORY] = 60 + i % 3;
        p->ops[VKW_STRESS_OP_BINARY] = 80;
        p->ops[VKW_STRESS_OP_SIGNAL] = 20;
        p->failed = i == 4 ? 1 : 0;
        p->latency[VKW_STRESS_OP_MEMORY] = (vkw_stress_latency){60, 400.0 + i, 1800, 2000.5};
        p->latency[VKW_STRESS_OP_BINARY] = (vkw_stress_latency){80, 95, 300, 420};
        p->latency[VKW_STRESS_OP_SIGNAL] = (vkw_stress_latency){20, 250, 900, 1000};
        p->has_gpu = i >= 2;
        p->gpu_used = p->has_gpu ? (64ull << 20) + (uint64_t)i * 4096 : 0;
        p->validation_errors = i >= 10 ? 2 : 0;
        p->faults_injected = i / 8;
        p->faults_detected = i / 8;
        size_t at = (size_t)i * PROCESSES;
        s->series.handles[at + 0] = 41;
        s->series.handles[at + 1] = 20 + i;
        s->series.handles[at + 2] = 17;
        s->series.handles[at + 3] = i == 7 ? -1 : 18;
        s->series.resident[at + 0] = (90ull << 20) + (uint64_t)i * (1u << 16);
        s->series.resident[at + 1] = 60ull << 20;
        s->series.resident[at + 2] = 61ull << 20;
        s->series.resident[at + 3] = i == 7 ? 0 : 59ull << 20;
        s->series.restarts[at + 3] = i >= 7 ? 1 : 0;
    }
    vkw_stress_trend *t = &s->trends[s->trend_count++];
    *t = (vkw_stress_trend){
        VKW_TREND_HANDLES, 0, -1, points, 1, points, 0, 0, 0, 0, 0, true, false, ""};
    snprintf(t->text, sizeof t->text, "exporter: +0.0 handles/min (95 %% CI +0.0 to +0.0)");
    t = &s->trends[s->trend_count++];
    *t = (vkw_stress_trend){
        VKW_TREND_HANDLES, 1, -1, points, 1, points, 60, 59.5, 60.5, 0.25, 0, true, true, ""};
    snprintf(t->text, sizeof t->text,
             "importer 1: +60.0 handles/min (95 %% CI +59.5 to +60.5): a leak");
    t = &s->trends[s->trend_count++];
    *t = (vkw_stress_trend){
        VKW_TREND_P50, -1, VKW_STRESS_OP_MEMORY, points, 1, points, 60, 55, 65, 1.5, -1, true,
        false,         ""};
    snprintf(t->text, sizeof t->text, "memory p50: +60.0 us/min (95 %% CI +55.0 to +65.0)");
    s->leak = true;
    s->limit_failed = true;
    snprintf(s->verdict, sizeof s->verdict, "importer 1 leaks handles: +60.0 handles/min");
    return true;
}

static bool write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    bool ok = f && fputs(text, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    return ok;
}

/* The synthetic report written to path; its JSON text in *json (caller frees). */
static bool written(const char *path, uint32_t points, char **json)
{
    vkw_report r;
    vkw_error err;
    vkw_error_clear(&err);
    *json = NULL;
    bool ok = build(&r, points) && vkw_report_to_json(&r, json, &err) == VKW_OK &&
              write_file(path, *json);
    if (!ok)
        fprintf(stderr, "cannot write the synthetic stress report %s: %s\n", path, err.message);
    vkw_report_free(&r);
    return ok;
}

static cJSON *at(cJSON *o, const char *path)
{
    char key[64];
    while (o && *path) {
        size_t n = strcspn(path, "/");
        snprintf(key, sizeof key, "%.*s", (int)n, path);
        o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(key))
                             : cJSON_GetObjectItemCaseSensitive(o, key);
        path += n + (path[n] == '/');
    }
    return o;
}

/* Written, read back, written again: the same text, byte for byte; the
 * figures the model holds are the ones it was given. */
static void stress_report_round_trips_byte_for_byte(void)
{
    const char *path = VKW_TEST_OUT "/stress_round_trip.json";
    char *json = NULL, *again = NULL;
    vkw_report r;
    memset(&r, 0, sizeof r);
    vkw_error err;
    vkw_error_clear(&err);
    cJSON *tree = NULL;
    if (!written(path, 30, &json)) {
        check_failures++;
        goto cleanup;
    }
    tree = cJSON_Parse(json);
    CHECK_STR(cJSON_GetStringValue(at(tree, "command")), "stress");
    CHECK_STR(cJSON_GetStringValue(at(tree, "stress/options/seed")), "18446744073709551557");
    CHECK(cJSON_GetArraySize(at(tree, "stress/series/points")) == 30);
    CHECK(cJSON_IsNull(at(tree, "stress/series/points/7/handles/3")));
    CHECK(cJSON_IsNull(at(tree, "stress/series/points/7/resident/3")));
    CHECK(cJSON_IsNull(at(tree, "stress/series/points/0/gpu_used")));
    CHECK(cJSON_GetNumberValue(at(tree, "stress/series/points/29/handles/1")) == 49);
    CHECK(at(tree, "stress/series/points/0/latency/memory") != NULL);
    CHECK(at(tree, "stress/series/points/0/latency/fence") == NULL); /* none that interval */
    CHECK(cJSON_IsNull(at(tree, "stress/options/limits/ops_per_s_min")));
    CHECK(cJSON_GetNumberValue(at(tree, "stress/options/limits/p99_us_max")) == 5000);
    CHECK(cJSON_IsNull(at(tree, "stress/trends/0/op")));
    CHECK_STR(cJSON_GetStringValue(at(tree, "stress/trends/2/op")), "memory");
    CHECK(cJSON_IsNull(at(tree, "stress/trends/2/process")));
    CHECK(cJSON_IsNull(at(tree, "stress/trends/2/limit_per_min")));
    CHECK_STR(cJSON_GetStringValue(at(tree, "stress/operations/fence/skip")),
              "lavapipe exports no fences");
    CHECK(cJSON_GetNumberValue(at(tree, "stress/chaos/kill-import/recovered")) == 2);
    CHECK_STR(cJSON_GetStringValue(at(tree, "stress/end")), "duration");
    if (vkw_report_parse(path, &r, &err) != VKW_OK || !r.stress) {
        fprintf(stderr, "read back: %s\n", err.message);
        check_failures++;
        goto cleanup;
    }
    const vkw_stress_report *s = r.stress;
    CHECK(s->options.seed == SEED && s->options.seed_given);
    CHECK(s->options.limits.ops_per_s_min < 0 && s->options.limits.p99_us_max == 5000);
    CHECK(s->series.count == 30 && s->series.processes == PROCESSES);
    CHECK(s->series.handles[7 * PROCESSES + 3] == -1);
    CHECK(s->series.handles[29 * PROCESSES + 1] == 49);
    CHECK(s->series.restarts[29 * PROCESSES + 3] == 1);
    CHECK(!s->series.points[0].has_gpu && s->series.points[2].has_gpu);
    CHECK(s->trend_count == 3 && s->trends[1].fails && s->trends[2].op == VKW_STRESS_OP_MEMORY);
    CHECK(s->event_count == 4 && s->events[3].kind == VKW_CHAOS_STALE);
    CHECK(s->ops[VKW_STRESS_OP_MEMORY].latency.p99_us == 1900.25);
    if (vkw_report_to_json(&r, &again, &err) != VKW_OK) {
        fprintf(stderr, "written again: %s\n", err.message);
        check_failures++;
        goto cleanup;
    }
    if (strcmp(json, again) != 0) {
        size_t i = 0;
        while (json[i] && json[i] == again[i])
            i++;
        fprintf(stderr, "written again differs at byte %zu:\n  %.80s\n  %.80s\n", i,
                json + (i > 40 ? i - 40 : 0), again + (i > 40 ? i - 40 : 0));
        check_failures++;
    }
cleanup:
    cJSON_Delete(tree);
    vkw_report_free(&r);
    free(json);
    free(again);
    remove(path);
}

/* tests/data/stress-synthetic.json, the report the e2e tests render and
 * validate against the schema, is what the writer writes for this model
 * (the tool's version aside): regenerate it with --write when the model or
 * the writer changes. */
static void stress_fixture_is_what_the_writer_writes(void)
{
    const char *path = VKW_TEST_OUT "/stress_fixture.json";
    char *json = NULL;
    cJSON *kept = NULL, *now = NULL;
    vkw_error err;
    vkw_error_clear(&err);
    if (!written(path, 30, &json) ||
        vkw_load_report_json(VKW_TEST_DATA "/stress-synthetic.json", &kept, &err) != VKW_OK) {
        fprintf(stderr, "%s\n", err.message);
        check_failures++;
        goto cleanup;
    }
    now = cJSON_Parse(json);
    cJSON_DeleteItemFromObjectCaseSensitive(kept, "tool");
    cJSON_DeleteItemFromObjectCaseSensitive(now, "tool");
    if (!cJSON_Compare(kept, now, true)) {
        fprintf(stderr, "tests/data/stress-synthetic.json is not what the writer writes now: "
                        "test_stress_report --write tests/data/stress-synthetic.json\n");
        check_failures++;
    }
cleanup:
    cJSON_Delete(kept);
    cJSON_Delete(now);
    free(json);
    remove(path);
}

/* The report with one field spoilt (a JSON edit), read back: refused, with
 * the field named. */
static void spoilt(const char *json, const char *where, const char *key, cJSON *value,
                   const char *want)
{
    const char *path = VKW_TEST_OUT "/stress_spoilt.json";
    cJSON *tree = cJSON_Parse(json);
    cJSON *parent = at(tree, where);
    char *text = NULL;
    vkw_report r;
    vkw_error err;
    vkw_error_clear(&err);
    if (!parent) {
        fprintf(stderr, "no %s in the report\n", where);
        check_failures++;
        cJSON_Delete(value);
        goto cleanup;
    }
    if (value)
        cJSON_ReplaceItemInObjectCaseSensitive(parent, key, value);
    else
        cJSON_DeleteItemFromObjectCaseSensitive(parent, key);
    text = cJSON_Print(tree);
    if (!text || !write_file(path, text)) {
        check_failures++;
        goto cleanup;
    }
    vkw_status s = vkw_report_parse(path, &r, &err);
    CHECK(s == VKW_E_INVALID_ARG);
    if (s == VKW_OK)
        vkw_report_free(&r);
    if (!strstr(err.message, want)) {
        fprintf(stderr, "%s/%s spoilt: the error \"%s\" does not say \"%s\"\n", where, key,
                err.message, want);
        check_failures++;
    }
cleanup:
    free(text);
    cJSON_Delete(tree);
    remove(path);
}

static void stress_report_bad_fields_are_named(void)
{
    char *json = NULL;
    if (!written(VKW_TEST_OUT "/stress_bad.json", 12, &json)) {
        check_failures++;
        return;
    }
    remove(VKW_TEST_OUT "/stress_bad.json");
    spoilt(json, "stress/options", "seed", cJSON_CreateNumber(12),
           "stress.options.seed is not a decimal string");
    spoilt(json, "stress/options", "seed", cJSON_CreateString("18446744073709551616"),
           "stress.options.seed is not a decimal string");
    spoilt(json, "stress/series/points/3", "handles", NULL,
           "stress.series.points[3].handles is missing");
    spoilt(json, "stress/series/points/5/ops", "fan-out", cJSON_CreateNumber(-1),
           "stress.series.points[5].ops.fan-out is not a whole number");
    spoilt(json, "stress/trends/1", "quantity", cJSON_CreateString("handle"),
           "stress.trends[1].quantity is not one of handles, resident, gpu-memory, p50");
    spoilt(json, "stress/operations", "signal", NULL, "stress.operations.signal is missing");
    spoilt(json, "stress/series", "processes", cJSON_CreateNumber(3),
           "stress.series.points[0].handles has not one entry per process (3)");
    spoilt(json, "stress/verdict", "leak", cJSON_CreateString("yes"),
           "stress.verdict.leak is not true or false");
    spoilt(json, "", "stress", NULL, "stress is missing");
    free(json);
}

/* The report rendered by `vkwin32h report` (report_render.c) in format f. */
static char *rendered(uint32_t points, vkw_render_format f)
{
    /* A file of its own per format and size: the tests of this file run at
     * once (ctest -j), each in its own process. */
    char path[512];
    snprintf(path, sizeof path, VKW_TEST_OUT "/stress_render_%u_%u.json", (unsigned)f, points);
    char *json = NULL, *out = NULL;
    vkw_error err;
    vkw_error_clear(&err);
    if (written(path, points, &json) && vkw_render_report_file(path, f, &out, &err) != VKW_OK)
        fprintf(stderr, "render: %s\n", err.message);
    free(json);
    remove(path);
    if (!out)
        check_failures++;
    return out;
}

#define LOW "\xE2\x96\x81"  /* ▁ */
#define HIGH "\xE2\x96\x88" /* █ */

/* The sparkline of the line labelled label: between its min and max. */
static bool spark_of(const char *text, const char *label, char *out, size_t len)
{
    const char *l = strstr(text, label);
    if (!l)
        return false;
    const char *eol = strchr(l, '\n'), *first = strstr(l, "\xE2\x96");
    if (!first || (eol && first > eol))
        return false;
    const char *last = first;
    for (const char *p = first; *p && p != eol; p++)
        if (p[0] == '\xE2' && p[1] == '\x96')
            last = p + 3;
    snprintf(out, len, "%.*s", (int)(last - first), first);
    return true;
}

/* The sparkline itself: a rising series from the lowest block to the
 * highest, a flat one all one block, each character the max of its group
 * (a spike in a long series is not sampled away), a gap a space. */
static void sparkline_draws_groups_by_their_max(void)
{
    double v[240];
    vkw_buf b = {0};
    double lo = 0, hi = 0;
    for (int i = 0; i < 240; i++)
        v[i] = i;
    CHECK(vkw_sparkline(v, 240, 60, &b, &lo, &hi) && lo == 0 && hi == 239);
    CHECK(b.data && b.len == 60 * 3 && strncmp(b.data, LOW, 3) == 0 &&
          strcmp(b.data + b.len - 3, HIGH) == 0);
    vkw_buf_free(&b);
    for (int i = 0; i < 240; i++)
        v[i] = i == 101 ? 9 : 1; /* one spike, in the group of 100..103 */
    memset(&b, 0, sizeof b);
    CHECK(vkw_sparkline(v, 240, 60, &b, &lo, &hi) && lo == 1 && hi == 9);
    CHECK(b.data && b.len == 60 * 3 && strncmp(b.data + 25 * 3, HIGH, 3) == 0);
    for (size_t c = 0; b.data && c < 60; c++)
        if (c != 25)
            CHECK(strncmp(b.data + c * 3, LOW, 3) == 0);
    vkw_buf_free(&b);
    for (int i = 0; i < 10; i++)
        v[i] = i == 4 ? NAN : 7;
    memset(&b, 0, sizeof b);
    CHECK(vkw_sparkline(v, 10, 60, &b, &lo, &hi) && lo == 7 && hi == 7);
    CHECK_STR(b.data ? b.data : "", LOW LOW LOW LOW " " LOW LOW LOW LOW LOW);
    vkw_buf_free(&b);
    v[0] = NAN;
    memset(&b, 0, sizeof b);
    CHECK(!vkw_sparkline(v, 1, 60, &b, &lo, &hi)); /* nothing known: no line */
    vkw_buf_free(&b);
}

/* `vkwin32h report` of a stress report, as text: the seed to replay, the
 * skipped kind and why, the failing trend, the verdict, and the sparklines. */
static void stress_report_renders_text_with_sparklines(void)
{
    char *text = rendered(30, VKW_RENDER_TEXT), line[1024];
    if (!text)
        return;
    CHECK(strstr(text, "replay with --seed 18446744073709551557") != NULL);
    CHECK(strstr(text, "skipped: lavapipe exports no fences") != NULL);
    CHECK(strstr(text, "FAIL  importer 1: +60.0 handles/min (95 % CI +59.5 to +60.5): a leak"));
    CHECK(strstr(text, "ok    exporter: +0.0 handles/min") != NULL);
    CHECK(strstr(text, "FAILED: importer 1 leaks handles") != NULL);
    CHECK(strstr(text, "kill-import         3         3  2") != NULL);
    /* importer 1's handles rise 20 to 49: from the lowest block to the highest */
    CHECK(spark_of(text, "importer 1 handles", line, sizeof line));
    CHECK(strlen(line) == 30 * 3 && strncmp(line, LOW, 3) == 0 &&
          strcmp(line + strlen(line) - 3, HIGH) == 0);
    CHECK(strstr(text, "importer 1 handles          20  ") != NULL);
    /* the exporter's are flat at 41: one block throughout */
    CHECK(spark_of(text, "exporter handles", line, sizeof line));
    CHECK(strlen(line) == 30 * 3);
    for (size_t i = 0; i < strlen(line); i += 3)
        CHECK(strncmp(line + i, LOW, 3) == 0);
    CHECK(strstr(text, "exporter handles            41  ") != NULL);
    /* importer 3 not counted at one point: a gap */
    CHECK(spark_of(text, "importer 3 handles", line, sizeof line) && strchr(line, ' '));
    CHECK(strstr(text, "GPU memory in use MiB") != NULL);
    free(text);
    /* 2000 points: 60 characters, not 2000 */
    text = rendered(2000, VKW_RENDER_TEXT);
    CHECK(text && spark_of(text, "importer 1 handles", line, sizeof line));
    CHECK(text && strlen(line) == 60 * 3 && strncmp(line, LOW, 3) == 0 &&
          strcmp(line + strlen(line) - 3, HIGH) == 0);
    free(text);
}

/* The polylines of one chart's SVG, their most vertices. */
static size_t most_vertices(const char *svg, const char *end)
{
    size_t most = 0;
    for (const char *p = strstr(svg, "points=\""); p && p < end; p = strstr(p, "points=\"")) {
        p += 8;
        size_t n = 1;
        for (; *p && *p != '"'; p++)
            n += *p == ' ';
        most = n > most ? n : most;
    }
    return most;
}

/* The HTML page: one SVG line chart per quantity, no script, the report's
 * text escaped, and a long series drawn with a bounded number of vertices. */
static void stress_report_renders_html_charts(void)
{
    static const char *const titles[] = {
        "operations per second by kind", "latency p50 by kind",         "latency p99 by kind",
        "open handles per process",      "resident memory per process", "GPU memory in use",
        "validation errors so far"};
    for (int round = 0; round < 2; round++) {
        uint32_t points = round ? 2000 : 30;
        char *html = rendered(points, VKW_RENDER_HTML);
        if (!html)
            return;
        size_t charts = 0;
        for (const char *p = html; (p = strstr(p, "<svg class=\"vkw-line-chart\"")); p++)
            charts++;
        CHECK(charts == sizeof titles / sizeof titles[0]);
        for (size_t i = 0; i < sizeof titles / sizeof titles[0]; i++) {
            char want[96];
            snprintf(want, sizeof want, "<title>%s</title>", titles[i]);
            CHECK(strstr(html, want) != NULL);
        }
        CHECK(!strstr(html, "<script"));
        CHECK(strstr(html, "event 0: &lt;script&gt;&amp;&quot;the importer ended&quot;") != NULL);
        /* the handles chart: the exporter and three importers, each in the legend */
        const char *h = strstr(html, "<title>open handles per process</title>");
        const char *h_end = h ? strstr(h, "</svg>") : NULL;
        CHECK(h && h_end && strstr(h, ">importer 3</text>") &&
              strstr(h, ">importer 3</text>") < h_end);
        size_t most = h && h_end ? most_vertices(h, h_end) : 0, lines = 0;
        for (const char *p = h; p && (p = strstr(p, "<polyline")) && p < h_end; p++)
            lines++;
        /* importer 3 not counted at point 7: its line broken in two; among
         * 2000 points, the pixel column's max covers the gap */
        CHECK(lines == (round ? 4u : 5u));
        if (round == 0)
            CHECK(most == 30);
        else
            CHECK(most > 100 && most <= VKW_CHART_POINTS_MAX);
        size_t all = most_vertices(html, html + strlen(html));
        CHECK(round == 0 ? all == 30 : all <= VKW_CHART_POINTS_MAX);
        free(html);
    }
}

/* A chart's own words are escaped too: its title, unit and series names. */
static void line_chart_escapes_its_text(void)
{
    double x[3] = {1, 2, 3}, y[3] = {5, NAN, 7};
    vkw_line_series ser[1] = {{"a<b>&\"c\"", y}};
    vkw_doc d;
    vkw_doc_init(&d, VKW_RENDER_HTML);
    vkw_html_line_chart(&d, &(vkw_line_chart){"t<i>tle&", "u<s>", 0, x, 3, ser, 1});
    const char *html = d.out.data ? d.out.data : "";
    CHECK(!d.failed && !d.out.failed);
    CHECK(strstr(html, "<title>t&lt;i&gt;tle&amp;</title>") != NULL);
    CHECK(strstr(html, ">u&lt;s&gt;</text>") != NULL);
    CHECK(strstr(html, ">a&lt;b&gt;&amp;&quot;c&quot;</text>") != NULL);
    CHECK(!strstr(html, "<b>") && !strstr(html, "<i>") && !strstr(html, "<s>"));
    /* the gap at x = 2: two lone points, each a dot, no line */
    CHECK(most_vertices(html, html + strlen(html)) == 1);
    size_t dots = 0;
    for (const char *p = html; (p = strstr(p, "<circle")); p++)
        dots++;
    CHECK(dots == 2);
    vkw_doc_free(&d);
}

int main(int argc, char **argv)
{
    if (argc == 3 && strcmp(argv[1], "--write") == 0) {
        char *json = NULL;
        bool ok = written(argv[2], 30, &json);
        free(json);
        return ok ? 0 : 1;
    }
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(stress_report_round_trips_byte_for_byte),
        CASE(stress_report_bad_fields_are_named),
        CASE(stress_fixture_is_what_the_writer_writes),
        CASE(sparkline_draws_groups_by_their_max),
        CASE(stress_report_renders_text_with_sparklines),
        CASE(stress_report_renders_html_charts),
        CASE(line_chart_escapes_its_text),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
