/* vkwin32h: the command-line front of libvkw. Parses arguments, runs a
 * command, renders text, writes reports and chooses the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/check.h"
#include "../src/compare.h"
#include "../src/vkw.h"
#include "args.h"
#include "exit_codes.h"
#include "render_check.h"
#include "render_text.h"
#include "report_render.h"

/* Writes len bytes of text to path, atomically, or to standard output for
 * NULL or "-"; false (said on stderr) when it cannot. */
static bool write_out(const char *path, const char *text, size_t len)
{
    if (!path || strcmp(path, "-") == 0) {
        if (fwrite(text, 1, len, stdout) == len && fflush(stdout) == 0)
            return true;
        fprintf(stderr, "vkwin32h: cannot write to standard output\n");
        return false;
    }
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_write_file_atomic(path, text, len, &err) == VKW_OK)
        return true;
    fprintf(stderr, "vkwin32h: %s\n", err.message);
    return false;
}

static int write_json(const vkw_report *report, const char *path)
{
    char *text = NULL;
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_to_json(report, &text, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return VKW_EXIT_INTERNAL;
    }
    size_t len = strlen(text);
    text[len] = '\n'; /* replaces the terminator: the length is passed */
    int rc = write_out(path, text, len + 1) ? VKW_EXIT_OK : VKW_EXIT_REPORT_IO;
    free(text);
    return rc;
}

