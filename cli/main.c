/* vkwin32h: the command-line front of libvkw. Parses arguments, runs a
 * command, renders text, writes reports and chooses the exit code. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check.h"
#include "report/compare.h"
#include "report/report_file.h"
#include "vkw.h"
#include "args.h"
#include "exit_codes.h"
#include "render_check.h"
#include "render_text.h"
#include "report_render.h"

/* Why a write to standard output failed, when known at the time. */
static int stdout_errno;

/* An error's one line on stderr. Messages quote what the user gave (argv,
 * paths, config and report text): its controls are escaped here, where every
 * message reaches the terminal, so none can recolour or forge a line. */
static void fail_line(const char *message)
{
    fprintf(stderr, "vkwin32h: %s\n", vkw_shown(message));
}

/* Writes len bytes of text to path, atomically, or to standard output for
 * NULL or "-"; false when it cannot (said on stderr; for standard output by
 * close_stdout, once). A file there that is not one of the tool's reports is
 * never replaced. */
static bool write_out(const char *path, const char *text, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0)
            return true;
        stdout_errno = errno;
        return false;
    }
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_replaceable(path, &err) == VKW_OK &&
        vkw_write_file_atomic(path, text, len, &err) == VKW_OK)
        return true;
    fail_line(err.message);
    return false;
}

static int write_json(const vkw_report *report, const char *path)
{
    char *text = NULL;
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_to_json(report, &text, &err) != VKW_OK) {
        fail_line(err.message);
        return VKW_EXIT_INTERNAL;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the terminator: the length is passed */
    int rc = write_out(path, text, len + 1) ? VKW_EXIT_OK : VKW_EXIT_REPORT_IO;
    free(text);
    return rc;
}

/* Fails before the work, not after it, when the report cannot be written
 * (or would replace a file that is not one of the tool's reports). */
static bool report_writable(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    if (args->json_path && strcmp(args->json_path, "-") != 0 &&
        (vkw_check_writable(args->json_path, &err) != VKW_OK ||
         vkw_report_replaceable(args->json_path, &err) != VKW_OK)) {
        fail_line(err.message);
        return false;
    }
    return true;
}

typedef void (*render_fn)(FILE *f, const vkw_report *r, bool verbose);

/* What every command does with its outcome: text for people (unless quiet or
 * the JSON goes to stdout), the error's one line, the JSON report, the exit code. */
static int finish(const vkw_args *args, vkw_report *report, vkw_status s, const vkw_error *err,
                  render_fn render, bool renderable)
{
    int rc = vkw_exit_code_for(s);
    bool json_stdout = args->json_path && strcmp(args->json_path, "-") == 0;
    if (!args->quiet && !json_stdout && renderable)
        render(stdout, report, args->verbose);
    if (s != VKW_OK)
        fail_line(err->message);
    if (args->json_path) {
        int wrc = write_json(report, args->json_path);
        if (rc == VKW_EXIT_OK)
            rc = wrc;
    }
    vkw_report_free(report);
    return rc;
}

static int probe(const vkw_args *args)
{
    if (!report_writable(args))
        return VKW_EXIT_REPORT_IO;
    vkw_error err;
    vkw_error_clear(&err);
    vkw_report report;
    vkw_report_init(&report, "probe");
    vkw_probe_options opts = {
        .loader_path = args->loader_path,
        .validate = args->validate,
        .filter = args->has_device_filter ? &args->filter : NULL,
        .interop = true,
        .d3d = true,
    };
    vkw_status s = vkw_probe_run(&opts, &report, &err);
    return finish(args, &report, s, &err, vkw_render_probe_text,
                  s == VKW_OK || report.device_count);
}

/* Progress on stderr: for a person at a terminal one live line, once a run
 * lasts; for a log (CI) a line when a step starts and every 10 s, saying what
 * runs, how far it is and since when, so the log shows where a run hung. */
typedef struct progress_state {
    uint64_t start_ns, last_line_ns;
    bool live;  /* a terminal's line, rewritten in place */
    bool shown; /* the live line is on the screen */
    char step[256];
} progress_state;

#define PROGRESS_LIVE_AFTER_NS 2000000000ull
#define PROGRESS_LOG_EVERY_NS 10000000000ull

