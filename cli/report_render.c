/* `vkwin32h report`: what a report says, in the order a reader wants it —
 * the run, the check verdict, each device and its capabilities, each bench.
 * Written once through the document writer (report_doc.c), which makes it
 * text, Markdown or HTML. Every field is read tolerantly: a report cut short
 * by a failure, or edited by hand, renders what it has. */
#include "report_render.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "report/json_file.h"
#include "vk/names.h"
#include "report/report_vocab.h"
#include "report_doc.h"

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
}

static bool ascii(const vkw_doc *d)
{
    return d->format == VKW_RENDER_TEXT;
}

/* A JSON number as an integer count; "-" when missing. */
static const char *count_text(const cJSON *o, const char *key, char *buf, size_t len)
{
    double v;
    if (vkw_jnum(o, key, &v))
        snprintf(buf, len, "%.0f", v);
    else
        snprintf(buf, len, "-");
    return buf;
}

static const char *ns_field(const vkw_doc *d, const cJSON *o, const char *key, double scale,
                            char *buf, size_t len)
{
    double v;
    if (!vkw_jnum(o, key, &v))
        return snprintf(buf, len, "-"), buf;
    return vkw_fmt_ns(v * scale, ascii(d), buf, len);
}

/* ---- header ---- */

static void header(vkw_doc *d, const cJSON *root)
{
    const char *command = or_dash(vkw_jstr(root, "command"));
    const cJSON *tool = vkw_jobj(root, "tool");
    vkw_doc_heading(d, 1, "vkwin32h %s report", command);
    vkw_doc_field(d, "Tool", "%s %s", or_dash(vkw_jstr(tool, "name")),
                  or_dash(vkw_jstr(tool, "version")));
    vkw_doc_field(d, "Command", "%s", command);
    vkw_doc_field(d, "Generated at", "%s", or_dash(vkw_jstr(root, "generated_at")));
    vkw_doc_field(d, "OS", "%s", or_dash(vkw_jstr(root, "os")));

    const cJSON *status = vkw_jobj(root, "status");
    bool ok = false, have_ok = vkw_jbool(status, "ok", &ok);
    const char *code = vkw_jstr(status, "code"), *message = vkw_jstr(status, "message");
    if (have_ok && ok)
        vkw_doc_field(d, "Status", "ok");
    else
        vkw_doc_field(d, "Status", "%s%s%s%s", have_ok ? "failed: " : "", or_dash(code),
                      message && *message ? ": " : "", message && *message ? message : "");

    const cJSON *loader = vkw_jobj(root, "loader");
    bool loaded = false;
    vkw_jbool(loader, "loaded", &loaded);
    if (loaded)
        vkw_doc_field(d, "Loader", "%s, version %s", or_dash(vkw_jstr(loader, "path")),
                      or_dash(vkw_jstr(loader, "version")));
    else
        vkw_doc_field(d, "Loader", "not loaded (asked for %s)",
                      or_dash(vkw_jstr(loader, "requested")));
    const cJSON *instance = vkw_jobj(root, "instance");
    bool created = false;
    vkw_jbool(instance, "created", &created);
    if (created)
        vkw_doc_field(d, "Vulkan instance", "API %s", or_dash(vkw_jstr(instance, "api_version")));
    else
        vkw_doc_field(d, "Vulkan instance", "not created");

    const cJSON *val = vkw_jobj(root, "validation");
    bool enabled = false, by_env = false;
    vkw_jbool(val, "enabled", &enabled);
    vkw_jbool(val, "by_environment", &by_env);
    char e[24], o[24], w[24];
    if (enabled)
        vkw_doc_field(d, "Validation",
                      "on%s: %s validation error(s), %s other error(s), "
                      "%s warning(s)",
                      by_env ? " (by the environment)" : "",
                      count_text(val, "validation_errors", e, sizeof e),
                      count_text(val, "other_errors", o, sizeof o),
                      count_text(val, "warnings", w, sizeof w));
    else
        vkw_doc_field(d, "Validation", "off");
    const char *filter = vkw_jstr(root, "device_filter");
    char n[24];
    vkw_doc_field(d, "Physical devices", "%s%s%s",
                  count_text(root, "physical_device_count", n, sizeof n), filter ? ", filter " : "",
                  filter ? filter : "");
    double ms;
    if (vkw_jnum(vkw_jobj(root, "timing"), "total_ms", &ms))
        vkw_doc_field(d, "Run time", "%.2f s", ms / 1000.0);

    if (have_ok && !ok)
        vkw_doc_para(d, "failed", "The run failed (%s): %s", or_dash(code), or_dash(message));
    const cJSON *m;
    cJSON_ArrayForEach(m, vkw_jarr(val, "messages"))
    {
        vkw_doc_para(d, "note", "Layer %s %s: %s", or_dash(vkw_jstr(m, "severity")),
                     or_dash(vkw_jstr(m, "id")), or_dash(vkw_jstr(m, "text")));
    }
}

