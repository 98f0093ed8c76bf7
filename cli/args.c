#include "args.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check/check_config.h"
#include "vk/names.h"
#include "base/text_buffer.h"

static vkw_command command_named(const char *s)
{
    if (strcmp(s, "probe") == 0)
        return VKW_CMD_PROBE;
    if (strcmp(s, "bench") == 0)
        return VKW_CMD_BENCH;
    if (strcmp(s, "compare") == 0)
        return VKW_CMD_COMPARE;
    if (strcmp(s, "check") == 0)
        return VKW_CMD_CHECK;
    if (strcmp(s, "report") == 0)
        return VKW_CMD_REPORT;
    if (strcmp(s, "help") == 0)
        return VKW_CMD_HELP;
    if (strcmp(s, "version") == 0)
        return VKW_CMD_VERSION;
    return VKW_CMD_NONE;
}

/* "--opt VALUE" or "--opt=VALUE"; advances *i past a separate value. */
static bool take_value(int argc, char **argv, int *i, const char *opt, const char **value,
                       char *msg, size_t len)
{
    const char *a = argv[*i];
    size_t n = strlen(opt);
    if (a[n] == '=') {
        *value = a + n + 1;
    } else if (*i + 1 < argc) {
        *value = argv[++*i];
    } else {
        snprintf(msg, len, "option '%s' needs a value", opt);
        return false;
    }
    if (!**value) {
        snprintf(msg, len, "option '%s' needs a non-empty value", opt);
        return false;
    }
    /* "--json --quiet" is a forgotten value, not a file named "--quiet". */
    if ((*value)[0] == '-' && (*value)[1] != '\0' && a[n] != '=') {
        snprintf(msg, len, "option '%s' needs a value, got the option '%s'", opt, *value);
        return false;
    }
    return true;
}

static bool is_opt(const char *arg, const char *opt)
{
    size_t n = strlen(opt);
    return strncmp(arg, opt, n) == 0 && (arg[n] == '\0' || arg[n] == '=');
}

/* A whole decimal number in [min, max]: digits only (vkw_uint_parse). */
static bool parse_uint(const char *opt, const char *text, uint64_t min, uint64_t max, uint64_t *out,
                       char *msg, size_t len)
{
    uint64_t v = 0;
    if (!vkw_uint_parse(text, max, &v) || v < min) {
        char shown[96];
        snprintf(msg, len, "%s: expected a whole number from %llu to %llu, got '%s'", opt,
                 (unsigned long long)min, (unsigned long long)max,
                 vkw_text_escape(text, shown, sizeof shown));
        return false;
    }
    *out = v;
    return true;
}

static bool parse_size(const char *text, uint64_t *out, char *msg, size_t len)
{
    if (vkw_size_parse(text, out))
        return true;
    snprintf(msg, len, "--sizes: '%s' is not a size from 1 byte to 64G (e.g. 64K, 16M, 1G)", text);
    return false;
}

/* Calls item() for each comma-separated item of a list. */
static bool each_item(const char *opt, const char *list,
                      bool (*item)(vkw_args *, const char *, char *, size_t), vkw_args *out,
                      char *msg, size_t len)
{
    char tok[128];
    for (const char *p = list;;) {
        size_t n = strcspn(p, ",");
        if (n == 0 || n >= sizeof tok) {
            snprintf(msg, len, "%s: %s item in '%s'", opt, n ? "an overlong" : "an empty", list);
            return false;
        }
        memcpy(tok, p, n);
        tok[n] = '\0';
        if (!item(out, tok, msg, len))
            return false;
        if (!p[n])
            return true;
        p += n + 1;
    }
}

static bool size_item(vkw_args *out, const char *tok, char *msg, size_t len)
{
    if (out->bench.size_count >= VKW_MAX_SIZES) {
        snprintf(msg, len, "--sizes: at most %d sizes", VKW_MAX_SIZES);
        return false;
    }
    return parse_size(tok, &out->bench.sizes[out->bench.size_count++], msg, len);
}

