/* The report reader (report_parse.c) against the writer (report_json.c): a
 * report written, read back and written again is the same JSON.
 *
 *     test_report_parse report_read_back_writes_the_same_json
 *                                         a lavapipe probe run here, and the
 *                                         reports recorded in tests/data
 *                                         (and the synthetic stress report)
 *     test_report_parse [--earlier] REPORT.json...
 *                                         these reports (a lavapipe bench's);
 *                                         --earlier: of an earlier version
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
#include "vkw.h"

#if !defined(VKW_TEST_DATA) || !defined(VKW_TEST_OUT)
#error "VKW_TEST_DATA: the path of tests/data; VKW_TEST_OUT: a folder of the build"
#endif

/* The first line where two texts differ, to say where they part. */
static void first_difference(const char *what, const char *a, const char *b)
{
    unsigned line = 1;
    const char *la = a, *lb = b;
    for (; *a && *a == *b; a++, b++)
        if (*a == '\n') {
            line++;
            la = a + 1;
            lb = b + 1;
        }
    int na = (int)strcspn(la, "\n"), nb = (int)strcspn(lb, "\n");
    fprintf(stderr, "%s: line %u differs:\n  written: %.*s\n  again:   %.*s\n", what, line, na, la,
            nb, lb);
}

/* Whether every member of a is in b with the same value (arrays: the same
 * length, element by element); says where the first is not. */
static bool contained(const cJSON *a, const cJSON *b, const char *where)
{
    char at[512];
    if (cJSON_IsObject(a)) {
        const cJSON *m;
        cJSON_ArrayForEach(m, a)
        {
            snprintf(at, sizeof at, "%s/%s", where, m->string);
            if (!contained(m, cJSON_GetObjectItemCaseSensitive(b, m->string), at))
                return false;
        }
        return cJSON_IsObject(b);
    }
    if (cJSON_IsArray(a)) {
        if (!cJSON_IsArray(b) || cJSON_GetArraySize(a) != cJSON_GetArraySize(b)) {
            fprintf(stderr, "  %s: %d elements, %d again\n", where, cJSON_GetArraySize(a),
                    cJSON_IsArray(b) ? cJSON_GetArraySize(b) : -1);
            return false;
        }
        for (int i = 0; i < cJSON_GetArraySize(a); i++) {
            snprintf(at, sizeof at, "%s/%d", where, i);
            if (!contained(cJSON_GetArrayItem(a, i), cJSON_GetArrayItem(b, i), at))
                return false;
        }
        return true;
    }
    if (cJSON_IsNumber(a) && cJSON_IsNumber(b) &&
        fabs(a->valuedouble - b->valuedouble) <=
            1e-14 * fmax(fabs(a->valuedouble), fabs(b->valuedouble)))
        return true;
    if (b && !cJSON_IsNumber(a) && cJSON_Compare(a, b, true))
        return true;
    /* Reports before bbd5ae9 wrote 0 leaked where neither process was
     * counted; since, that is null: not measured. */
    size_t n = strlen(where), k = strlen("/handles/leaked");
    if (n >= k && strcmp(where + n - k, "/handles/leaked") == 0 && cJSON_IsNumber(a) &&
        a->valuedouble == 0 && cJSON_IsNull(b))
        return true;
    char *va = cJSON_PrintUnformatted(a), *vb = b ? cJSON_PrintUnformatted(b) : NULL;
    fprintf(stderr, "  %s: %s, again %s\n", where, va ? va : "?", vb ? vb : "missing");
    free(va);
    free(vb);
    return false;
}

/* The report at path, read back and written again, against its own JSON
 * (parsed and printed, as the tool writes it). A report of an earlier
 * version (the recorded ones) lacks keys added since: written again, it has
 * them, and every key it had keeps its value. */