/* ---- devices ---- */

static const char *verdict_words(const char *code)
{
    int32_t v = vkw_vocab_find(&vkw_vocab_verdict, code);
    return v >= 0 ? vkw_verdict_shown((uint32_t)v) : or_dash(code);
}

static void capability_row(vkw_doc *d, const char *object, const cJSON *entry, const cJSON *verdict)
{
    const char *code = vkw_jstr(verdict, "code");
    vkw_doc_row(d, code ? code : "unknown");
    vkw_doc_cell(d, "%s", object);
    vkw_doc_cell(d, "%s", or_dash(vkw_jstr(entry, "handle_type")));
    vkw_doc_cell(d, "%s", verdict_words(code));
    vkw_doc_cell(d, "%s", verdict ? or_dash(vkw_jstr(verdict, "detail")) : "not in the report");
}

static void capabilities(vkw_doc *d, const cJSON *dev)
{
    static const char *const headers[] = {"Object", "Handle type", "Verdict", "Detail"};
    vkw_doc_heading(d, 3, "External handle capabilities");
    vkw_doc_table(d, "vkw-capabilities", "llll", headers, 2);
    const cJSON *e;
    cJSON_ArrayForEach(e, vkw_jarr(dev, "external_memory"))
    {
        capability_row(d, "memory", e, vkw_jobj(e, "verdict"));
    }
    cJSON_ArrayForEach(e, vkw_jarr(dev, "external_semaphores"))
    {
        const cJSON *v = vkw_jobj(e, "verdict");
        capability_row(d, "semaphore (binary)", e, vkw_jobj(v, "binary"));
        capability_row(d, "semaphore (timeline)", e, vkw_jobj(v, "timeline"));
    }
    cJSON_ArrayForEach(e, vkw_jarr(dev, "external_fences"))
    {
        capability_row(d, "fence", e, vkw_jobj(e, "verdict"));
    }
    vkw_doc_table_end(d);
}