static bool handle_type_item(vkw_args *out, const char *tok, char *msg, size_t len)
{
    const vkw_handle_type *t =
        vkw_handle_type_by_name(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, tok);
    if (!t) {
        char names[512], shown[96];
        uint32_t every = 0; /* the table's types, not every bit of the mask */
        for (size_t k = 0; k < VKW_MEMORY_HANDLE_TYPE_COUNT; k++)
            every |= vkw_memory_handle_types[k].bit;
        vkw_handle_mask_names(vkw_memory_handle_types, VKW_MEMORY_HANDLE_TYPE_COUNT, every, ", ",
                              names, sizeof names);
        snprintf(msg, len, "--handle-types: unknown memory handle type '%s' (known: %s)",
                 vkw_text_escape(tok, shown, sizeof shown), names);
        return false;
    }
    out->bench.handle_types |= t->bit;
    return true;
}

static bool scenario_item(vkw_args *out, const char *tok, char *msg, size_t len)
{
    for (uint32_t k = 0; k < VKW_SCENARIO_KIND_COUNT; k++)
        if (strcmp(tok, vkw_scenario_kind_name((vkw_scenario_kind)k)) == 0) {
            out->bench.scenario_kinds |= 1u << k;
            return true;
        }
    snprintf(msg, len,
             "--scenarios: unknown scenario '%s' (known: buffer-map, buffer-copy, "
             "image-copy)",
             tok);
    return false;
}

static bool mode_item(vkw_args *out, const char *tok, char *msg, size_t len)
{
    for (uint32_t m = 0; m < VKW_SYNC_MODE_COUNT; m++)
        if (strcmp(tok, vkw_sync_mode_name((vkw_sync_mode)m)) == 0) {
            out->bench.sync_modes |= 1u << m;
            return true;
        }
    snprintf(msg, len,
             "--modes: unknown mode '%s' (known: os, host-timeline, queue-timeline, "
             "queue-binary, fence, gpu-chain)",
             tok);
    return false;
}

static bool part_item(vkw_args *out, const char *tok, char *msg, size_t len)
{
    if (strcmp(tok, "memory") == 0)
        out->bench.run_memory = true;
    else if (strcmp(tok, "round-trips") == 0)
        out->bench.run_sync = true;
    else {
        snprintf(msg, len, "--parts: unknown part '%s' (known: memory, round-trips)", tok);
        return false;
    }
    return true;
}