/* Whether to show progress at all, and how. */
static bool progress_wanted(const vkw_args *args, progress_state *p)
{
    memset(p, 0, sizeof *p);
    p->start_ns = vkw_clock_ns();
    if (args->progress == VKW_PROGRESS_NEVER)
        return false;
    if (args->progress == VKW_PROGRESS_ALWAYS)
        return true;
    if (args->quiet)
        return false;
    p->live = vkw_platform_stderr_is_terminal();
    return true;
}

/* counter: "[3/30] " or ""; a log line is written when the step changes. */
static void progress_show(progress_state *p, const char *counter, const char *step,
                          const char *detail)
{
    uint64_t now = vkw_clock_ns();
    if (p->live) {
        if (now - p->start_ns < PROGRESS_LIVE_AFTER_NS)
            return;
        fprintf(stderr, "\r\033[K%s%s%s%s", counter, step, detail[0] ? ", " : "", detail);
        fflush(stderr);
        p->shown = true;
        return;
    }
    bool same = strcmp(step, p->step) == 0;
    if (same && now - p->last_line_ns < PROGRESS_LOG_EVERY_NS)
        return;
    snprintf(p->step, sizeof p->step, "%s", step);
    p->last_line_ns = now;
    fprintf(stderr, "vkwin32h: progress at %.1f s: %s%s%s%s\n", (double)(now - p->start_ns) / 1e9,
            counter, step, detail[0] ? ", " : "", detail);
    fflush(stderr);
}

static void progress_end(progress_state *p)
{
    if (p->shown)
        fputs("\r\033[K", stderr);
    p->shown = false;
}

static void show_progress(void *user, uint32_t done, uint32_t total, const char *step,
                          const char *detail)
{
    char counter[32];
    snprintf(counter, sizeof counter, "[%u/%u] ", done + 1, total);
    progress_show(user, counter, step, detail);
}

/* Bench and check: from here a stop request (SIGINT, SIGTERM, the deadline)
 * ends the run with interrupted reports; a second one ends it at once. */
static bool watch_for_stop(uint32_t deadline_s)
{
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_stop_watch(deadline_s * 1000u, VKW_EXIT_SIGINT, VKW_EXIT_SIGTERM, &err) == VKW_OK)
        return true;
    fail_line(err.message);
    return false;
}

static int bench(vkw_args *args)
{
    if (!report_writable(args))
        return VKW_EXIT_REPORT_IO;
    vkw_error err;
    vkw_error_clear(&err);
    if (!watch_for_stop(args->deadline_s))
        return VKW_EXIT_INTERNAL;
    /* An earlier report at this path goes before the work starts: a run
     * that is killed (a second signal) leaves none rather than an old pass. */
    if (args->json_path && strcmp(args->json_path, "-") != 0)
        vkw_remove_stale_report(args->json_path);
    vkw_report report;
    vkw_report_init(&report, "bench");
    progress_state ps;
    vkw_bench_options *o = &args->bench;
    o->loader_path = args->loader_path;
    o->validate = args->validate;
    o->filter = args->has_device_filter ? &args->filter : NULL;
    if (progress_wanted(args, &ps)) {
        o->progress = show_progress;
        o->progress_user = &ps;
    }
    vkw_status s = vkw_bench_run(o, &report, &err);
    progress_end(&ps);
    return finish(args, &report, s, &err, vkw_render_bench_text, report.bench != NULL);
}

/* Stress: one line per interval, what the series' last point says. */
static void show_stress_progress(void *user, double t_s, uint64_t ops, uint32_t faults,
                                 const char *line)
{
    char step[64], detail[320];
    snprintf(step, sizeof step, "stress at %.0f s", t_s);
    snprintf(detail, sizeof detail, "%llu operations, %u faults; %s", (unsigned long long)ops,
             faults, line);
    progress_show(user, "", step, detail);
}

