/* `vkwin32h report`: a report read back into the typed report
 * (vkw_report_parse) and walked as the live run that wrote it is
 * (render_text.c), through the document writer (report_doc.c), which makes it
 * text, Markdown or HTML. A check report adds its verdict and expectations,
 * read from its JSON, and the bench of each of its runs. */
#include "report_render.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "bench/bench.h"
#include "report/report.h"
#include "render_text.h"
#include "report_doc.h"

static const char *or_dash(const char *s)
{
    return s && *s ? s : "-";
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

static bool is(const char *s, const char *what)
{
    return s && strcmp(s, what) == 0;
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
    d->key_width = 12;
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

static vkw_status render(vkw_doc *d, const vkw_report *r, vkw_error *err)
{
    vkw_status s = VKW_OK;
    char title[320];
    snprintf(title, sizeof title, "vkwin32h %s report%s%s", r->command, r->device_count ? ": " : "",
             r->device_count ? r->devices[0].name : "");
    if (d->format == VKW_RENDER_HTML)
        vkw_html_begin(d, title);
    /* Text: one line first that says what this is, so that the tool knows the
     * file as its own (report_file.c) while a run's text someone kept is not;
     * below it, the live text. */
    if (d->format == VKW_RENDER_TEXT)
        vkw_doc_line(d, "%s %s report: the run's text, read back from its JSON report",
                     VKW_TOOL_NAME, VKW_TOOL_VERSION);
    /* All the report holds: the live run's --verbose. */
    vkw_render_doc(d, r, true);
    vkw_doc_section_end(d);
    if (r->status != VKW_OK)
        vkw_doc_para(d, "failed", "The run failed (%s): %s", vkw_status_code(r->status),
                     or_dash(r->message));
    const cJSON *c = vkw_jobj(r->source, "check");
    if (c)
        check(d, c);
    uint32_t runs = vkw_report_check_run_count(r);
    for (uint32_t i = 0; i < runs && s == VKW_OK; i++) {
        vkw_check_run_read run;
        s = vkw_report_check_run(r, i, &run, err);
        if (s != VKW_OK)
            break;
        if (run.device >= 0)
            vkw_doc_heading(d, 2, "Check run: %s (device %d)", or_dash(run.name), run.device);
        else
            vkw_doc_heading(d, 2, "Check run: %s", or_dash(run.name));
        if (run.bench)
            vkw_render_bench_doc(d, r, run.bench, true);
        else
            vkw_doc_para(d, "failed", "This run has no bench results.");
        vkw_check_run_read_free(&run);
    }
    vkw_doc_flush(d);
    if (d->format == VKW_RENDER_HTML)
        vkw_html_end(d);
    return s;
}

vkw_status vkw_render_report_file(const char *json_path, vkw_render_format format, char **out,
                                  vkw_error *err)
{
    *out = NULL;
    vkw_report r;
    vkw_doc doc;
    vkw_doc_init(&doc, format);
    vkw_status s = vkw_report_parse(json_path, &r, err);
    if (s != VKW_OK)
        goto cleanup_doc;
    s = render(&doc, &r, err);
    if (s != VKW_OK)
        goto cleanup;
    if (doc.failed || doc.out.failed || !doc.out.data) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of memory while rendering '%s'", json_path);
        goto cleanup;
    }
    *out = doc.out.data;
    doc.out.data = NULL; /* now the caller's */
cleanup:
    vkw_report_free(&r);
cleanup_doc:
    vkw_doc_free(&doc);
    return s;
}