static void device(vkw_doc *d, const cJSON *dev, size_t position)
{
    const cJSON *id = vkw_jobj(dev, "identity");
    double index = (double)position, v;
    vkw_jnum(dev, "index", &index);
    vkw_doc_heading(d, 2, "Device %.0f: %s", index, or_dash(vkw_jstr(id, "name")));
    vkw_doc_field(d, "Type", "%s", or_dash(vkw_jstr(id, "type")));
    const char *vendor = vkw_jstr(id, "vendor_name");
    if (vkw_jnum(id, "vendor_id", &v) && v >= 0 && v <= UINT32_MAX)
        vkw_doc_field(d, "Vendor", "%s%s0x%04lx%s", vendor ? vendor : "", vendor ? " (" : "",
                      (unsigned long)v, vendor ? ")" : "");
    else
        vkw_doc_field(d, "Vendor", "%s", or_dash(vendor));
    if (vkw_jnum(id, "device_id", &v) && v >= 0 && v <= UINT32_MAX)
        vkw_doc_field(d, "Device ID", "0x%04lx", (unsigned long)v);
    vkw_doc_field(d, "Vulkan API", "%s", or_dash(vkw_jstr(id, "api_version")));
    vkw_doc_field(d, "Driver", "%s (%s)", or_dash(vkw_jstr(id, "driver_name")),
                  or_dash(vkw_jstr(id, "driver_id")));
    vkw_doc_field(d, "Driver info", "%s", or_dash(vkw_jstr(id, "driver_info")));
    const cJSON *dv = vkw_jobj(id, "driver_version");
    char raw[24];
    vkw_doc_field(d, "Driver version", "%s (raw %s, %s encoding)", or_dash(vkw_jstr(dv, "decoded")),
                  count_text(dv, "raw", raw, sizeof raw), or_dash(vkw_jstr(dv, "encoding")));
    if (vkw_jstr(id, "conformance_version"))
        vkw_doc_field(d, "Conformance", "%s", vkw_jstr(id, "conformance_version"));
    vkw_doc_field(d, "deviceUUID", "%s", or_dash(vkw_jstr(id, "device_uuid")));
    vkw_doc_field(d, "driverUUID", "%s", or_dash(vkw_jstr(id, "driver_uuid")));
    bool luid_valid = false;
    vkw_jbool(id, "device_luid_valid", &luid_valid);
    vkw_doc_field(d, "LUID", "%s%s", or_dash(vkw_jstr(id, "device_luid")),
                  luid_valid ? "" : " (not valid)");
    const cJSON *pci = vkw_jobj(id, "pci");
    vkw_doc_field(d, "PCI", "%s", pci ? or_dash(vkw_jstr(pci, "address")) : "not reported");
    const cJSON *features = vkw_jobj(dev, "features");
    bool timeline = false;
    if (vkw_jbool(features, "timeline_semaphore", &timeline))
        vkw_doc_field(d, "Timeline semaphores", "%s%s%s", timeline ? "yes" : "no",
                      vkw_jstr(features, "timeline_semaphore_source") ? ", " : "",
                      vkw_jstr(features, "timeline_semaphore_source")
                          ? vkw_jstr(features, "timeline_semaphore_source")
                          : "");
    bool complete = true;
    if (vkw_jbool(dev, "complete", &complete) && !complete)
        vkw_doc_para(d, "failed",
                     "The probe of this device did not finish: what follows is "
                     "what it learnt before it stopped.");
    const cJSON *a;
    cJSON_ArrayForEach(a, vkw_jarr(dev, "anomalies"))
    {
        if (cJSON_IsString(a) && a->valuestring)
            vkw_doc_para(d, "note", "Anomaly: %s", a->valuestring);
    }
    capabilities(d, dev);
}

/* ---- benches ---- */

static void join_array(vkw_buf *b, const cJSON *arr, bool sizes)
{
    const cJSON *x;
    bool first = true;
    cJSON_ArrayForEach(x, arr)
    {
        char tmp[48];
        const char *s = NULL;
        if (sizes && cJSON_IsNumber(x) && x->valuedouble >= 0 && x->valuedouble < 0x1p64)
            s = vkw_size_string((uint64_t)x->valuedouble, tmp, sizeof tmp);
        else if (cJSON_IsString(x))
            s = x->valuestring;
        if (!s)
            continue;
        vkw_buf_printf(b, "%s%s", first ? "" : ", ", s);
        first = false;
    }
}

/* Whether a bench ran this part: "parts" lists them (reports before it had
 * both). */
static bool ran_part(const cJSON *b, const char *part)
{
    const cJSON *parts = vkw_jarr(vkw_jobj(b, "options"), "parts"), *p;
    if (!parts)
        return true;
    cJSON_ArrayForEach(p, parts)
    {
        if (cJSON_IsString(p) && strcmp(p->valuestring, part) == 0)
            return true;
    }
    return false;
}