static int stress(vkw_args *args)
{
    if ((args->bench_given & (1u << VKW_OPT_SIZES)) &&
        args->bench.size_count > VKW_STRESS_SIZES_MAX) {
        fprintf(stderr, "vkwin32h: --sizes: stress takes at most %u sizes, got %u\n",
                VKW_STRESS_SIZES_MAX, args->bench.size_count);
        return VKW_EXIT_USAGE;
    }
    if (!report_writable(args))
        return VKW_EXIT_REPORT_IO;
    vkw_error err;
    vkw_error_clear(&err);
    if (!watch_for_stop(args->deadline_s))
        return VKW_EXIT_INTERNAL;
    if (args->json_path && strcmp(args->json_path, "-") != 0)
        vkw_remove_stale_report(args->json_path);
    vkw_report report;
    vkw_report_init(&report, "stress");
    progress_state ps;
    vkw_stress_options *o = &args->stress;
    const vkw_bench_options *b = &args->bench;
    o->loader_path = args->loader_path;
    o->validate = args->validate;
    o->filter = args->has_device_filter ? &args->filter : NULL;
    /* The bench's options that stress takes, where given. */
    if (args->bench_given & (1u << VKW_OPT_SIZES)) {
        o->size_count = b->size_count;
        memcpy(o->sizes, b->sizes, o->size_count * sizeof o->sizes[0]);
    }
    if (args->bench_given & (1u << VKW_OPT_HANDLE_TYPES))
        o->handle_types = b->handle_types;
    if (args->bench_given & (1u << VKW_OPT_SCENARIOS))
        o->scenario_kinds = b->scenario_kinds;
    if (args->bench_given & (1u << VKW_OPT_TIMEOUT | 1u << VKW_OPT_TIMEOUT_MS))
        o->timeout_ms = b->timeout_ms;
    /* --cycles alone runs until they are done. */
    if (o->cycles && !(args->stress_given & (1u << VKW_SOPT_DURATION)))
        o->duration_ms = 0;
    if (progress_wanted(args, &ps)) {
        o->progress = show_stress_progress;
        o->progress_user = &ps;
    }
    vkw_status s = vkw_stress_run(o, &report, &err);
    progress_end(&ps);
    return finish(args, &report, s, &err, vkw_render_stress_text, report.stress != NULL);
}

static bool outputs_distinct(const char *input_what, const char *input_path,
                             const char *const *paths, const char *const *keys, size_t count);

static int compare(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_comparison cmp;
    /* The decision may not replace a report it compares (by file identity). */
    const char *out = args->json_path && strcmp(args->json_path, "-") != 0 ? args->json_path : NULL;
    const char *const key[] = {"--json"};
    if (out && (!outputs_distinct("the old report", args->compare_old, &out, key, 1) ||
                !outputs_distinct("the new report", args->compare_new, &out, key, 1)))
        return VKW_EXIT_USAGE;
    if (!report_writable(args))
        return VKW_EXIT_REPORT_IO;
    vkw_status s =
        vkw_compare_files(args->compare_old, args->compare_new, args->tolerance_pct, &cmp, &err);
    if (s != VKW_OK) {
        fail_line(err.message);
        return vkw_exit_code_for(s);
    }
    bool json_stdout = args->json_path && strcmp(args->json_path, "-") == 0;
    if (!args->quiet && !json_stdout) {
        for (uint32_t i = 0; i < cmp.count; i++) {
            const vkw_finding *f = &cmp.findings[i];
            printf("%-10s %-16s %s: %s -> %s", f->regression ? "REGRESSION" : "note",
                   vkw_finding_kind_name(f->kind), vkw_shown(f->what), vkw_shown(f->old_text),
                   vkw_shown(f->new_text));
            if (f->change_pct != 0)
                printf(" (%+.1f%%)", f->change_pct);
            if (f->evidence.kind != VKW_EVIDENCE_NONE)
                printf(" [%s]", f->evidence.why);
            putchar('\n');
        }
        printf("%u regression(s), %u other change(s) in %u comparisons (tolerance %.0f%%)\n",
               cmp.regressions, cmp.count - cmp.regressions, cmp.compared, cmp.tolerance_pct);
    }
    int rc = cmp.regressions ? VKW_EXIT_REGRESSION : VKW_EXIT_OK;
    if (args->json_path) {
        char *text = NULL;
        if (vkw_comparison_to_json(&cmp, args->compare_old, args->compare_new, &text, &err) !=
            VKW_OK) {
            fprintf(stderr, "vkwin32h: %s\n", err.message);
            rc = VKW_EXIT_INTERNAL;
        } else {
            size_t len = strlen(text);
            text[len] = '\n'; /* replaces the terminator: the length is passed */
            if (!write_out(args->json_path, text, len + 1))
                rc = VKW_EXIT_REPORT_IO;
            free(text);
        }
    }
    if (cmp.regressions)
        fprintf(stderr, "vkwin32h: %u regression(s) from '%s' to '%s'\n", cmp.regressions,
                vkw_shown(args->compare_old), vkw_shown(args->compare_new));
    vkw_comparison_free(&cmp);
    return rc;
}