static void round_trip(const char *path, bool exact)
{
    vkw_error err;
    vkw_error_clear(&err);
    cJSON *tree = NULL;
    char *want = NULL, *again = NULL;
    vkw_report r;
    memset(&r, 0, sizeof r);
    if (vkw_load_report_json(path, &tree, &err) != VKW_OK || !(want = cJSON_Print(tree))) {
        fprintf(stderr, "%s: cannot read: %s\n", path, err.message);
        check_failures++;
        goto cleanup;
    }
    if (vkw_report_parse(path, &r, &err) != VKW_OK) {
        fprintf(stderr, "%s: read back: %s\n", path, err.message);
        check_failures++;
        goto cleanup;
    }
    if (vkw_report_to_json(&r, &again, &err) != VKW_OK) {
        fprintf(stderr, "%s: written again: %s\n", path, err.message);
        check_failures++;
        goto cleanup;
    }
    /* Values compared as cJSON compares them: a number printed from a
     * number the writer derives (GB/s from a size and a median) may differ
     * in its last digits, as cJSON prints a double to 15 digits where that
     * reads back within an epsilon: numbers are the same within 1e-14. Both ways for a report of
     * this version; for an earlier one, every key it had. */
    cJSON *back = cJSON_Parse(again);
    bool same = contained(tree, back, "") && (!exact || contained(back, tree, ""));
    cJSON_Delete(back);
    if (same) {
        /* What it became is read and written once more: from here on the
         * same text, byte for byte. */
        free(want);
        want = again;
        again = NULL;
        vkw_report_free(&r);
        /* Named after the report: tests that run at once never share it. */
        const char *base = strrchr(path, '/');
        char copy[1024];
        snprintf(copy, sizeof copy, "%s/again-%s", VKW_TEST_OUT, base ? base + 1 : path);
        FILE *f = fopen(copy, "w");
        bool written = f && fputs(want, f) >= 0;
        if (f && fclose(f) != 0)
            written = false;
        vkw_status s = written ? vkw_report_parse(copy, &r, &err) : VKW_E_IO;
        if (s == VKW_OK)
            s = vkw_report_to_json(&r, &again, &err);
        remove(copy);
        if (s != VKW_OK) {
            fprintf(stderr, "%s: written again, read back: %s\n", path, err.message);
            check_failures++;
            goto cleanup;
        }
        same = strcmp(want, again) == 0;
        if (!same)
            first_difference(path, want, again);
    } else {
        fprintf(stderr, "%s: a value changed in the round trip (above)\n", path);
    }
    if (!same) {
        check_failures++;
    } else {
        printf("%s: the same JSON after a round trip (%zu bytes)\n", path, strlen(want));
    }
cleanup:
    vkw_report_free(&r);
    free(again);
    free(want);
    cJSON_Delete(tree);
}

/* A probe of this machine's devices (lavapipe in the tests), written to a
 * file, then round-tripped. */