static void bench_fields(vkw_doc *d, const cJSON *b)
{
    const cJSON *opt = vkw_jobj(b, "options");
    double di;
    if (vkw_jnum(b, "device_index", &di))
        vkw_doc_field(d, "Device", "%.0f: %s", di, or_dash(vkw_jstr(b, "device_name")));
    bool memory = ran_part(b, "memory");
    vkw_buf list = {0};
    join_array(&list, vkw_jarr(opt, "sizes"), true);
    vkw_buf_puts(&list, "; ");
    join_array(&list, vkw_jarr(opt, "scenarios"), false);
    char it[24], wu[24];
    if (memory)
        vkw_doc_field(d, "Options", "%s iteration(s) after %s warm-up; %s; fault %s",
                      count_text(opt, "iterations", it, sizeof it),
                      count_text(opt, "warmup", wu, sizeof wu), list.data ? list.data : "-",
                      or_dash(vkw_jstr(opt, "fault")));
    d->failed |= list.failed;
    vkw_buf_free(&list);

    const cJSON *child = vkw_jobj(b, "child");
    if (child) {
        bool started = false;
        vkw_jbool(child, "started", &started);
        char pid[24];
        const char *matched = vkw_jstr(child, "matched_by");
        vkw_doc_field(d, "Child process", "%s%s, %s%s%s", started ? "pid " : "not started",
                      started ? count_text(child, "pid", pid, sizeof pid) : "",
                      or_dash(vkw_jstr(vkw_jobj(child, "end"), "text")),
                      matched ? ", device matched by " : "", matched ? matched : "");
    }
    const cJSON *ht;
    cJSON_ArrayForEach(ht, (memory ? vkw_jarr(b, "handle_types") : NULL))
    {
        bool tested = false;
        vkw_jbool(ht, "tested", &tested);
        const char *reason = vkw_jstr(ht, "reason");
        vkw_doc_field(d, "Memory handle type", "%s %s%s%s", or_dash(vkw_jstr(ht, "handle_type")),
                      tested ? "tested" : "not tested", reason ? ": " : "", reason ? reason : "");
    }
    const cJSON *s = vkw_jobj(b, "summary");
    if (s && memory) {
        char n[5][24];
        vkw_doc_field(d, "Memory scenarios", "%s: %s passed, %s failed, %s skipped, %s not run",
                      count_text(s, "scenarios", n[0], 24), count_text(s, "passed", n[1], 24),
                      count_text(s, "failed", n[2], 24), count_text(s, "skipped", n[3], 24),
                      count_text(s, "not_run", n[4], 24));
    }
    double ms;
    if (vkw_jnum(b, "bench_ms", &ms))
        vkw_doc_field(d, "Bench time", "%.2f s", ms / 1000.0);
}

static void gbps_cell(vkw_doc *d, const cJSON *verify, const char *key)
{
    double v;
    if (vkw_jnum(verify, key, &v))
        vkw_doc_cell(d, "%.2f", v);
    else
        vkw_doc_cell(d, "%s", "");
}

