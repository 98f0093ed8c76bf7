/* The report reader (report_parse.c) against the writer (report_json.c): a
 * report written, read back and written again is the same JSON.
 *
 *     test_report_parse report_read_back_writes_the_same_json
 *                                         a lavapipe probe run here, and the
 *                                         reports recorded in tests/data
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
        const char *copy = VKW_TEST_OUT "/report_parse_again.json";
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
    vkw_probe_options o = {0};
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
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