static void check_progress(void *user, const char *step, const char *detail)
{
    progress_show(user, "", step, detail);
}

/* What an earlier run left at this run's report paths, once the run has
 * started (and again when it could not write them all): CI must not publish
 * yesterday's pass as today's. Only the tool's own reports are removed (the
 * config, a user's file, a directory stay). */
static void remove_stale_reports(const vkw_check_config *c)
{
    const char *paths[] = {c->json_path, c->junit_path, c->summary_path};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (paths[i][0] && strcmp(paths[i], "-") != 0)
            vkw_remove_stale_report(paths[i]);
}

/* Any output that is the input (check's config, the report `report` reads),
 * or two outputs that are one file, under whatever spelling (file identity,
 * not the string): a usage error before anything runs, so that neither the
 * input nor a report is lost. */
static bool outputs_distinct(const char *input_what, const char *input_path,
                             const char *const *paths, const char *const *keys, size_t count)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_file_id input, ids[3];
    /* An input that is not there is said by its reader. */
    bool input_known = strcmp(input_path, "-") != 0 &&
                       vkw_file_identity(input_path, &input, NULL) == VKW_OK && input.exists;
    for (size_t i = 0; i < count && i < 3; i++) {
        if (vkw_file_identity(paths[i], &ids[i], &err) != VKW_OK) {
            fprintf(stderr, "vkwin32h: %s (%s)\n", vkw_shown(err.message), keys[i]);
            return false;
        }
        if (input_known && vkw_file_same(&ids[i], &input)) {
            fprintf(stderr,
                    "vkwin32h: %s '%s' is %s '%s' itself: the output would replace "
                    "it\n",
                    keys[i], vkw_shown(paths[i]), input_what, vkw_shown(input_path));
            return false;
        }
        for (size_t k = 0; k < i; k++)
            if (vkw_file_same(&ids[i], &ids[k])) {
                fprintf(stderr,
                        "vkwin32h: %s '%s' and %s '%s' are the same file: one report "
                        "would replace the other\n",
                        keys[k], vkw_shown(paths[k]), keys[i], vkw_shown(paths[i]));
                return false;
            }
    }
    return true;
}

/* Writes those of check's reports that go to files (to_stdout false), or the
 * one that goes to standard output ('-'). */
static bool write_check_reports(const vkw_check_config *c, const char *json, const char *junit,
                                const char *summary, bool to_stdout)
{
    const char *paths[] = {c->json_path, c->junit_path, c->summary_path};
    const char *texts[] = {json, junit, c->summary_path[0] ? summary : NULL};
    for (size_t i = 0; i < 3; i++)
        if (texts[i] && (strcmp(paths[i], "-") == 0) == to_stdout &&
            !write_out(paths[i], texts[i], strlen(texts[i])))
            return false;
    return true;
}

/* `check --config FILE`: judges the machine against a lab's config; writes
 * the JSON report, the JUnit XML and the text summary, all or none. */