static bool parse_bench_option(int argc, char **argv, int *i, vkw_args *out, bool *matched,
                               char *msg, size_t len)
{
    const char *a = argv[*i], *value = NULL;
    uint64_t v = 0;
    *matched = true;
    if (is_opt(a, "--iterations")) {
        if (!take_value(argc, argv, i, "--iterations", &value, msg, len) ||
            !parse_uint("--iterations", value, 1, 1000000, &v, msg, len))
            return false;
        out->bench.iterations = (uint32_t)v;
    } else if (is_opt(a, "--timeout")) {
        if (!take_value(argc, argv, i, "--timeout", &value, msg, len) ||
            !parse_uint("--timeout", value, 1, 3600, &v, msg, len))
            return false;
        out->bench.timeout_ms = (uint32_t)v * 1000u;
    } else if (is_opt(a, "--timeout-ms")) {
        if (!take_value(argc, argv, i, "--timeout-ms", &value, msg, len) ||
            !parse_uint("--timeout-ms", value, 10, 3600000, &v, msg, len))
            return false;
        out->bench.timeout_ms = (uint32_t)v;
    } else if (is_opt(a, "--sizes")) {
        out->bench.size_count = 0;
        if (!take_value(argc, argv, i, "--sizes", &value, msg, len) ||
            !each_item("--sizes", value, size_item, out, msg, len))
            return false;
    } else if (is_opt(a, "--handle-types")) {
        if (!take_value(argc, argv, i, "--handle-types", &value, msg, len) ||
            !each_item("--handle-types", value, handle_type_item, out, msg, len))
            return false;
    } else if (is_opt(a, "--scenarios")) {
        if (!take_value(argc, argv, i, "--scenarios", &value, msg, len) ||
            !each_item("--scenarios", value, scenario_item, out, msg, len))
            return false;
    } else if (is_opt(a, "--round-trips")) {
        if (!take_value(argc, argv, i, "--round-trips", &value, msg, len) ||
            !parse_uint("--round-trips", value, 1, 10000000, &v, msg, len))
            return false;
        out->bench.round_trips = (uint32_t)v;
    } else if (is_opt(a, "--warmup")) {
        if (!take_value(argc, argv, i, "--warmup", &value, msg, len) ||
            !parse_uint("--warmup", value, 0, 10000000, &v, msg, len))
            return false;
        out->bench.warmup = (uint32_t)v;
    } else if (is_opt(a, "--peer")) {
        if (!take_value(argc, argv, i, "--peer", &value, msg, len))
            return false;
        if (strcmp(value, "process") == 0)
            out->bench.peers = 1u << VKW_PEER_PROCESS;
        else if (strcmp(value, "thread") == 0)
            out->bench.peers = 1u << VKW_PEER_THREAD;
        else if (strcmp(value, "both") == 0)
            out->bench.peers = (1u << VKW_PEER_COUNT) - 1;
        else {
            snprintf(msg, len, "--peer: expected process, thread or both, got '%s'", value);
            return false;
        }
    } else if (is_opt(a, "--modes")) {
        out->bench.sync_modes = 0;
        if (!take_value(argc, argv, i, "--modes", &value, msg, len) ||
            !each_item("--modes", value, mode_item, out, msg, len))
            return false;
    } else if (is_opt(a, "--parts")) {
        out->bench.run_memory = out->bench.run_sync = false;
        if (!take_value(argc, argv, i, "--parts", &value, msg, len) ||
            !each_item("--parts", value, part_item, out, msg, len))
            return false;
    } else if (is_opt(a, "--repeat")) {
        if (!take_value(argc, argv, i, "--repeat", &value, msg, len) ||
            !parse_uint("--repeat", value, 1, VKW_BENCH_MAX_REPEAT, &v, msg, len))
            return false;
        out->bench.repeat = (uint32_t)v;
    } else if (strcmp(a, "--samples") == 0) {
        out->bench.keep_samples = true;
    } else if (strcmp(a, "--nt-names") == 0) {
        out->bench.nt_names = true;
    } else if (is_opt(a, "--pin")) {
        uint64_t p = 0, q = 0;
        char first[16] = "";
        if (!take_value(argc, argv, i, "--pin", &value, msg, len))
            return false;
        const char *comma = strchr(value, ',');
        size_t n = comma ? (size_t)(comma - value) : 0;
        if (n < sizeof first) {
            memcpy(first, value, n);
            first[n] = '\0';
        }
        if (!comma || n >= sizeof first || !vkw_uint_parse(first, 1023, &p) ||
            !vkw_uint_parse(comma + 1, 1023, &q)) {
            char shown[96];
            snprintf(msg, len, "--pin: expected PARENT_CPU,PEER_CPU (e.g. 0,1), got '%s'",
                     vkw_text_escape(value, shown, sizeof shown));
            return false;
        }
        out->bench.pin_parent = (int32_t)p;
        out->bench.pin_child = (int32_t)q;
    } else if (is_opt(a, "--fault")) {
        if (!take_value(argc, argv, i, "--fault", &value, msg, len))
            return false;
        if (!vkw_fault_parse(value, &out->bench.fault) || out->bench.fault == VKW_FAULT_NONE) {
            snprintf(msg, len,
                     "--fault: unknown fault '%s' (known: child-abort, child-hang, "
                     "stale-handle, foreign-handle, lost-signal, leak, flip-byte, "
                     "invalid-usage, double-round-trips)",
                     value);
            return false;
        }
    } else {
        *matched = false;
        return true;
    }
    if (!out->bench_option)
        out->bench_option = a;
    return true;
}