static void memory_table(vkw_doc *d, const cJSON *b, int level)
{
    static const char *const text_headers[] = {"Handle type", "Scenario", "Size",   "Outcome",
                                               "Allocate",    "Export",   "Import", "p->c GB/s",
                                               "c->p GB/s",   "Leaked",   "Reason"};
    static const char *const headers[] = {"Handle type", "Scenario", "Size",   "Outcome",
                                          "Allocate",    "Export",   "Import", "P→C GB/s",
                                          "C→P GB/s",    "Leaked",   "Reason"};
    const cJSON *mem = vkw_jarr(b, "memory");
    vkw_doc_heading(d, level, "Memory scenarios");
    if (!cJSON_GetArraySize(mem)) {
        vkw_doc_para(d, NULL, "No memory scenario ran.");
        return;
    }
    vkw_doc_table(d, "vkw-memory", "llrlrrrrrrl", ascii(d) ? text_headers : headers, 3);
    const cJSON *m;
    cJSON_ArrayForEach(m, mem)
    {
        const char *outcome = vkw_jstr(m, "outcome");
        const cJSON *phases = vkw_jobj(m, "phases_us");
        const cJSON *verify = vkw_jobj(m, "verify");
        const cJSON *handles = vkw_jobj(m, "handles");
        bool ran = phases && outcome && strcmp(outcome, "passed") == 0;
        bool failed = outcome && strcmp(outcome, "failed") == 0;
        vkw_doc_row(d, failed ? "failed" : outcome);
        vkw_doc_cell(d, "%s", or_dash(vkw_jstr(m, "handle_type")));
        vkw_doc_cell(d, "%s", or_dash(vkw_jstr(m, "scenario")));
        double size;
        char sz[48];
        vkw_doc_cell(d, "%s",
                     vkw_jnum(m, "size_requested", &size) && size >= 0 && size < 0x1p64
                         ? vkw_size_string((uint64_t)size, sz, sizeof sz)
                         : "-");
        vkw_doc_cell(d, "%s", or_dash(outcome));
        char t[24];
        static const char *const phase[] = {"allocate", "export", "import"};
        for (size_t i = 0; i < 3; i++) {
            const cJSON *p = vkw_jobj(phases, phase[i]);
            /* A failed scenario's phase that no iteration reached has no time,
             * not a time of 0. */
            double samples = 0;
            bool measured = vkw_jnum(p, "count", &samples) && samples > 0;
            vkw_doc_cell(d, "%s",
                         !(ran || (failed && p)) ? ""
                         : measured              ? ns_field(d, p, "median", 1e3, t, sizeof t)
                                                 : "not measured");
        }
        gbps_cell(d, verify, "child_gbps");
        gbps_cell(d, verify, "parent_gbps");
        double leaked;
        if ((ran || failed) && vkw_jnum(handles, "leaked", &leaked))
            vkw_doc_cell(d, "%.0f", leaked);
        else
            vkw_doc_cell(d, "%s", ran || failed ? "not measured" : "");
        const char *reason = vkw_jstr(m, "reason");
        const cJSON *mm = vkw_jobj(verify, "mismatch");
        char mis[160] = "";
        if (mm) {
            char off[24], iter[24];
            snprintf(
                mis, sizeof mis, "%sbytes differ at offset %s in iteration %s (seen by the %s)",
                reason ? "; " : "", count_text(mm, "offset", off, sizeof off),
                count_text(mm, "iteration", iter, sizeof iter), or_dash(vkw_jstr(mm, "seen_by")));
        }
        const char *anomaly = vkw_jstr(m, "driver_anomaly");
        vkw_doc_cell(d, "%s%s%s%s", reason ? reason : "", mis,
                     anomaly ? (reason || mis[0] ? "; driver anomaly: " : "driver anomaly: ") : "",
                     anomaly ? anomaly : "");
    }
    vkw_doc_table_end(d);
}

static bool is(const char *s, const char *what)
{
    return s && strcmp(s, what) == 0;
}

/* What a round trip goes through: the OS primitive, else the handle type,
 * else nothing but the one process. */
static const char *through(const cJSON *r)
{
    const char *p = vkw_jstr(r, "os_primitive");
    if (p)
        return p;
    p = vkw_jstr(r, "handle_type");
    return p ? p : "in-process";
}

