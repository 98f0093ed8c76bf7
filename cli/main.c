/* vkwin32h: the command-line front of libvkw. Parses arguments, runs a
 * command, renders text, writes reports and chooses the exit code. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../src/vkw.h"
#include "args.h"
#include "exit_codes.h"
#include "render_text.h"

static int write_json(const vkw_report *report, const char *path)
{
    char *text = NULL;
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_report_to_json(report, &text, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return VKW_EXIT_INTERNAL;
    }
    int rc = VKW_EXIT_OK;
    if (strcmp(path, "-") == 0) {
        if (fputs(text, stdout) == EOF || fputc('\n', stdout) == EOF || fflush(stdout) != 0) {
            fprintf(stderr, "vkwin32h: cannot write the report to standard output\n");
            rc = VKW_EXIT_REPORT_IO;
        }
    } else {
        size_t len = strlen(text);
        text[len] = '\n'; /* replaces the terminator: the length is passed */
        if (vkw_write_file_atomic(path, text, len + 1, &err) != VKW_OK) {
            fprintf(stderr, "vkwin32h: %s\n", err.message);
            rc = VKW_EXIT_REPORT_IO;
        }
    }
    free(text);
    return rc;
}

static int probe(const vkw_args *args)
{
    vkw_error err;
    vkw_error_clear(&err);
    /* Fail before the work, not after it, when the report cannot be written. */
    if (args->json_path && strcmp(args->json_path, "-") != 0 &&
        vkw_check_writable(args->json_path, &err) != VKW_OK) {
        fprintf(stderr, "vkwin32h: %s\n", err.message);
        return VKW_EXIT_REPORT_IO;
    }

    vkw_report report;
    vkw_report_init(&report, "probe");
    vkw_probe_options opts = {
        .loader_path = args->loader_path,
        .validate = args->validate,
        .filter = args->has_device_filter ? &args->filter : NULL,
    };
    vkw_status s = vkw_probe_run(&opts, &report, &err);
    int rc = vkw_exit_code_for(s);
    bool json_stdout = args->json_path && strcmp(args->json_path, "-") == 0;
    if (!args->quiet && !json_stdout && (s == VKW_OK || report.device_count))
        vkw_render_probe_text(stdout, &report, args->verbose);
    if (s != VKW_OK)
        fprintf(stderr, "vkwin32h: %s\n", err.message);
    if (args->json_path) {
        int wrc = write_json(&report, args->json_path);
        if (rc == VKW_EXIT_OK)
            rc = wrc;
    }
    vkw_report_free(&report);
    return rc;
}

int main(int argc, char **argv)
{
    vkw_args args;
    char msg[512];
    if (!vkw_args_parse(argc, argv, &args, msg, sizeof msg)) {
        fprintf(stderr, "vkwin32h: %s\n", msg);
        return VKW_EXIT_USAGE;
    }
    switch (args.command) {
    case VKW_CMD_HELP:
        vkw_print_usage(stdout, args.help_topic);
        return VKW_EXIT_OK;
    case VKW_CMD_VERSION:
        printf("%s %s (report schema %d)\n", VKW_TOOL_NAME, VKW_TOOL_VERSION, VKW_SCHEMA_VERSION);
        return VKW_EXIT_OK;
    case VKW_CMD_PROBE:
        return probe(&args);
    case VKW_CMD_NONE:
        break;
    }
    vkw_print_usage(stderr, VKW_CMD_NONE);
    return VKW_EXIT_USAGE;
}