bool vkw_args_parse(int argc, char **argv, vkw_args *out, char *msg, size_t len)
{
    memset(out, 0, sizeof *out);
    vkw_bench_options_default(&out->bench);
    /* The bench's child: `vkwin32h __child TOKEN`, nothing else. */
    if (argc == 3 && strcmp(argv[1], VKW_CHILD_COMMAND) == 0) {
        out->command = VKW_CMD_CHILD;
        out->child_token = argv[2];
        return true;
    }
    out->tolerance_pct = 10;
    for (int i = 1; i < argc; i++) {
        bool bench_opt = false;
        if (!parse_bench_option(argc, argv, &i, out, &bench_opt, msg, len))
            return false;
        if (bench_opt)
            continue;
        const char *a = argv[i];
        const char *value = NULL;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            out->help_topic = out->command;
            out->command = VKW_CMD_HELP;
            return true;
        } else if (strcmp(a, "--version") == 0) {
            out->command = VKW_CMD_VERSION;
            return true;
        } else if (is_opt(a, "--json")) {
            if (!take_value(argc, argv, &i, "--json", &out->json_path, msg, len))
                return false;
        } else if (is_opt(a, "--loader")) {
            if (!take_value(argc, argv, &i, "--loader", &out->loader_path, msg, len))
                return false;
        } else if (is_opt(a, "--tolerance")) {
            uint64_t v = 0;
            if (!take_value(argc, argv, &i, "--tolerance", &value, msg, len) ||
                !parse_uint("--tolerance", value, 0, 10000, &v, msg, len))
                return false;
            out->tolerance_pct = (double)v;
            out->tolerance_given = true;
        } else if (is_opt(a, "--device")) {
            if (!take_value(argc, argv, &i, "--device", &value, msg, len))
                return false;
            vkw_error err;
            if (vkw_device_filter_parse(value, &out->filter, &err) != VKW_OK) {
                snprintf(msg, len, "%s", err.message);
                return false;
            }
            out->has_device_filter = true;
        } else if (is_opt(a, "--config")) {
            if (!take_value(argc, argv, &i, "--config", &out->config_path, msg, len))
                return false;
        } else if (is_opt(a, "--junit")) {
            if (!take_value(argc, argv, &i, "--junit", &out->junit_path, msg, len))
                return false;
        } else if (is_opt(a, "--summary")) {
            if (!take_value(argc, argv, &i, "--summary", &out->summary_path, msg, len))
                return false;
        } else if (strcmp(a, "--dry-run") == 0) {
            out->dry_run = true;
        } else if (is_opt(a, "--deadline")) {
            uint64_t v = 0;
            if (!take_value(argc, argv, &i, "--deadline", &value, msg, len) ||
                !parse_uint("--deadline", value, 1, VKW_CHECK_DEADLINE_MAX_S, &v, msg, len))
                return false;
            out->deadline_s = (uint32_t)v;
        } else if (is_opt(a, "--progress")) {
            if (!take_value(argc, argv, &i, "--progress", &value, msg, len))
                return false;
            if (strcmp(value, "auto") == 0)
                out->progress = VKW_PROGRESS_AUTO;
            else if (strcmp(value, "always") == 0)
                out->progress = VKW_PROGRESS_ALWAYS;
            else if (strcmp(value, "never") == 0)
                out->progress = VKW_PROGRESS_NEVER;
            else {
                snprintf(msg, len, "--progress: expected auto, always or never, got '%s'", value);
                return false;
            }
            out->progress_given = true;
        } else if (is_opt(a, "--format")) {
            if (!take_value(argc, argv, &i, "--format", &out->format, msg, len))
                return false;
            if (strcmp(out->format, "text") && strcmp(out->format, "markdown") &&
                strcmp(out->format, "html")) {
                snprintf(msg, len, "--format: expected text, markdown or html, got '%s'",
                         out->format);
                return false;
            }
        } else if (is_opt(a, "--output")) {
            if (!take_value(argc, argv, &i, "--output", &out->output_path, msg, len))
                return false;
        } else if (strcmp(a, "--validate") == 0) {
            out->validate = true;
        } else if (strcmp(a, "-q") == 0 || strcmp(a, "--quiet") == 0) {
            out->quiet = true;
        } else if (strcmp(a, "-v") == 0 || strcmp(a, "--verbose") == 0) {
            out->verbose = true;
        } else if (a[0] == '-' && a[1] != '\0') {
            snprintf(msg, len, "unknown option '%s' (see 'vkwin32h --help')", a);
            return false;
        } else if (out->command == VKW_CMD_NONE) {
            out->command = command_named(a);
            if (out->command == VKW_CMD_NONE) {
                snprintf(msg, len,
                         "unknown command '%s' (commands: probe, bench, check, report, compare, "
                         "help, version)",
                         a);
                return false;
            }
        } else if (out->command == VKW_CMD_COMPARE && !out->compare_new) {
            *(out->compare_old ? &out->compare_new : &out->compare_old) = a;
        } else if (out->command == VKW_CMD_REPORT && !out->report_input) {
            out->report_input = a;
        } else if (out->command == VKW_CMD_HELP && out->help_topic == VKW_CMD_NONE) {
            out->help_topic = command_named(a);
            if (out->help_topic == VKW_CMD_NONE) {
                snprintf(msg, len, "no help for unknown command '%s'", a);
                return false;
            }
        } else {
            snprintf(msg, len, "unexpected argument '%s'", a);
            return false;
        }
    }
    if (out->command == VKW_CMD_NONE) {
        snprintf(msg, len, "no command given (try 'vkwin32h probe' or 'vkwin32h --help')");
        return false;
    }
    if (out->command == VKW_CMD_COMPARE && !out->compare_new) {
        snprintf(msg, len, "compare needs two reports: vkwin32h compare OLD.json NEW.json");
        return false;
    }
    if (out->command == VKW_CMD_CHECK && !out->config_path) {
        snprintf(msg, len, "check needs a config: vkwin32h check --config FILE.json");
        return false;
    }
    if (out->command == VKW_CMD_REPORT && !out->report_input) {
        snprintf(msg, len, "report needs a report: vkwin32h report FILE.json [--format F]");
        return false;
    }
    /* Options that some commands take and others would silently ignore. */