static void round_trip_row(vkw_doc *d, const cJSON *r)
{
    const char *outcome = vkw_jstr(r, "outcome");
    bool passed = is(outcome, "passed");
    vkw_doc_row(d, is(outcome, "failed") ? "failed" : outcome);
    vkw_doc_cell(d, "%s", or_dash(vkw_jstr(r, "mode")));
    vkw_doc_cell(d, "%s", or_dash(vkw_jstr(r, "peer")));
    vkw_doc_cell(d, "%s", through(r));
    vkw_doc_cell(d, "%s", or_dash(outcome));
    const cJSON *rt = vkw_jobj(r, "round_trip_ns");
    static const char *const stats[] = {"min", "p50", "p90", "p99", "p99_9", "max"};
    char t[24];
    for (size_t i = 0; i < sizeof stats / sizeof stats[0]; i++)
        vkw_doc_cell(d, "%s", passed ? ns_field(d, rt, stats[i], 1.0, t, sizeof t) : "");
    const cJSON *ratio = vkw_jobj(r, "ratio_to_best_baseline");
    double p50, p99;
    const char *x = ascii(d) ? "x" : "×";
    if (passed && ratio && vkw_jnum(ratio, "p50", &p50)) {
        char r50[32], r99[32] = "-";
        snprintf(r50, sizeof r50, p50 < 9.995 ? "%.2f%s" : "%.1f%s", p50, x);
        if (vkw_jnum(ratio, "p99", &p99))
            snprintf(r99, sizeof r99, p99 < 9.995 ? "%.2f%s" : "%.1f%s", p99, x);
        vkw_doc_cell(d, "%s/%s %s", r50, r99, or_dash(vkw_jstr(ratio, "baseline")));
    } else {
        vkw_doc_cell(d, "%s", "");
    }
    vkw_doc_cell(d, "%s", vkw_jstr(r, "reason") ? vkw_jstr(r, "reason") : "");
}

static void round_trips(vkw_doc *d, const cJSON *b, int level)
{
    static const char *const headers[] = {"Mode",
                                          "Peer",
                                          "Through",
                                          "Outcome",
                                          "min",
                                          "p50",
                                          "p90",
                                          "p99",
                                          "p99.9",
                                          "max",
                                          "p50/p99 vs best OS",
                                          "Reason"};
    const cJSON *rts = vkw_jobj(b, "round_trips");
    const cJSON *results = vkw_jarr(rts, "results");
    vkw_doc_heading(d, level, "Round trips");
    if (!cJSON_GetArraySize(results)) {
        vkw_doc_para(d, NULL, "No round trip ran.");
        return;
    }
    const cJSON *opt = vkw_jobj(rts, "options"), *timer = vkw_jobj(rts, "timer");
    char n[3][24];
    const char *pin = vkw_jstr(opt, "pin");
    vkw_doc_field(d, "Options",
                  "%s timed after %s warm-up; GPU chains: %s (mean per round); "
                  "pinned: %s",
                  count_text(opt, "round_trips", n[0], 24), count_text(opt, "warmup", n[1], 24),
                  count_text(opt, "gpu_chains", n[2], 24), pin ? pin : "no");
    if (timer) {
        char res[24], cost[24];
        vkw_doc_field(d, "Timer", "%s, resolution %s, a read costs %s",
                      or_dash(vkw_jstr(timer, "clock")),
                      ns_field(d, timer, "resolution_ns", 1.0, res, sizeof res),
                      ns_field(d, timer, "overhead_ns", 1.0, cost, sizeof cost));
    }
    vkw_doc_table(d, "vkw-round-trips", "llllrrrrrrll", headers, 3);
    unsigned passed = 0, failed = 0, skipped = 0, other = 0;
    const cJSON *r;
    cJSON_ArrayForEach(r, results)
    {
        round_trip_row(d, r);
        const char *o = vkw_jstr(r, "outcome");
        passed += is(o, "passed");
        failed += is(o, "failed");
        skipped += is(o, "skipped");
        other += !is(o, "passed") && !is(o, "failed") && !is(o, "skipped");
    }
    vkw_doc_table_end(d);
    vkw_doc_para(d, failed ? "failed" : NULL, "%u passed, %u failed, %u skipped, %u not run.",
                 passed, failed, skipped, other);
    if (d->format != VKW_RENDER_HTML || !passed)
        return;
    vkw_doc_heading(d, level + 1 > 4 ? 4 : level + 1, "Latency plots");
    vkw_doc_raw(d, "<div class=\"plots\">\n");
    cJSON_ArrayForEach(r, results)
    {
        if (is(vkw_jstr(r, "outcome"), "passed"))
            vkw_html_round_trip_plots(d, r);
    }
    vkw_doc_raw(d, "</div>\n");
}

