/* Command-line parsing for vkwin32h. */
#ifndef VKW_ARGS_H
#define VKW_ARGS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "../src/bench.h"
#include "../src/device_filter.h"

typedef enum vkw_command {
    VKW_CMD_NONE,
    VKW_CMD_PROBE,
    VKW_CMD_BENCH,
    VKW_CMD_COMPARE,
    VKW_CMD_CHECK,
    VKW_CMD_REPORT,
    VKW_CMD_CHILD, /* hidden: the bench's child process */
    VKW_CMD_HELP,
    VKW_CMD_VERSION,
} vkw_command;

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
    vkw_bench_options bench; /* bench options (defaults unless given) */
    const char *bench_option; /* the first bench-only option given, for a usage error */
    const char *child_token;
    const char *compare_old, *compare_new; /* compare OLD NEW */
    double tolerance_pct;
    bool tolerance_given;
    const char *config_path;  /* check --config */
    const char *junit_path;   /* check --junit: overrides the config's reports.junit */
    const char *summary_path; /* check --summary: overrides the config's reports.summary */
    bool dry_run;             /* check --dry-run: validate the config, list the expectations */
    const char *report_input; /* report FILE.json */
    const char *format;       /* report --format: text (default), markdown, html */
    const char *output_path;  /* report --output: NULL: stdout */
} vkw_args;

/* Parses argv; on error fills msg with one line and returns false. */
bool vkw_args_parse(int argc, char **argv, vkw_args *out, char *msg, size_t len);
void vkw_print_usage(FILE *f, vkw_command topic);

#endif