static void live_probe(void)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_report r;
    vkw_report_init(&r, "probe");
    vkw_probe_options o = {.interop = true, .d3d = true}; /* as the probe command runs it */
    char *json = NULL;
    const char *path = VKW_TEST_OUT "/report_parse_probe.json";
    FILE *f = NULL;
    vkw_status s = vkw_probe_run(&o, &r, &err);
    if (s != VKW_OK || vkw_report_to_json(&r, &json, &err) != VKW_OK) {
        fprintf(stderr, "a live probe: %s\n", err.message);
        check_failures++;
        goto cleanup;
    }
    f = fopen(path, "w");
    if (!f || fputs(json, f) < 0 || fclose(f) != 0) {
        fprintf(stderr, "cannot write %s\n", path);
        check_failures++;
        f = NULL;
        goto cleanup;
    }
    f = NULL;
    round_trip(path, true);
    remove(path);

    /* A CUDA device found (none here): the same probe with device 0's CUDA
     * side as a GPU machine's, by hand, round-tripped too. */
    free(json);
    json = NULL;
    if (r.device_count) {
        vkw_interop_cuda *c = &r.devices[0].interop_cuda;
        memset(c, 0, sizeof *c);
        c->state = VKW_INTEROP_AVAILABLE;
        c->ordinal = 1;
        snprintf(c->name, sizeof c->name, "NVIDIA H200");
        c->memory = (vkw_interop_types){1, {"OPAQUE_FD"}};
        c->binary_semaphore = (vkw_interop_types){1, {"OPAQUE_FD"}};
        c->timeline_semaphore = (vkw_interop_types){1, {"OPAQUE_FD"}};
    }
    /* Direct3D found (not on Linux): two adapters by hand, the first the
     * Vulkan device 0 with every kind of export outcome, the second no
     * Vulkan device's and without D3D12. */
    if (r.d3d) {
        vkw_d3d_report *d = r.d3d;
        memset(d, 0, sizeof *d);
        d->state = VKW_INTEROP_AVAILABLE;
        d->adapter_count = 2;
        vkw_d3d_adapter_report *a = &d->adapters[0];
        snprintf(a->description, sizeof a->description, "NVIDIA H200");
        a->vendor_id = 0x10de;
        a->device_id = 0x2335;
        memcpy(a->luid, "\x12\x34\x00\x00\x00\x00\x00\x00", VK_LUID_SIZE);
        a->vulkan_device = 0;
        a->api[0] = (vkw_d3d_api_report){
            .state = VKW_INTEROP_AVAILABLE, .feature_level = "11_1", .export_count = 2};
        a->api[0].exports[0] = (vkw_d3d_export_trial){"D3D11_TEXTURE", true, true, VKW_OK, ""};
        a->api[0].exports[1] = (vkw_d3d_export_trial){
            "D3D11_TEXTURE_KMT", true, false, VKW_E_UNSUPPORTED, "GetSharedHandle: E_NOTIMPL"};
        a->api[1] = (vkw_d3d_api_report){
            .state = VKW_INTEROP_AVAILABLE, .feature_level = "12_2", .export_count = 1};
        a->api[1].exports[0] = (vkw_d3d_export_trial){"D3D12_HEAP", false, false, VKW_E_SHARING,
                                                      "CreateHeap: E_OUTOFMEMORY"};
        vkw_d3d_adapter_report *b = &d->adapters[1];
        b->index = 1;
        snprintf(b->description, sizeof b->description, "Microsoft Basic Render Driver");
        b->vendor_id = 0x1414;
        b->device_id = 0x8c;
        b->luid[0] = 0x99;
        b->software = true;
        b->vulkan_device = -1;
        b->api[0] = (vkw_d3d_api_report){.state = VKW_INTEROP_AVAILABLE, .feature_level = "11_0"};
        b->api[1] = (vkw_d3d_api_report){.state = VKW_INTEROP_NOT_AVAILABLE,
                                         .reason = "D3D12CreateDevice: E_NOINTERFACE"};
    } else {
        fprintf(stderr, "the probe command's probe has a Direct3D part\n");
        check_failures++;
    }
    if (vkw_report_to_json(&r, &json, &err) != VKW_OK || !(f = fopen(path, "w")) ||
        fputs(json, f) < 0) {
        fprintf(stderr, "cannot write %s\n", path);
        check_failures++;
        goto cleanup;
    }
    fclose(f);
    f = NULL;
    round_trip(path, true);
cleanup:
    if (f)
        fclose(f);
    remove(path);
    free(json);
    vkw_report_free(&r);
}

static void report_read_back_writes_the_same_json(void)
{
    live_probe();
    round_trip(VKW_TEST_DATA "/h100-probe.json", false);
    round_trip(VKW_TEST_DATA "/h100-bench.json", false);
    /* a stress report (test_stress_report writes it): of this version */
    round_trip(VKW_TEST_DATA "/stress-synthetic.json", true);
    /* the Windows build's probe under Wine, Direct3D's part made by Wine's
     * DXGI, wined3d and vkd3d */
    round_trip(VKW_TEST_DATA "/wine-lavapipe-probe.json", true);
    /* its bench with Direct3D 12 exporting (--exporter d3d12 --d3d-adapter 0),
     * every handle refused by Wine */
    round_trip(VKW_TEST_DATA "/wine-d3d12-bench.json", true);
}

/* ---- the device's phases and imported vs local, by hand ---- */

static vkw_summary us(uint32_t count, double median)
{
    vkw_summary s = {count, median * 0.9, median, median * 1.05, median * 1.3};
    return s;
}