static void bench(vkw_doc *d, const cJSON *b, int level)
{
    bench_fields(d, b);
    if (ran_part(b, "memory"))
        memory_table(d, b, level);
    if (ran_part(b, "round-trips"))
        round_trips(d, b, level);
}

/* ---- check ---- */

static int outcome_rank(const char *o)
{
    return is(o, "failed") ? 0 : is(o, "error") ? 1 : is(o, "passed") ? 3 : 2;
}

static void upper(char *s)
{
    for (; *s; s++)
        if (*s >= 'a' && *s <= 'z')
            *s = (char)(*s - 'a' + 'A');
}

static void expectations(vkw_doc *d, const cJSON *exps)
{
    static const char *const headers[] = {"Outcome",  "Device", "Expectation",
                                          "Measured", "Limit",  "Message"};
    vkw_doc_table(d, "vkw-expectations", "llllll", headers, 0);
    /* Failures first, then errors, then the rest, each in the config's order. */
    for (int rank = 0; rank <= 3; rank++) {
        const cJSON *x;
        cJSON_ArrayForEach(x, exps)
        {
            const char *o = vkw_jstr(x, "outcome");
            if (outcome_rank(o) != rank)
                continue;
            char word[24];
            snprintf(word, sizeof word, "%s", or_dash(o));
            if (rank < 3)
                upper(word);
            vkw_doc_row(d, rank < 3 ? (rank == 0 ? "failed" : "error") : o);
            vkw_doc_cell(d, "%s", word);
            double di;
            if (vkw_jnum(x, "device_index", &di))
                vkw_doc_cell(d, "#%.0f", di);
            else
                vkw_doc_cell(d, "%s", "-");
            const char *source = vkw_jstr(x, "source");
            vkw_doc_cell(d, "%s%s%s%s", or_dash(vkw_jstr(x, "name")), source ? " [" : "",
                         source ? source : "", source ? "]" : "");
            vkw_doc_cell(d, "%s", or_dash(vkw_jstr(x, "measured")));
            vkw_doc_cell(d, "%s", or_dash(vkw_jstr(x, "limit")));
            vkw_doc_cell(d, "%s", vkw_jstr(x, "message") ? vkw_jstr(x, "message") : "");
        }
    }
    vkw_doc_table_end(d);
}

