/* What `check` writes for machines: the JSON report (the probe's report with
 * a "check" part holding every expectation and every bench run) and JUnit
 * XML, one test case per expectation, one test suite per device. */
#include <cjson/cJSON.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "vk/names.h"
#include "report/report_json.h"
#include "report/report_vocab.h"
#include "base/text_buffer.h"

/* ---- JSON ------------------------------------------------------------------ */

/* Adds a string, or null for an empty one; false when out of memory. */
static bool add_text(cJSON *o, const char *key, const char *value)
{
    return value && *value ? cJSON_AddStringToObject(o, key, value) != NULL
                           : cJSON_AddNullToObject(o, key) != NULL;
}

static bool expectation_json(cJSON *arr, const vkw_check_result *r, const vkw_expectation *e)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o))
        return cJSON_Delete(o), false;
    const vkw_device_report *d = e->device_index >= 0 ? &r->probe.devices[e->device_index] : NULL;
    bool ok = add_text(o, VKW_K(ID), e->id);
    ok = ok && (d ? cJSON_AddNumberToObject(o, VKW_K(EXPECTATION_DEVICE), d->index) != NULL
                  : cJSON_AddNullToObject(o, VKW_K(EXPECTATION_DEVICE)) != NULL);
    ok = ok && add_text(o, "device_name", d ? d->name : NULL);
    ok = ok && add_text(o, "group", e->group);
    ok = ok && add_text(o, "source", e->source);
    ok = ok && add_text(o, "name", e->name);
    ok = ok && add_text(o, VKW_K(OUTCOME), vkw_expect_outcome_name(e->outcome));
    ok = ok && add_text(o, VKW_K(MEASURED), e->measured);
    ok = ok && add_text(o, "limit", e->limit);
    ok = ok && add_text(o, VKW_K(MESSAGE), e->message);
    ok = ok && cJSON_AddNumberToObject(o, "seconds", e->seconds) != NULL;
    return ok;
}

/* A run's bench part, taken from the bench's own report tree. */
static bool run_json(cJSON *arr, const vkw_check_result *r, const vkw_check_bench_run *run,
                     vkw_error *err)
{
    cJSON *o = cJSON_CreateObject();
    if (!o || !cJSON_AddItemToArray(arr, o))
        return cJSON_Delete(o), false;
    bool ok = add_text(o, VKW_K(RUN_NAME), r->config->benches[run->bench].name);
    ok = ok && cJSON_AddNumberToObject(o, "bench_index", run->bench) != NULL;
    ok = ok && cJSON_AddNumberToObject(o, VKW_K(RUN_DEVICE),
                                       r->probe.devices[run->device_index].index) != NULL;
    cJSON *st = ok ? cJSON_AddObjectToObject(o, "status") : NULL;
    ok = st && cJSON_AddBoolToObject(st, "ok", run->status == VKW_OK) &&
         add_text(st, "code", vkw_status_code(run->status)) &&
         cJSON_AddStringToObject(st, "message", run->message);
    cJSON *tree = NULL;
    if (ok && vkw_report_to_cjson(&run->report, &tree, err) != VKW_OK)
        return false;
    cJSON *bench = tree ? cJSON_DetachItemFromObjectCaseSensitive(tree, VKW_K(BENCH)) : NULL;
    /* A stress bench's run: its stress part, beside a null bench. */
    cJSON *stress = tree ? cJSON_DetachItemFromObjectCaseSensitive(tree, "stress") : NULL;
    cJSON *validation = tree ? cJSON_DetachItemFromObjectCaseSensitive(tree, "validation") : NULL;
    cJSON_Delete(tree);
    /* The bench's device_index counts in its own report's devices (the one it
     * ran on); here the devices are the check's: every one the probe found. */
    cJSON *di = bench ? cJSON_GetObjectItemCaseSensitive(bench, VKW_K(DEVICE_INDEX)) : NULL;
    if (cJSON_IsNumber(di))
        cJSON_SetNumberValue(di, run->device_index);
    ok = ok && (bench ? cJSON_AddItemToObject(o, VKW_K(RUN_BENCH), bench)
                      : cJSON_AddNullToObject(o, VKW_K(RUN_BENCH)) != NULL);
    if (!ok)
        cJSON_Delete(bench);
    if (stress && !(ok && cJSON_AddItemToObject(o, "stress", stress))) {
        cJSON_Delete(stress);
        ok = false;
    }
    ok = ok && (validation ? cJSON_AddItemToObject(o, "validation", validation)
                           : cJSON_AddNullToObject(o, "validation") != NULL);
    if (!ok)
        cJSON_Delete(validation);
    return ok;
}