/* The recorded H100 bench, read back; then its scenarios and its verify
 * filled by hand as the memory bench fills them (fill(r) picks how). */
static bool h100_bench(vkw_report *r)
{
    vkw_error err;
    vkw_error_clear(&err);
    memset(r, 0, sizeof *r);
    if (vkw_report_parse(VKW_TEST_DATA "/h100-bench.json", r, &err) != VKW_OK || !r->bench ||
        r->bench->scenario_count < 3) {
        fprintf(stderr, "the H100 bench: %s\n", err.message);
        check_failures++;
        return false;
    }
    return true;
}

/* Written to a file; its JSON parsed back (the caller deletes it). */
static cJSON *written(const vkw_report *r, const char *path)
{
    vkw_error err;
    vkw_error_clear(&err);
    char *json = NULL;
    cJSON *tree = NULL;
    FILE *f = NULL;
    if (vkw_report_to_json(r, &json, &err) != VKW_OK) {
        fprintf(stderr, "written: %s\n", err.message);
        check_failures++;
        return NULL;
    }
    f = fopen(path, "w");
    bool ok = f && fputs(json, f) >= 0;
    if (f && fclose(f) != 0)
        ok = false;
    CHECK(ok);
    tree = cJSON_Parse(json);
    CHECK(tree != NULL);
    free(json);
    return tree;
}

static const cJSON *path_of(const cJSON *o, const char *const *keys)
{
    for (; o && *keys; keys++)
        o = cJSON_IsArray(o) ? cJSON_GetArrayItem(o, atoi(*keys))
                             : cJSON_GetObjectItemCaseSensitive(o, *keys);
    return o;
}
#define AT(tree, ...) path_of(tree, (const char *const[]){__VA_ARGS__, NULL})

static bool near(const cJSON *n, double want)
{
    return cJSON_IsNumber(n) && fabs(n->valuedouble - want) <= 1e-9 * fabs(want);
}

