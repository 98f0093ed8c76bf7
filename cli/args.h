/* Command-line parsing for vkwin32h. */
#ifndef VKW_ARGS_H
#define VKW_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "bench/bench.h"
#include "report/stress_report.h"
#include "vk/device_filter.h"

typedef enum vkw_command {
    VKW_CMD_NONE,
    VKW_CMD_PROBE,
    VKW_CMD_BENCH,
    VKW_CMD_STRESS,
    VKW_CMD_COMPARE,
    VKW_CMD_CHECK,
    VKW_CMD_REPORT,
    VKW_CMD_CHILD, /* hidden: the bench's child process */
    VKW_CMD_HELP,
    VKW_CMD_VERSION,
} vkw_command;

/* --progress: a live line on a terminal, lines a log can keep elsewhere. */
typedef enum vkw_progress_mode {
    VKW_PROGRESS_AUTO,   /* live on a terminal, else log lines */
    VKW_PROGRESS_ALWAYS, /* log lines even when nobody watches a terminal */
    VKW_PROGRESS_NEVER,
} vkw_progress_mode;

typedef struct vkw_args {
    vkw_command command;
    vkw_command help_topic; /* for `help probe` and `probe --help` */
    const char *json_path;  /* NULL: no JSON; "-": stdout */
    const char *loader_path;
    bool has_device_filter;
    vkw_device_filter filter;
    bool validate;
    bool quiet;
    bool verbose;
    vkw_bench_options bench;   /* bench options (defaults unless given) */
    uint32_t bench_given;      /* bits of vkw_bench_option_id given (stress takes a few) */
    vkw_stress_options stress; /* stress options (defaults unless given) */
    uint32_t stress_given;     /* bits of vkw_stress_option_id given */
    const char *child_token;
    const char *compare_old, *compare_new; /* compare OLD NEW */
    double tolerance_pct;
    const char *config_path;    /* check --config */
    const char *junit_path;     /* check --junit: overrides the config's reports.junit */
    const char *summary_path;   /* check --summary: overrides the config's reports.summary */
    bool dry_run;               /* check --dry-run: validate the config, list the expectations */
    const char *report_input;   /* report FILE.json */
    const char *format;         /* report --format: text (default), markdown, html */
    const char *output_path;    /* report --output: NULL: stdout */
    uint32_t deadline_s;        /* bench, stress, check --deadline: 0: none (check: the config's) */
    vkw_progress_mode progress; /* bench, check --progress */
    bool list_options;          /* help --list-options: every option, tab-separated */
} vkw_args;

/* Parses argv; on error fills msg with one line and returns false. An
 * option given twice is an error, and so is a list item given twice. */
bool vkw_args_parse(int argc, char **argv, vkw_args *out, char *msg, size_t len);
/* The usage of a command (VKW_CMD_NONE: of the tool), or with list every
 * option of the tables, one a line. */
void vkw_print_usage(FILE *f, vkw_command topic, bool list);

#endif