vkw_status vkw_check_to_json(const vkw_check_result *r, int exit_code, char **out, vkw_error *err)
{
    *out = NULL;
    cJSON *root = NULL;
    vkw_status s = vkw_report_to_cjson(&r->probe, &root, err);
    if (s != VKW_OK)
        return s;
    const vkw_check_config *c = r->config;
    cJSON *ck = cJSON_AddObjectToObject(root, VKW_K(CHECK));
    cJSON *cfg = ck ? cJSON_AddObjectToObject(ck, "config") : NULL;
    bool ok = cfg && add_text(cfg, "path", c->path) && add_text(cfg, "name", c->name) &&
              add_text(cfg, "description", c->description);
    ok = ok && add_text(ck, VKW_K(CHECK_OUTCOME), vkw_check_verdict_name(r->verdict));
    ok = ok && cJSON_AddNumberToObject(ck, "exit_code", exit_code) != NULL;
    ok = ok && add_text(ck, "message", r->message);
    cJSON *sel = ok ? cJSON_AddArrayToObject(ck, "selected_devices") : NULL;
    for (uint32_t i = 0; sel && ok && i < r->probe.device_count; i++)
        if (r->selected && r->selected[i])
            ok = cJSON_AddItemToArray(sel, cJSON_CreateNumber(r->probe.devices[i].index));
    cJSON *sum = ok && sel ? cJSON_AddObjectToObject(ck, "summary") : NULL;
    ok = sum && cJSON_AddNumberToObject(sum, "expectations", r->expectation_count) &&
         cJSON_AddNumberToObject(sum, "passed", r->passed) &&
         cJSON_AddNumberToObject(sum, "failed", r->failed) &&
         cJSON_AddNumberToObject(sum, "errors", r->errors);
    cJSON *ex = ok ? cJSON_AddArrayToObject(ck, VKW_K(EXPECTATIONS)) : NULL;
    for (uint32_t i = 0; ex && ok && i < r->expectation_count; i++)
        ok = expectation_json(ex, r, &r->expectations[i]);
    cJSON *runs = ok && ex ? cJSON_AddArrayToObject(ck, VKW_K(RUNS)) : NULL;
    for (uint32_t i = 0; runs && ok && i < r->run_count; i++)
        ok = run_json(runs, r, &r->runs[i], err);
    cJSON *timing = cJSON_GetObjectItemCaseSensitive(root, "timing");
    ok = ok && runs && timing;
    if (ok) {
        cJSON_DeleteItemFromObjectCaseSensitive(timing, "total_ms");
        ok = cJSON_AddNumberToObject(timing, "total_ms", r->total_ms) != NULL;
    }
    char *text = ok ? cJSON_Print(root) : NULL;
    cJSON_Delete(root);
    if (!text)
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory building the check report");
    *out = text;
    return VKW_OK;
}

/* ---- JUnit XML --------------------------------------------------------------- */

/* The file is valid against both schemas its consumers check imports with:
 * Jenkins' xUnit plugin (junit-10.xsd) and the Ant JUnit schema. Where they
 * differ the stricter rule is kept: <testsuites> has no attribute (the totals
 * are the sums of the suites'); a suite holds <properties>, its test cases,
 * <system-out> and <system-err> in that order and carries package, id (0, 1,
 * ...), hostname and a timestamp without a zone (UTC); a test case holds at
 * most one <failure> or <error> and nothing else, so what a passed one
 * measured goes to its suite's <system-out>. tests/schemas/ has both. */

/* Seconds as both take them: digits and a fraction, never negative, NaN or
 * an exponent. */
static void put_seconds(vkw_buf *b, const char *attr, double s)
{
    if (!(s >= 0) || s > 1e12)
        s = 0;
    vkw_buf_printf(b, " %s=\"%.3f\"", attr, s);
}