/* Fails before the work, not after it, when the report cannot be written. */
static bool report_writable(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    if (args->json_path && strcmp(args->json_path, "-") != 0 &&
        vkw_check_writable(args->json_path, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
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
        fprintf(stderr, "vkwin32h: %s\n", err->message);
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
    fprintf(stderr, "vkwin32h: %s\n", err.message);
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
        vkw_remove_report(args->json_path);
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

static int compare(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    vkw_comparison cmp;
    vkw_status s =
        vkw_compare_files(args->compare_old, args->compare_new, args->tolerance_pct, &cmp, &err);
    if (s != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return vkw_exit_code_for(s);
    }
    if (!args->quiet) {
        for (uint32_t i = 0; i < cmp.count; i++) {
            const vkw_finding *f = &cmp.findings[i];
            printf("%-10s %-16s %s: %s -> %s", f->regression ? "REGRESSION" : "note",
                   vkw_finding_kind_name(f->kind), vkw_shown(f->what), vkw_shown(f->old_text),
                   vkw_shown(f->new_text));
            if (f->change_pct != 0)
                printf(" (%+.1f%%)", f->change_pct);
            putchar('\n');
        }
        printf("%u regression(s), %u other change(s) in %u comparisons (tolerance %.0f%%)\n",
               cmp.regressions, cmp.count - cmp.regressions, cmp.compared, cmp.tolerance_pct);
    }
    int rc = cmp.regressions ? VKW_EXIT_REGRESSION : VKW_EXIT_OK;
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

/* What an earlier run left at this run's report paths, when this run writes
 * no report: CI must not publish yesterday's pass as today's. The config
 * itself is never removed, nor anything that is not a regular file. */
static void remove_stale_reports(const vkw_args *args, const vkw_check_config *c)
{
    const char *paths[] = {args->json_path,          args->junit_path,
                           args->summary_path,       c ? c->json_path : NULL,
                           c ? c->junit_path : NULL, c ? c->summary_path : NULL};
    for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++)
        if (paths[i] && paths[i][0] && strcmp(paths[i], "-") != 0 &&
            strcmp(paths[i], args->config_path) != 0)
            vkw_remove_report(paths[i]);
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
    bool ran = false, loaded = false, written = false;
    vkw_check_config *c = calloc(1, sizeof *c);
    if (!c) {
        fprintf(stderr, "vkwin32h: out of host memory\n");
        return VKW_EXIT_INTERNAL;
    }
    if (vkw_check_config_load(args->config_path, c, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        rc = err.status == VKW_E_NO_MEMORY ? VKW_EXIT_INTERNAL : VKW_EXIT_USAGE;
        goto cleanup;
    }
    loaded = true;
    /* --validate adds what the config's "validate" would: the layer, and the
     * expectation that it reports no error. */
    c->validate = c->validate || args->validate;
    /* The command line's report paths win over the config's. */
    struct {
        const char *given, *key;
        char *path;
    } reports[] = {
        {args->json_path, "--json", c->json_path},
        {args->junit_path, "--junit", c->junit_path},
        {args->summary_path, "--summary", c->summary_path},
    };
    const char *paths[3];
    size_t path_count = 0;
    for (size_t i = 0; i < 3; i++) {
        const char *key = reports[i].given ? reports[i].key : "the config's reports";
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
        if (strcmp(reports[i].path, "-") == 0) {
            fprintf(stderr,
                    "vkwin32h: %s: check writes its reports to files, not to '-' (the "
                    "summary goes to standard output)\n",
                    key);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
        if (vkw_check_writable(reports[i].path, &err) != VKW_OK) {
            fprintf(stderr, "vkwin32h: %s (%s)\n", err.message, key);
            rc = VKW_EXIT_USAGE;
            goto cleanup;
        }
        paths[path_count++] = reports[i].path;
    }
    uint32_t item_count = 0;
    if (vkw_check_plan(c, &items, &item_count, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    if (args->dry_run) {
        written = true; /* a dry run leaves the reports alone */
        summary = vkw_render_check_plan(c, items, item_count);
        if (!summary || fputs(summary, stdout) == EOF)
            rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }

    /* The run starts: what an earlier run left at these paths goes first, so
     * that no stop, not even a second signal, leaves yesterday's pass. */
    if (!watch_for_stop(args->deadline_s ? args->deadline_s : c->deadline_s)) {
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    remove_stale_reports(args, c);
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
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    rc = vkw_exit_code_for_check(result.verdict);
    summary = vkw_render_check_summary(&result, rc, paths, path_count);
    if (!summary || (c->json_path[0] && vkw_check_to_json(&result, rc, &json, &err) != VKW_OK) ||
        (c->junit_path[0] && vkw_check_to_junit(&result, &junit, &err) != VKW_OK)) {
        fprintf(stderr, "vkwin32h: %s\n", summary ? err.message : "out of host memory");
        rc = VKW_EXIT_INTERNAL;
        goto cleanup;
    }
    written = (!json || write_out(c->json_path, json, strlen(json))) &&
              (!junit || write_out(c->junit_path, junit, strlen(junit))) &&
              (!c->summary_path[0] || write_out(c->summary_path, summary, strlen(summary)));
    if (!args->quiet)
        fputs(summary, stdout);
    if (!written) /* all or none: cleanup removes what was written */
        rc = VKW_EXIT_INTERNAL;
    else if (result.verdict == VKW_CHECK_ENVIRONMENT)
        fprintf(stderr, "vkwin32h: %s\n", result.message);
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
    if (!written)
        remove_stale_reports(args, loaded ? c : NULL);
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
    if (args->output_path && vkw_check_writable(args->output_path, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return VKW_EXIT_REPORT_IO;
    }
    char *text = NULL;
    vkw_status s = vkw_render_report_file(args->report_input, format, &text, &err);
    if (s != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return vkw_exit_code_for(s);
    }
    int rc = write_out(args->output_path, text, strlen(text)) ? VKW_EXIT_OK : VKW_EXIT_REPORT_IO;
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

int main(int argc, char **argv)
{
    vkw_args args;
    char msg[512];
    vkw_platform_ignore_broken_pipes();
    if (!vkw_args_parse(argc, argv, &args, msg, sizeof msg)) {
        fprintf(stderr, "vkwin32h: %s\n", msg);
        return VKW_EXIT_USAGE;
    }
    switch (args.command) {
    case VKW_CMD_HELP: vkw_print_usage(stdout, args.help_topic); return VKW_EXIT_OK;
    case VKW_CMD_VERSION:
        printf("%s %s (report schema %d)\n", VKW_TOOL_NAME, VKW_TOOL_VERSION, VKW_SCHEMA_VERSION);
        return VKW_EXIT_OK;
    case VKW_CMD_PROBE: return probe(&args);
    case VKW_CMD_BENCH: return bench(&args);
    case VKW_CMD_COMPARE: return compare(&args);
    case VKW_CMD_REPORT: return report(&args);
    case VKW_CMD_CHECK: return check(&args);
    case VKW_CMD_CHILD: return child(&args);
    case VKW_CMD_NONE: break;
    }
    vkw_print_usage(stderr, VKW_CMD_NONE);
    return VKW_EXIT_USAGE;
}