static void imported_vs_local_round_trips(void)
{
    vkw_report r, back;
    memset(&back, 0, sizeof back);
    if (!h100_bench(&r))
        return;
    vkw_bench_report *b = r.bench;
    b->options.verify = VKW_VERIFY_AUTO;
    b->verify = VKW_VERIFY_GPU;
    /* Scenario 0: run on the device, imported vs local measured; its host
     * verifies did not run. */
    vkw_memory_scenario *sc = &b->scenarios[0];
    uint64_t size = sc->desc.size;
    sc->verify = VKW_VERIFY_GPU;
    sc->phase_us[VKW_PHASE_PARENT_FILL] = us(3, 250.0);
    sc->phase_us[VKW_PHASE_CHILD_GPU_VERIFY] = us(3, 500.0);
    sc->phase_us[VKW_PHASE_CHILD_FILL] = us(3, 260.0);
    sc->phase_us[VKW_PHASE_PARENT_GPU_VERIFY] = us(3, 400.0);
    memset(&sc->phase_us[VKW_PHASE_CHILD_VERIFY], 0, sizeof sc->phase_us[0]);
    memset(&sc->phase_us[VKW_PHASE_PARENT_VERIFY], 0, sizeof sc->phase_us[0]);
    sc->ivl.measured = true;
    sc->ivl.imported_us[VKW_DIRECTION_WRITE] = us(3, 200.0);
    sc->ivl.local_us[VKW_DIRECTION_WRITE] = us(3, 180.0);
    sc->ivl.imported_us[VKW_DIRECTION_READ] = us(3, 300.0);
    sc->ivl.local_us[VKW_DIRECTION_READ] = us(3, 310.0);
    /* Scenario 1: on the host, not measured, with the reason. */
    b->scenarios[1].verify = VKW_VERIFY_CPU;
    snprintf(b->scenarios[1].ivl.reason, sizeof b->scenarios[1].ivl.reason,
             "host-visible memory is verified through the mapping");
    /* Scenario 2: both, measured in one direction only. */
    vkw_memory_scenario *one = &b->scenarios[2];
    one->verify = VKW_VERIFY_BOTH;
    one->phase_us[VKW_PHASE_CHILD_GPU_VERIFY] = us(2, 700.0);
    one->ivl.measured = true;
    one->ivl.imported_us[VKW_DIRECTION_WRITE] = us(2, 90.0);
    one->ivl.local_us[VKW_DIRECTION_WRITE] = us(2, 100.0);

    const char *path = VKW_TEST_OUT "/report_parse_ivl.json";
    cJSON *tree = written(&r, path);
    const cJSON *m = AT(tree, "bench", "memory");
    /* What the writer wrote, by value. */
    double gbps_w = (double)size / (200.0 * 1e3), local_w = (double)size / (180.0 * 1e3);
    double ratio_w = gbps_w / local_w, ratio_r = (size / 300e3) / (size / 310e3);
    CHECK(cJSON_IsTrue(AT(m, "0", "imported_vs_local", "measured")));
    CHECK(near(AT(m, "0", "imported_vs_local", "write", "imported_gbps"), gbps_w));
    CHECK(near(AT(m, "0", "imported_vs_local", "write", "local_gbps"), local_w));
    CHECK(near(AT(m, "0", "imported_vs_local", "write", "ratio"), ratio_w));
    CHECK(near(AT(m, "0", "imported_vs_local", "read", "ratio"), ratio_r));
    CHECK(near(AT(m, "0", "imported_vs_local", "ratio_min"), fmin(ratio_w, ratio_r)));
    CHECK(near(AT(m, "0", "imported_vs_local", "read", "local_us", "median"), 310.0));
    CHECK_STR(cJSON_GetStringValue(AT(m, "0", "verify", "method")), "gpu");
    /* The verify that ran: the device's. */
    CHECK(near(AT(m, "0", "verify", "child_gbps"), (double)size / 500e3));
    CHECK(near(AT(m, "0", "phase_gbps", "parent_gpu_verify"), (double)size / 400e3));
    CHECK(near(AT(m, "0", "phases_us", "child_fill", "median"), 260.0));
    CHECK(cJSON_IsFalse(AT(m, "1", "imported_vs_local", "measured")));
    CHECK_STR(cJSON_GetStringValue(AT(m, "1", "imported_vs_local", "reason")),
              "host-visible memory is verified through the mapping");
    CHECK(AT(m, "1", "imported_vs_local", "write") == NULL);
    CHECK_STR(cJSON_GetStringValue(AT(m, "1", "verify", "method")), "cpu");
    /* A host run keeps its shape: no device phase. */
    CHECK(AT(m, "1", "phases_us", "parent_fill") == NULL);
    CHECK(AT(m, "1", "phases_us", "child_gpu_verify") == NULL);
    CHECK(AT(m, "1", "phases_us", "child_verify") != NULL);
    CHECK(cJSON_IsNull(AT(m, "2", "imported_vs_local", "read", "ratio")));
    CHECK(near(AT(m, "2", "imported_vs_local", "ratio_min"), 100.0 / 90.0));
    CHECK(AT(m, "2", "phases_us", "child_gpu_verify") != NULL);
    CHECK(AT(m, "2", "phases_us", "parent_gpu_verify") == NULL);
    CHECK_STR(cJSON_GetStringValue(AT(tree, "bench", "verify", "asked")), "auto");
    CHECK_STR(cJSON_GetStringValue(AT(tree, "bench", "verify", "method")), "gpu");
    CHECK(cJSON_IsNull(AT(tree, "bench", "verify", "reason")));
    CHECK_STR(cJSON_GetStringValue(AT(tree, "bench", "options", "verify")), "auto");
    cJSON_Delete(tree);

    /* Read back: the same model, then the same JSON (both ways). */
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_parse(path, &back, &err) != VKW_OK || !back.bench ||
        back.bench->scenario_count != b->scenario_count) {
        fprintf(stderr, "read back: %s\n", err.message);
        check_failures++;
        goto cleanup;
    }
    const vkw_bench_report *bb = back.bench;
    CHECK(bb->verify == VKW_VERIFY_GPU && bb->options.verify == VKW_VERIFY_AUTO);
    CHECK(bb->verify_reason[0] == 0);
    for (uint32_t i = 0; i < 3; i++) {
        const vkw_memory_scenario *a = &b->scenarios[i], *z = &bb->scenarios[i];
        CHECK(z->verify == a->verify);
        CHECK(z->ivl.measured == a->ivl.measured);
        CHECK_STR(z->ivl.reason, a->ivl.reason);
        CHECK(memcmp(z->ivl.imported_us, a->ivl.imported_us, sizeof a->ivl.imported_us) == 0 ||
              !a->ivl.measured);
        CHECK(memcmp(z->ivl.local_us, a->ivl.local_us, sizeof a->ivl.local_us) == 0 ||
              !a->ivl.measured);
        CHECK(vkw_ivl_ratio_min(z) == vkw_ivl_ratio_min(a));
        CHECK(vkw_memory_verify_phase(z, true) == vkw_memory_verify_phase(a, true));
        CHECK(vkw_memory_verify_phase(z, false) == vkw_memory_verify_phase(a, false));
        for (uint32_t p = 0; p < VKW_PHASE_COUNT; p++)
            CHECK(z->phase_us[p].count == a->phase_us[p].count);
    }
    round_trip(path, true);