#define CMDS(x) (1u << (x))
    const uint32_t runs = CMDS(VKW_CMD_PROBE) | CMDS(VKW_CMD_BENCH);
    struct only {
        bool given;
        const char *opt;
        uint32_t cmds;
        const char *which;
    } only[] = {
        {out->config_path != NULL, "--config", CMDS(VKW_CMD_CHECK), "check"},
        {out->junit_path != NULL, "--junit", CMDS(VKW_CMD_CHECK), "check"},
        {out->summary_path != NULL, "--summary", CMDS(VKW_CMD_CHECK), "check"},
        {out->dry_run, "--dry-run", CMDS(VKW_CMD_CHECK), "check"},
        {out->deadline_s != 0, "--deadline", CMDS(VKW_CMD_BENCH) | CMDS(VKW_CMD_CHECK),
         "bench' and 'vkwin32h check"},
        {out->progress_given, "--progress", CMDS(VKW_CMD_BENCH) | CMDS(VKW_CMD_CHECK),
         "bench' and 'vkwin32h check"},
        {out->format != NULL, "--format", CMDS(VKW_CMD_REPORT), "report"},
        {out->output_path != NULL, "--output", CMDS(VKW_CMD_REPORT), "report"},
        {out->has_device_filter, "--device", runs, "probe' and 'vkwin32h bench"},
        {out->verbose, "--verbose", runs, "probe' and 'vkwin32h bench"},
        {out->json_path != NULL, "--json", runs | CMDS(VKW_CMD_CHECK) | CMDS(VKW_CMD_COMPARE),
         "probe', 'vkwin32h bench', 'vkwin32h check' and 'vkwin32h compare"},
        {out->loader_path != NULL, "--loader", runs | CMDS(VKW_CMD_CHECK),
         "probe', 'vkwin32h bench' and 'vkwin32h check"},
        {out->validate, "--validate", runs | CMDS(VKW_CMD_CHECK),
         "probe', 'vkwin32h bench' and 'vkwin32h check"},
        {out->quiet, "--quiet", runs | CMDS(VKW_CMD_CHECK) | CMDS(VKW_CMD_COMPARE),
         "probe', 'vkwin32h bench', 'vkwin32h check' and 'vkwin32h compare"},
    };
#undef CMDS
    for (size_t k = 0; k < sizeof only / sizeof only[0]; k++)
        if (only[k].given && !(only[k].cmds & (1u << out->command))) {
            snprintf(msg, len, "option '%s' is for 'vkwin32h %s' only", only[k].opt, only[k].which);
            return false;
        }
    if (out->tolerance_given && out->command != VKW_CMD_COMPARE) {
        snprintf(msg, len, "option '--tolerance' is for 'vkwin32h compare' only");
        return false;
    }
    if (out->bench_option && out->command != VKW_CMD_BENCH) {
        snprintf(msg, len, "option '%s' is for 'vkwin32h bench' only", out->bench_option);
        return false;
    }
    return true;
}