static int check(const vkw_args *args)
{
    int rc = VKW_EXIT_OK;
    vkw_error err;
    vkw_error_clear(&err);
    vkw_check_item *items = NULL;
    char *json = NULL, *junit = NULL, *summary = NULL;
    vkw_check_result result;
    memset(&result, 0, sizeof result);
    bool ran = false, written = false;
    vkw_check_config *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "vkwin32h: out of host memory\n");
        return VKW_EXIT_INTERNAL;
    }
    if (vkw_check_config_load(args->config_path, c, &err) != VKW_OK) {
        fail_line(err.message);
        rc = err.status == VKW_E_NO_MEMORY ? VKW_EXIT_INTERNAL : VKW_EXIT_USAGE;
        goto cleanup;
    }
    /* --validate adds what the config's "validate" would: the layer, and the
     * expectation that it reports no error. */
    c->validate = c->validate || args->validate;
    /* The command line's report paths win over the config's. */
    struct {
        const char *given, *key, *config_key;
        char *path;
    } reports[] = {
        {args->json_path, "--json", "the config's reports.json", c->json_path},
        {args->junit_path, "--junit", "the config's reports.junit", c->junit_path},
        {args->summary_path, "--summary", "the config's reports.summary", c->summary_path},
    };
    const char *paths[3], *keys[3], *stdout_key = NULL;
    size_t path_count = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *key = reports[i].given ? reports[i].key : reports[i].config_key;
        if (reports[i].given && strlen(reports[i].given) >= VKW_CHECK_PATH_LEN) {
            fprintf(stderr, "vkwin32h: %s: a path longer than %d bytes\n", key,
                    VKW_CHECK_PATH_LEN - 1);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
        if (reports[i].given)
            snprintf(reports[i].path, VKW_CHECK_PATH_LEN, "%s", reports[i].given);
        if (!reports[i].path[0])
            continue;
        /* '-': this report goes to standard output, instead of the summary
         * (a config names files: what its reports become is the lab's). */
        if (strcmp(reports[i].path, "-") == 0 && (!reports[i].given || stdout_key)) {
            if (reports[i].given)
                fprintf(stderr,
                        "vkwin32h: %s - and %s - both name standard output: one "
                        "report would replace the other\n",
                        stdout_key, key);
            else
                fprintf(stderr,
                        "vkwin32h: %s: a config names files, not '-' (standard "
                        "output is for the command line's --json/--junit/--summary -)\n",
                        key);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
        if (strcmp(reports[i].path, "-") == 0) {
            stdout_key = key;
            continue;
        }
        if (vkw_check_writable(reports[i].path, &err) != VKW_OK) {
            fprintf(stderr, "vkwin32h: %s (%s)\n", vkw_shown(err.message), key);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
        keys[path_count] = key;
        paths[path_count++] = reports[i].path;
    }
    if (!outputs_distinct("the config", args->config_path, paths, keys, path_count)) {
        rc = VKW_EXIT_USAGE;
        goto cleanup;
    }
    for (size_t i = 0; i < path_count; i++)
        if (vkw_report_replaceable(paths[i], &err) != VKW_OK) {
            fprintf(stderr, "vkwin32h: %s (%s)\n", vkw_shown(err.message), keys[i]);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
    uint32_t item_count = 0;
    if (vkw_check_plan(c, &items, &item_count, &err) != VKW_OK) {
        fail_line(err.message);
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    if (args->dry_run) { /* it leaves the reports alone; close_stdout checks the writing */
        summary = vkw_render_check_plan(c, items, item_count);
        if (!summary)
            rc = VKW_EXIT_INTERNAL;
        else
            fputs(summary, stdout);
        goto cleanup;
    }

    /* The run starts: what an earlier run left at these paths goes first, so
     * that no stop, not even a second signal, leaves yesterday's pass. */
    if (!watch_for_stop(args->deadline_s ? args->deadline_s : c->deadline_s)) {
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    remove_stale_reports(c);
    progress_state ps;
    vkw_check_options o = {.loader_path = args->loader_path};
    if (progress_wanted(args, &ps)) {
        o.progress = check_progress;
        o.progress_user = &ps;
    }
    ran = true;
    vkw_status s = vkw_check_run(c, &o, &result, &err);
    progress_end(&ps);
    if (s != VKW_OK) {
        fail_line(err.message);
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    rc = vkw_exit_code_for_check(result.verdict);
    summary = vkw_render_check_summary(&result, rc, paths, path_count);
    if (!summary || (c->json_path[0] && vkw_check_to_json(&result, rc, &json, &err) != VKW_OK) ||
        (c->junit_path[0] && vkw_check_to_junit(&result, &junit, &err) != VKW_OK)) {
        fail_line(summary ? err.message : "out of host memory");
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    /* The files first, the report for standard output (which cannot be taken
     * back) last; all or none: cleanup removes what was written. */
    bool files_written = write_check_reports(c, json, junit, summary, false);
    bool stdout_written = files_written && write_check_reports(c, json, junit, summary, true);
    written = files_written && stdout_written;
    if (!args->quiet && !stdout_key)
        fputs(summary, stdout);
    if (!files_written)
        rc = VKW_EXIT_INTERNAL;
    else if (!stdout_written)
        rc = VKW_EXIT_REPORT_IO; /* said by close_stdout */
    else if (result.verdict == VKW_CHECK_ENVIRONMENT)
        fail_line(result.message);
    else if (result.verdict == VKW_CHECK_INTERRUPTED)
        fprintf(stderr,
                "vkwin32h: check stopped early (%s): %u of %u expectations not judged; "
                "the reports hold what ran\n",
                result.message, result.errors, result.expectation_count);
    else if (result.verdict != VKW_CHECK_PASSED)
        fprintf(stderr, "vkwin32h: check %s: %u of %u expectations failed, %u not judged\n",
                vkw_check_verdict_name(result.verdict), result.failed, result.expectation_count,
                result.errors);

cleanup:
    if (ran && !written)
        remove_stale_reports(c);
    if (ran)
        vkw_check_result_free(&result);
    free(summary);
    free(junit);
    free(json);
    free(items);
    free(c);
    return rc;
}

/* `report FILE.json`: the report rendered for people, to stdout or --output. */
static int report(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_render_format format = VKW_RENDER_TEXT;
    if (args->format && strcmp(args->format, "markdown") == 0)
        format = VKW_RENDER_MARKDOWN;
    else if (args->format && strcmp(args->format, "html") == 0)
        format = VKW_RENDER_HTML;
    const char *out = args->output_path && strcmp(args->output_path, "-") != 0
                          ? args->output_path
                          : NULL; /* NULL: standard output */
    if (out && vkw_check_writable(out, &err) != VKW_OK) {
        fail_line(err.message);
        return VKW_EXIT_REPORT_IO;
    }
    if (out && !outputs_distinct("the report read", args->report_input, &out,
                                 (const char *const[]){"--output"}, 1))
        return VKW_EXIT_USAGE;
    if (out && vkw_report_replaceable(out, &err) != VKW_OK) {
        fail_line(err.message);
        return VKW_EXIT_REPORT_IO;
    }
    char *text = NULL;
    vkw_status s = vkw_render_report_file(args->report_input, format, &text, &err);
    if (s != VKW_OK) {
        fail_line(err.message);
        return vkw_exit_code_for(s);
    }
    int rc = write_out(out, text, strlen(text)) ? VKW_EXIT_OK : VKW_EXIT_REPORT_IO;
    free(text);
    return rc;
}

/* The bench's child: its findings go to the parent; only what stops the
 * child itself is said here, on stderr. */
static int child(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_status s = vkw_bench_child_main(args->child_token, &err);
    if (s != VKW_OK)
        fprintf(stderr, "vkwin32h (child): %s\n", err.message);
    return vkw_exit_code_for(s);
}

/* Everything written to standard output is checked once, at the end (the
 * error stays on the stream): a full disk, a closed pipe (EPIPE: SIGPIPE is
 * ignored) or a failed close is exit 6 with one line on stderr, unless the
 * run already failed with its own code. */
static int close_stdout(int rc)
{
    errno = 0;
    bool failed = ferror(stdout) != 0;
    if (fflush(stdout) != 0)
        failed = true;
    int why = stdout_errno ? stdout_errno : errno;
    if (fclose(stdout) != 0 && !failed) {
        failed = true;
        why = errno;
    }
    if (!failed)
        return rc;
    fprintf(stderr, "vkwin32h: cannot write to standard output%s%s\n", why ? ": " : "",
            why ? strerror(why) : "");
    return rc == VKW_EXIT_OK ? VKW_EXIT_REPORT_IO : rc;
}

static int run_command(vkw_args *args)
{
    switch (args->command) {
    case VKW_CMD_HELP:
        vkw_print_usage(stdout, args->help_topic, args->list_options);
        return VKW_EXIT_OK;
    case VKW_CMD_VERSION:
        printf("%s %s (report schema %d)\n", VKW_TOOL_NAME, VKW_TOOL_VERSION, VKW_SCHEMA_VERSION);
        return VKW_EXIT_OK;
    case VKW_CMD_PROBE: return probe(args);
    case VKW_CMD_BENCH: return bench(args);
    case VKW_CMD_STRESS: return stress(args);
    case VKW_CMD_COMPARE: return compare(args);
    case VKW_CMD_REPORT: return report(args);
    case VKW_CMD_CHECK: return check(args);
    case VKW_CMD_CHILD: return child(args);
    case VKW_CMD_NONE: break;
    }
    vkw_print_usage(stderr, VKW_CMD_NONE, false);
    return VKW_EXIT_USAGE;
}

int main(int argc, char **argv)
{
    vkw_args args;
    char msg[512];
    vkw_platform_ignore_broken_pipes();
    if (!vkw_args_parse(argc, argv, &args, msg, sizeof msg)) {
        fail_line(msg);
        return VKW_EXIT_USAGE;
    }
    int rc = run_command(&args);
    vkw_parallel_shutdown(); /* the bench's workers, in the parent and in its child */
    return close_stdout(rc);
}