/* "2026-11-29T22:33:18Z" without its zone: Ant's timestamp has none. */
static void put_timestamp(vkw_buf *b, const char *utc)
{
    size_t n = strlen(utc);
    if (n > 0 && utc[n - 1] == 'Z')
        n--;
    vkw_buf_puts(b, " timestamp=\"");
    vkw_buf_append(b, utc, n);
    vkw_buf_puts(b, "\"");
}

/* A JUnit class name part: letters, digits, '-' and '_' ('.' separates). */
static void put_class_part(vkw_buf *b, const char *s)
{
    for (; *s; s++) {
        char ch = *s;
        bool keep = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
                    (ch >= '0' && ch <= '9') || ch == '-' || ch == '_';
        vkw_buf_append(b, keep ? &ch : "_", 1);
    }
}

static void testcase(vkw_buf *b, const vkw_check_result *r, const vkw_expectation *e)
{
    const vkw_device_report *d = e->device_index >= 0 ? &r->probe.devices[e->device_index] : NULL;
    vkw_buf_printf(b, "    <testcase name=\"");
    vkw_buf_markup(b, e->name);
    vkw_buf_printf(b, " (");
    vkw_buf_markup(b, e->source);
    vkw_buf_printf(b, ")\" classname=\"vkwin32h.device%u.%s", d ? d->index : 0,
                   e->bench >= 0 ? "bench." : "");
    put_class_part(b, e->group);
    vkw_buf_puts(b, "\"");
    put_seconds(b, "time", e->seconds);
    if (e->outcome == VKW_EXPECT_PASSED) {
        vkw_buf_puts(b, "/>\n");
        return;
    }
    const char *tag = e->outcome == VKW_EXPECT_ERROR ? "error" : "failure";
    vkw_buf_printf(b, ">\n      <%s type=\"%s\" message=\"", tag,
                   e->outcome == VKW_EXPECT_ERROR ? "not judged" : "expectation failed");
    vkw_buf_markup(b, e->message[0] ? e->message : e->name);
    vkw_buf_printf(b, "\">");
    vkw_buf_markup(b, "expected: ");
    vkw_buf_markup(b, e->name);
    if (e->limit[0]) {
        vkw_buf_markup(b, "\nlimit: ");
        vkw_buf_markup(b, e->limit);
    }
    vkw_buf_markup(b, "\nmeasured: ");
    vkw_buf_markup(b, e->measured[0] ? e->measured : "nothing");
    vkw_buf_markup(b, "\nid: ");
    vkw_buf_markup(b, e->id);
    vkw_buf_printf(b, "</%s>\n    </testcase>\n", tag);
}

static void property(vkw_buf *b, const char *name, const char *value)
{
    vkw_buf_printf(b, "      <property name=\"%s\" value=\"", name);
    vkw_buf_markup(b, value);
    vkw_buf_printf(b, "\"/>\n");
}

static void suite_properties(vkw_buf *b, const vkw_check_result *r, const vkw_device_report *d)
{
    char text[VK_MAX_DRIVER_NAME_SIZE + VK_MAX_DRIVER_INFO_SIZE + 2];
    vkw_buf_printf(b, "    <properties>\n");
    property(b, "check", r->config->name[0] ? r->config->name : r->config->path);
    property(b, "config", r->config->path);
    property(b, "os", r->probe.os);
    if (d) {
        property(b, "device", d->name);
        if (d->has_driver_properties) {
            snprintf(text, sizeof text, "%s %s", d->driver_name, d->driver_info);
            property(b, "driver", text);
        }
        property(b, "driver_version",
                 vkw_driver_version_string(d->vendor_id, d->driver_version, vkw_platform_os(), text,
                                           sizeof text));
        if (d->has_id_properties)
            property(b, "deviceUUID",
                     vkw_uuid_string(d->device_uuid, VK_UUID_SIZE, text, sizeof text));
    }
    vkw_buf_printf(b, "    </properties>\n");
}