void vkw_print_usage(FILE *f, vkw_command topic)
{
    if (topic == VKW_CMD_PROBE) {
        fputs("usage: vkwin32h probe [--json FILE|-] [--device INDEX|UUID|NAME] [--loader PATH]\n"
              "                      [--validate] [--quiet] [--verbose]\n"
              "\n"
              "Reports every physical device: identity (deviceUUID, driverUUID, deviceLUID,\n"
              "node mask, driver, PCI), queues, memory, and the external memory, semaphore\n"
              "and fence capabilities of every handle type, with a verdict per handle type.\n"
              "\n"
              "  --json FILE   also write the JSON report to FILE ('-': stdout, no text)\n"
              "  --device SEL  only the device with this index, this deviceUUID, or whose\n"
              "                name contains SEL (case-insensitive)\n"
              "  --loader PATH load this Vulkan loader library instead of the system's\n"
              "  --validate    enable VK_LAYER_KHRONOS_validation; its errors fail the run\n"
              "  -q, --quiet   no text output\n"
              "  -v, --verbose full per-case capability tables\n",
              f);
        return;
    }
    if (topic == VKW_CMD_CHECK) {
        fputs("usage: vkwin32h check --config FILE [--json FILE|-] [--junit FILE|-]\n"
              "                      [--summary FILE|-] [--dry-run] [--loader PATH] [--validate]\n"
              "                      [--quiet] [--deadline SECONDS]\n"
              "                      [--progress auto|always|never]\n"
              "\n"
              "A hardware lab's smoke check: probes the machine, picks the devices the config\n"
              "names, runs its benches on each and judges every expectation: capabilities,\n"
              "memory verified both ways, leaked handles, round-trip latency and ratio to the\n"
              "OS baseline. Writes the JSON report, JUnit XML (one test case per expectation)\n"
              "and a text summary. The config's format: sample_configs/README.md and\n"
              "schema/vkwin32h-check-config.schema.json.\n"
              "\n"
              "  --config FILE   the JSON config (required)\n"
              "  --json FILE     the full JSON report (overrides the config's reports.json)\n"
              "  --junit FILE    JUnit XML (overrides reports.junit)\n"
              "  --summary FILE  the text summary (overrides reports.summary)\n"
              "                  '-' (one of the three): that report to stdout, no summary\n"
              "  --dry-run       validate the config and list its expectations; run nothing\n"
              "  --loader PATH   load this Vulkan loader library (overrides the config's)\n"
              "  --validate      as the config's \"validate\": true\n"
              "  --deadline SECONDS  end the run after this long, as an interrupted run\n"
              "                  (overrides the config's deadline_s)\n"
              "  --progress WHEN auto (default: a live line on a terminal, else a line per\n"
              "                  step and every 10 s), always (lines), never\n"
              "  -q, --quiet     no summary on stdout\n"
              "\n"
              "exit codes: 0 every expectation passed, 14 an expectation failed,\n"
              "            2 bad usage or config (the message names the place),\n"
              "            15 the machine lacks what the config needs (loader, driver, layer,\n"
              "               matching device, OS), 1 an expectation could not be judged\n"
              "               (a crashed child, a failed call) or an internal error,\n"
              "            6 standard output cannot be written,\n"
              "            130 SIGINT, 143 SIGTERM, 16 the deadline passed (interrupted\n"
              "               reports are written: what ran is judged, the rest is an error)\n",
              f);
        return;
    }
    if (topic == VKW_CMD_REPORT) {
        fputs("usage: vkwin32h report FILE.json [--format text|markdown|html] [--output FILE]\n"
              "\n"
              "Renders a JSON report (probe, bench or check) for people: plain text, Markdown,\n"
              "or one self-contained HTML page (no network needed) with the capability table\n"
              "and, per round-trip mode, an SVG latency histogram and CDF.\n"
              "\n"
              "  --format F     text (default), markdown or html\n"
              "  --output FILE  write there (atomically) instead of standard output\n",
              f);
        return;
    }
    if (topic == VKW_CMD_COMPARE) {
        fputs("usage: vkwin32h compare OLD.json NEW.json [--tolerance PCT] [--json FILE|-]\n"
              "\n"
              "Compares two reports of one kind (probe, bench or check): devices (paired by\n"
              "deviceUUID, then name), handle types, scenarios, round-trip modes and\n"
              "expectations that were there and are lost or fail now, and times that grew\n"
              "beyond the tolerance and beyond the run-to-run spread both reports measured\n"
              "(bench --repeat). Exit 0: no regression; 13: a regression; 2: reports of\n"
              "different kinds or not reports.\n"
              "\n"
              "  --tolerance PCT  allowed change in times and throughput (default 10)\n"
              "  --json FILE      the decision and its evidence as JSON ('-': stdout, no text)\n",
              f);
        return;
    }
    if (topic == VKW_CMD_BENCH) {
        fputs("usage: vkwin32h bench [--iterations N] [--sizes LIST] [--handle-types LIST]\n"
              "                      [--scenarios LIST] [--timeout SECONDS] [--json FILE|-]\n"
              "                      [--parts LIST] [--round-trips N] [--warmup N] [--modes LIST]\n"
              "                      [--peer process|thread|both] [--pin P,C] [--samples]\n"
              "                      [--repeat N]\n"
              "                      [--device INDEX|UUID|NAME] [--loader PATH] [--validate]\n"
              "                      [--quiet] [--verbose] [--fault FAULT]\n"
              "                      [--deadline SECONDS] [--progress auto|always|never]\n"
              "\n"
              "Exports memory from this process, hands it to a child process (this same\n"
              "executable), imports it there and verifies the bytes both ways, for every\n"
              "memory handle type the driver can export and import; times every phase.\n"
              "\n"
              "  --iterations N     export -> import -> verify cycles per scenario (default 5)\n"
              "  --sizes LIST       sizes, e.g. 64K,16M,256M (default); 'K', 'M', 'G' binary\n"
              "  --handle-types L   memory handle types, e.g. OPAQUE_FD (default: all of this OS)\n"
              "  --scenarios LIST   buffer-map, buffer-copy, image-copy (default: all)\n"
              "  --timeout SECONDS  limit of every wait: each step of the child, a fence,\n"
              "                     a semaphore (default 30)\n"
              "  --deadline SECONDS end the whole run after this long: an interrupted report,\n"
              "                     exit 16 (SIGINT: 130, SIGTERM: 143)\n"
              "  --progress WHEN    auto (default: a live line on a terminal, else a line per\n"
              "                     step and every 10 s), always (lines), never\n"
              "  --parts LIST       memory, round-trips (default: both)\n"
              "  --round-trips N    timed round trips per mode (default 2000)\n"
              "  --warmup N         untimed round trips before them (default 200)\n"
              "  --modes LIST       os, host-timeline, queue-timeline, queue-binary, fence,\n"
              "                     gpu-chain (default: all)\n"
              "  --peer WHO         process, thread or both (default): the other side\n"
              "  --pin P,C          pin this process's thread to CPU P, the other side to C\n"
              "  --samples          every raw round-trip sample into the JSON report\n"
              "  --repeat N         run each round-trip mode N times (default 1); each\n"
              "                     repeat's p50/p99 is kept: compare needs 5 to judge times\n"
              "  --nt-names         Windows: NT handles travel by name, not duplicated\n"
              "  --json FILE        also write the JSON report to FILE ('-': stdout, no text)\n"
              "  --device SEL       the device to bench (default: the first GPU)\n"
              "  --loader PATH      load this Vulkan loader library instead of the system's\n"
              "  --validate         enable VK_LAYER_KHRONOS_validation in both processes\n"
              "  -q, --quiet        no text output;  -v, --verbose  min/median/max per phase\n"
              "  --fault FAULT      test the tool's own fault handling: child-abort,\n"
              "                     child-hang, stale-handle, foreign-handle, lost-signal,\n"
              "                     leak, flip-byte, invalid-usage (needs --validate)\n",
              f);
        return;
    }
    fputs("usage: vkwin32h <command> [options]\n"
          "\n"
          "A diagnostic for Vulkan external handles: what this machine's drivers can\n"
          "share between processes.\n"
          "\n"
          "commands:\n"
          "  probe     report devices and their external-handle capabilities\n"
          "  bench     share memory with a child process, verify it, time it\n"
          "  check     a lab's smoke check from a JSON config: JSON, JUnit XML, summary\n"
          "  report    render a JSON report as text, Markdown or HTML\n"
          "  compare   what got worse between two reports (exit 13 on a regression)\n"
          "  help CMD  help for one command\n"
          "  version   print the version\n"
          "\n"
          "exit codes: 0 ok, 1 internal error, 2 usage, 3 no Vulkan loader, 4 no driver,\n"
          "            5 no device matches --device, 6 report or stdout not writable,\n"
          "            7 Vulkan error, 8 validation errors, 9 validation layer missing,\n"
          "            10 sharing failed (bytes differ, a leak, an import failed),\n"
          "            11 the child process crashed, hung or broke the protocol,\n"
          "            12 nothing to share (the driver exports no handle type asked for),\n"
          "            13 compare: a regression; check: see 'vkwin32h help check',\n"
          "            16 bench, check: --deadline passed, 130 SIGINT, 143 SIGTERM\n",
          f);
}