static void check(vkw_doc *d, const cJSON *c)
{
    const cJSON *config = vkw_jobj(c, "config");
    const char *name = vkw_jstr(config, "name"), *path = vkw_jstr(config, "path");
    vkw_doc_heading(d, 2, "Check: %s", name ? name : or_dash(path));
    const char *outcome = vkw_jstr(c, "outcome");
    const cJSON *s = vkw_jobj(c, "summary");
    double total = 0, passed = 0, failed = 0, errors = 0;
    vkw_jnum(s, "expectations", &total);
    vkw_jnum(s, "passed", &passed);
    vkw_jnum(s, "failed", &failed);
    vkw_jnum(s, "errors", &errors);
    if (is(outcome, "passed"))
        vkw_doc_para(d, "passed", "PASSED: all %.0f expectation(s) met.", total);
    else if (is(outcome, "failed"))
        vkw_doc_para(d, "failed",
                     "FAILED: %.0f of %.0f expectation(s) failed, %.0f could not be "
                     "measured.",
                     failed, total, errors);
    else if (is(outcome, "error"))
        vkw_doc_para(d, "failed",
                     "ERROR: the check could not measure %.0f of %.0f "
                     "expectation(s).",
                     errors, total);
    else if (is(outcome, "environment"))
        vkw_doc_para(d, "failed",
                     "ENVIRONMENT: the check could not run here (no loader, driver "
                     "or matching device); see the status above.");
    else
        vkw_doc_para(d, "failed", "Outcome %s.", or_dash(outcome));
    vkw_doc_field(d, "Config", "%s", or_dash(path));
    if (name)
        vkw_doc_field(d, "Name", "%s", name);
    if (vkw_jstr(config, "description"))
        vkw_doc_field(d, "Description", "%s", vkw_jstr(config, "description"));
    vkw_doc_field(d, "Outcome", "%s", or_dash(outcome));
    char ec[24];
    vkw_doc_field(d, "Exit code", "%s", count_text(c, "exit_code", ec, sizeof ec));
    vkw_doc_field(d, "Expectations", "%.0f: %.0f passed, %.0f failed, %.0f error(s)", total, passed,
                  failed, errors);
    const cJSON *exps = vkw_jarr(c, "expectations");
    if (cJSON_GetArraySize(exps))
        expectations(d, exps);
}

/* ---- the whole report ---- */

static void render(vkw_doc *d, const cJSON *root)
{
    const cJSON *devices = vkw_jarr(root, "devices");
    const cJSON *b = vkw_jobj(root, "bench"), *c = vkw_jobj(root, "check");
    const cJSON *first = cJSON_GetArrayItem(devices, 0);
    char title[320];
    snprintf(title, sizeof title, "vkwin32h %s report%s%s", or_dash(vkw_jstr(root, "command")),
             first ? ": " : "",
             first ? or_dash(vkw_jstr(vkw_jobj(first, "identity"), "name")) : "");
    if (d->format == VKW_RENDER_HTML)
        vkw_html_begin(d, title);
    header(d, root);
    if (c)
        check(d, c);
    const cJSON *dev;
    size_t i = 0;
    cJSON_ArrayForEach(dev, devices)
    {
        device(d, dev, i++);
    }
    if (!cJSON_GetArraySize(devices))
        vkw_doc_para(d, NULL, "The report holds no device.");
    if (b) {
        vkw_doc_heading(d, 2, "Bench");
        bench(d, b, 3);
    }
    const cJSON *run;
    cJSON_ArrayForEach(run, vkw_jarr(c, "runs"))
    {
        double di;
        const char *name = vkw_jstr(run, "name");
        if (vkw_jnum(run, "device_index", &di))
            vkw_doc_heading(d, 2, "Check run: %s (device %.0f)", or_dash(name), di);
        else
            vkw_doc_heading(d, 2, "Check run: %s", or_dash(name));
        const cJSON *rb = vkw_jobj(run, "bench");
        if (rb)
            bench(d, rb, 3);
        else
            vkw_doc_para(d, "failed", "This run has no bench results.");
    }
    vkw_doc_flush(d);
    if (d->format == VKW_RENDER_HTML)
        vkw_html_end(d);
}

vkw_status vkw_render_report_file(const char *json_path, vkw_render_format format, char **out,
                                  vkw_error *err)
{
    *out = NULL;
    cJSON *root = NULL;
    vkw_doc doc;
    vkw_doc_init(&doc, format);
    vkw_status s = vkw_load_report_json(json_path, &root, err);
    if (s != VKW_OK)
        goto cleanup;
    render(&doc, root);
    if (doc.failed || doc.out.failed || !doc.out.data) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of memory while rendering '%s'", json_path);
        goto cleanup;
    }
    *out = doc.out.data;
    doc.out.data = NULL; /* now the caller's */
cleanup:
    vkw_doc_free(&doc);
    cJSON_Delete(root);
    return s;
}