/* <testsuite ...> up to its properties' end. */
static void suite_open(vkw_buf *b, const vkw_check_result *r, const char *host, uint32_t id,
                       const vkw_device_report *d, uint32_t tests, uint32_t failures,
                       uint32_t errors, double seconds)
{
    vkw_buf_puts(b, "  <testsuite name=\"");
    if (d) {
        vkw_buf_printf(b, "device %u: ", d->index);
        vkw_buf_markup(b, d->name);
    } else {
        vkw_buf_puts(b, "vkwin32h check");
    }
    vkw_buf_printf(b, "\" package=\"vkwin32h\" id=\"%u\" hostname=\"", id);
    vkw_buf_markup(b, host);
    vkw_buf_puts(b, "\"");
    put_timestamp(b, r->probe.generated_at);
    vkw_buf_printf(b, " tests=\"%u\" failures=\"%u\" errors=\"%u\" skipped=\"0\"", tests, failures,
                   errors);
    put_seconds(b, "time", seconds);
    vkw_buf_puts(b, ">\n");
    suite_properties(b, r, d);
}

/* What the passed expectations of device i measured, one line each. */
static void suite_output(vkw_buf *b, const vkw_check_result *r, int32_t device)
{
    bool any = false;
    for (uint32_t k = 0; k < r->expectation_count; k++) {
        const vkw_expectation *e = &r->expectations[k];
        if (e->device_index != device || e->outcome != VKW_EXPECT_PASSED || !e->measured[0])
            continue;
        vkw_buf_puts(b, any ? "\n" : "    <system-out>");
        any = true;
        vkw_buf_markup(b, e->name);
        vkw_buf_puts(b, " (");
        vkw_buf_markup(b, e->source);
        vkw_buf_puts(b, "): ");
        vkw_buf_markup(b, e->measured);
    }
    vkw_buf_puts(b, any ? "</system-out>\n" : "    <system-out/>\n");
    vkw_buf_puts(b, "    <system-err/>\n  </testsuite>\n");
}

vkw_status vkw_check_to_junit(const vkw_check_result *r, char **out, vkw_error *err)
{
    *out = NULL;
    vkw_buf b = {0};
    char host[256];
    vkw_platform_hostname(host, sizeof host);
    vkw_buf_puts(&b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                     "<!-- vkwin32h check: one test suite per device, one test case per "
                     "expectation -->\n<testsuites>\n");
    if (r->expectation_count == 0) {
        /* Nothing could be judged (no loader, no matching device, another OS):
         * one test case in error says why, so a CI page shows it. */
        suite_open(&b, r, host, 0, NULL, 1, 0, 1, r->total_ms / 1e3);
        vkw_buf_printf(&b,
                       "    <testcase name=\"the machine has what the config needs\" "
                       "classname=\"vkwin32h.environment\" time=\"0\">\n      <error type=\"%s\" "
                       "message=\"",
                       vkw_check_verdict_name(r->verdict));
        vkw_buf_markup(&b, r->message);
        vkw_buf_puts(&b, "\">");
        vkw_buf_markup(&b, r->message);
        vkw_buf_puts(&b, "</error>\n    </testcase>\n");
        suite_output(&b, r, -1);
    }
    uint32_t id = 0;
    for (uint32_t i = 0; r->expectation_count && i < r->probe.device_count; i++) {
        if (!r->selected[i])
            continue;
        const vkw_device_report *d = &r->probe.devices[i];
        uint32_t tests = 0, failures = 0, errors = 0;
        double seconds = 0;
        for (uint32_t k = 0; k < r->expectation_count; k++) {
            const vkw_expectation *e = &r->expectations[k];
            if (e->device_index != (int32_t)i)
                continue;
            tests++;
            failures += e->outcome == VKW_EXPECT_FAILED;
            errors += e->outcome == VKW_EXPECT_ERROR;
            seconds += e->seconds;
        }
        suite_open(&b, r, host, id++, d, tests, failures, errors, seconds);
        for (uint32_t k = 0; k < r->expectation_count; k++)
            if (r->expectations[k].device_index == (int32_t)i)
                testcase(&b, r, &r->expectations[k]);
        suite_output(&b, r, (int32_t)i);
    }
    vkw_buf_puts(&b, "</testsuites>\n");
    if (b.failed) {
        vkw_buf_free(&b);
        return vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory building the JUnit report");
    }
    *out = b.data;
    return VKW_OK;
}