cleanup:
    vkw_report_free(&back);
    vkw_report_free(&r);
    remove(path);
}

/* The method auto fell back from, with its reason, and a report that has no
 * imported vs local at all (before it existed): read back as not measured,
 * without a reason. */
static void verify_fallback_and_older_reports_round_trip(void)
{
    vkw_report r, back;
    memset(&back, 0, sizeof back);
    if (!h100_bench(&r))
        return;
    vkw_bench_report *b = r.bench;
    for (uint32_t i = 0; i < b->scenario_count; i++)
        CHECK(!b->scenarios[i].ivl.measured && !b->scenarios[i].ivl.reason[0] &&
              b->scenarios[i].verify == VKW_VERIFY_AUTO);
    CHECK(b->verify == VKW_VERIFY_AUTO);
    b->options.verify = VKW_VERIFY_AUTO;
    b->verify = VKW_VERIFY_CPU;
    snprintf(b->verify_reason, sizeof b->verify_reason,
             "the device has no queue with compute (lavapipe's has)");
    const char *path = VKW_TEST_OUT "/report_parse_fallback.json";
    cJSON *tree = written(&r, path);
    CHECK_STR(cJSON_GetStringValue(AT(tree, "bench", "verify", "method")), "cpu");
    CHECK_STR(cJSON_GetStringValue(AT(tree, "bench", "verify", "reason")),
              "the device has no queue with compute (lavapipe's has)");
    CHECK(cJSON_IsNull(AT(tree, "bench", "memory", "0", "verify", "method")));
    CHECK(cJSON_IsFalse(AT(tree, "bench", "memory", "0", "imported_vs_local", "measured")));
    CHECK(cJSON_IsNull(AT(tree, "bench", "memory", "0", "imported_vs_local", "reason")));
    cJSON_Delete(tree);
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_parse(path, &back, &err) != VKW_OK || !back.bench) {
        fprintf(stderr, "read back: %s\n", err.message);
        check_failures++;
    } else {
        CHECK(back.bench->verify == VKW_VERIFY_CPU);
        CHECK_STR(back.bench->verify_reason, b->verify_reason);
        round_trip(path, true);
    }
    vkw_report_free(&back);
    vkw_report_free(&r);
    remove(path);
}

int main(int argc, char **argv)
{
    bool earlier = argc > 1 && strcmp(argv[1], "--earlier") == 0;
    if (earlier || (argc > 1 && strstr(argv[1], ".json"))) {
        for (int i = earlier ? 2 : 1; i < argc; i++)
            round_trip(argv[i], !earlier);
        return check_failures ? 1 : 0;
    }
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(report_read_back_writes_the_same_json),
        CASE(imported_vs_local_round_trips),
        CASE(verify_fallback_and_older_reports_round_trip),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
