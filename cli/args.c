/* The command line: two tables of options, the library's bench options
 * (report/bench_options.h) and the tool's own below. Parsing, the check of
 * which command takes which option, and the usage text all follow from them. */
#include "args.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text_buffer.h"
#include "report/bench_options.h"
#include "report/stress_options.h"

#define CMD(x) (1u << (x))
#define RUNS (CMD(VKW_CMD_PROBE) | CMD(VKW_CMD_BENCH))
#define STRESS CMD(VKW_CMD_STRESS)

static const char *progress_name(uint32_t k)
{
    static const char *const names[] = {"auto", "always", "never"}; /* vkw_progress_mode */
    return k < 3 ? names[k] : NULL;
}

static const char *format_name(uint32_t k)
{
    static const char *const names[] = {"text", "markdown", "html"};
    return k < 3 ? names[k] : NULL;
}

/* The tool's own options. */
typedef enum cli_id {
    ID_CONFIG,
    ID_JSON,
    ID_JUNIT,
    ID_SUMMARY,
    ID_DRY_RUN,
    ID_DEVICE,
    ID_LOADER,
    ID_VALIDATE,
    ID_PROGRESS,
    ID_FORMAT,
    ID_OUTPUT,
    ID_TOLERANCE,
    ID_QUIET,
    ID_VERBOSE,
    ID_HELP,
    ID_VERSION,
    ID_LIST_OPTIONS,
    CLI_OPTION_COUNT
} cli_id;

typedef struct cli_option {
    vkw_option opt;
    uint32_t commands; /* bits of vkw_command that take it */
    uint32_t required; /* bits of vkw_command that need it */
} cli_option;

static const cli_option cli_options[CLI_OPTION_COUNT] = {
    [ID_CONFIG] = {{.flag = "--config",
                    .metavar = "FILE",
                    .type = VKW_OPTION_TEXT,
                    .help = "the JSON config (sample_configs/README.md)"},
                   CMD(VKW_CMD_CHECK),
                   CMD(VKW_CMD_CHECK)},
    [ID_JSON] = {{.flag = "--json",
                  .metavar = "FILE|-",
                  .type = VKW_OPTION_TEXT,
                  .help = "also write the JSON report to FILE ('-': stdout, no text; check: "
                          "instead of the config's reports.json)"},
                 RUNS | STRESS | CMD(VKW_CMD_CHECK) | CMD(VKW_CMD_COMPARE),
                 0},
    [ID_JUNIT] = {{.flag = "--junit",
                   .metavar = "FILE|-",
                   .type = VKW_OPTION_TEXT,
                   .help = "JUnit XML, one test case per expectation (overrides the config's "
                           "reports.junit)"},
                  CMD(VKW_CMD_CHECK),
                  0},
    [ID_SUMMARY] = {{.flag = "--summary",
                     .metavar = "FILE|-",
                     .type = VKW_OPTION_TEXT,
                     .help = "the text summary (overrides reports.summary); '-' (for one of "
                             "--json, --junit, --summary): that report to stdout, no summary"},
                    CMD(VKW_CMD_CHECK),
                    0},
    [ID_DRY_RUN] = {{.flag = "--dry-run",
                     .type = VKW_OPTION_FLAG,
                     .help = "validate the config and list its expectations; run nothing"},
                    CMD(VKW_CMD_CHECK),
                    0},
    [ID_DEVICE] = {{.flag = "--device",
                    .metavar = "SEL",
                    .type = VKW_OPTION_TEXT,
                    .help =
                        "only the device with this index, this deviceUUID, or whose name "
                        "contains SEL (case-insensitive); bench, stress: default the first GPU"},
                   RUNS | STRESS,
                   0},
    [ID_LOADER] = {{.flag = "--loader",
                    .metavar = "PATH",
                    .type = VKW_OPTION_TEXT,
                    .help = "load this Vulkan loader library instead of the system's (check: "
                            "the config's)"},
                   RUNS | STRESS | CMD(VKW_CMD_CHECK),
                   0},
    [ID_VALIDATE] = {{.flag = "--validate",
                      .type = VKW_OPTION_FLAG,
                      .help = "enable VK_LAYER_KHRONOS_validation (bench, stress: in every "
                              "process); its errors fail the run (check: as \"validate\": true)"},
                     RUNS | STRESS | CMD(VKW_CMD_CHECK),
                     0},
    [ID_PROGRESS] = {{.flag = "--progress",
                      .metavar = "WHEN",
                      .type = VKW_OPTION_ENUM,
                      .name = progress_name,
                      .noun = "progress mode",
                      .def_text = "auto",
                      .help = "auto: a live line on a terminal, else a line per step and every "
                              "10 s; always: lines; never"},
                     CMD(VKW_CMD_BENCH) | STRESS | CMD(VKW_CMD_CHECK),
                     0},
    [ID_FORMAT] = {{.flag = "--format",
                    .metavar = "F",
                    .type = VKW_OPTION_ENUM,
                    .name = format_name,
                    .noun = "format",
                    .def_text = "text",
                    .help = "text, markdown or html"},
                   CMD(VKW_CMD_REPORT),
                   0},
    [ID_OUTPUT] = {{.flag = "--output",
                    .metavar = "FILE",
                    .type = VKW_OPTION_TEXT,
                    .help = "write there (atomically) instead of standard output"},
                   CMD(VKW_CMD_REPORT),
                   0},
    [ID_TOLERANCE] = {{.flag = "--tolerance",
                       .metavar = "PCT",
                       .type = VKW_OPTION_UINT,
                       .min = 0,
                       .max = 10000,
                       .has_default = true,
                       .def = 10,
                       .help = "allowed change in times and throughput"},
                      CMD(VKW_CMD_COMPARE),
                      0},
    [ID_QUIET] = {{.flag = "--quiet",
                   .short_flag = "-q",
                   .type = VKW_OPTION_FLAG,
                   .help = "no text output (check: no summary on stdout)"},
                  RUNS | STRESS | CMD(VKW_CMD_CHECK) | CMD(VKW_CMD_COMPARE),
                  0},
    [ID_VERBOSE] = {{.flag = "--verbose",
                     .short_flag = "-v",
                     .type = VKW_OPTION_FLAG,
                     .help = "probe: full per-case capability tables; bench: min/median/max per "
                             "phase"},
                    RUNS,
                    0},
    [ID_HELP] = {{.flag = "--help",
                  .short_flag = "-h",
                  .type = VKW_OPTION_FLAG,
                  .hidden = true,
                  .help = "this help"},
                 ~0u,
                 0},
    [ID_VERSION] = {{.flag = "--version",
                     .type = VKW_OPTION_FLAG,
                     .hidden = true,
                     .help = "print the version"},
                    ~0u,
                    0},
    /* The option tables, for tests/e2e_options.py (README and schema against them). */
    [ID_LIST_OPTIONS] = {{.flag = "--list-options",
                          .type = VKW_OPTION_FLAG,
                          .hidden = true,
                          .help = "every option as tab-separated fields"},
                         CMD(VKW_CMD_HELP),
                         0},
};

/* The three tables as one: the library's bench options, its stress
 * options, then the tool's own. */
#define LIB_OPTION_COUNT ((size_t)VKW_BENCH_OPTION_COUNT + VKW_STRESS_OPTION_COUNT)
#define OPTION_COUNT (LIB_OPTION_COUNT + CLI_OPTION_COUNT)

static const vkw_option *option_at(size_t i)
{
    if (i < VKW_BENCH_OPTION_COUNT)
        return &vkw_bench_option_table[i];
    if (i < LIB_OPTION_COUNT)
        return &vkw_stress_option_table[i - VKW_BENCH_OPTION_COUNT];
    return &cli_options[i - LIB_OPTION_COUNT].opt;
}

static uint32_t commands_of(size_t i)
{
    if (i >= LIB_OPTION_COUNT)
        return cli_options[i - LIB_OPTION_COUNT].commands;
    if (i >= VKW_BENCH_OPTION_COUNT)
        return STRESS;
    uint32_t runs = vkw_bench_option_table[i].runs;
    return (runs & VKW_RUN_BENCH ? CMD(VKW_CMD_BENCH) : 0) |
           (runs & VKW_RUN_CHECK ? CMD(VKW_CMD_CHECK) : 0) | (runs & VKW_RUN_STRESS ? STRESS : 0);
}

/* The order people see them in: the tool's own up to --validate, the
 * library's, then the rest of the tool's. */
static size_t shown_at(size_t p)
{
    if (p < ID_PROGRESS)
        return LIB_OPTION_COUNT + p;
    if (p < ID_PROGRESS + LIB_OPTION_COUNT)
        return p - ID_PROGRESS;
    return p;
}

static bool is_cli(size_t i, cli_id id)
{
    return i == LIB_OPTION_COUNT + (size_t)id;
}

/* The commands, in the order people are shown them. */
static const struct command_doc {
    vkw_command command;
    const char *name;
    const char *operands; /* before the options in the synopsis */
    const char *about;
} commands[] = {
    {VKW_CMD_PROBE, "probe", "",
     "Reports every physical device: identity (deviceUUID, driverUUID, deviceLUID,\n"
     "node mask, driver, PCI), queues, memory, and the external memory, semaphore\n"
     "and fence capabilities of every handle type, with a verdict per handle type.\n"},
    {VKW_CMD_BENCH, "bench", "",
     "Exports memory from this process, hands it to a child process (this same\n"
     "executable), imports it there and verifies the bytes both ways, for every\n"
     "memory handle type the driver can export and import; times every phase.\n"
     "Then times round trips of every mode between this process and a peer.\n"},
    {VKW_CMD_STRESS, "stress", "",
     "Shares memory, semaphores and fences with --importers child processes at once\n"
     "for --duration or --cycles, --concurrency objects in flight per importer, with\n"
     "faults injected at seeded points (--chaos); records a time series (rates,\n"
     "latencies, every process's handles and memory, the device's memory in use) and\n"
     "judges its trends: a leak is a slope beyond the noise (exit 17).\n"},
    {VKW_CMD_CHECK, "check", "",
     "A hardware lab's smoke check: probes the machine, picks the devices the config\n"
     "names, runs its benches on each and judges every expectation: capabilities,\n"
     "memory verified both ways, leaked handles, round-trip latency and ratio to the\n"
     "OS baseline. Writes the JSON report, JUnit XML (one test case per expectation)\n"
     "and a text summary. The config's format: sample_configs/README.md and\n"
     "schema/vkwin32h-check-config.schema.json.\n"},
    {VKW_CMD_REPORT, "report", "FILE.json",
     "Renders a JSON report (probe, bench or check) for people: plain text, Markdown,\n"
     "or one self-contained HTML page (no network needed) with the capability table\n"
     "and, per round-trip mode, an SVG latency histogram and CDF.\n"},
    {VKW_CMD_COMPARE, "compare", "OLD.json NEW.json",
     "Compares two reports of one kind (probe, bench or check): devices (paired by\n"
     "deviceUUID, then name), handle types, scenarios, round-trip modes and\n"
     "expectations that were there and are lost or fail now, and times that grew\n"
     "beyond the tolerance and beyond the run-to-run spread both reports measured\n"
     "(bench --repeat). Exit 0: no regression; 13: a regression; 2: reports of\n"
     "different kinds or not reports.\n"},
    {VKW_CMD_HELP, "help", "[COMMAND]", NULL},
    {VKW_CMD_VERSION, "version", "", NULL},
};

static vkw_command command_named(const char *s)
{
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (strcmp(s, commands[k].name) == 0)
            return commands[k].command;
    return VKW_CMD_NONE;
}

/* The option that arg names ("--opt", "--opt=VALUE", "-q"); OPTION_COUNT: none. */
static size_t option_named(const char *arg)
{
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        const vkw_option *o = option_at(i);
        size_t n = strlen(o->flag);
        if ((o->short_flag && strcmp(arg, o->short_flag) == 0) ||
            (strncmp(arg, o->flag, n) == 0 && (!arg[n] || (arg[n] == '=' && o->metavar))))
            return i;
    }
    return OPTION_COUNT;
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

/* Stores one of the tool's own options. */
static bool take_own(cli_id id, const char *value, vkw_args *out, vkw_error *err)
{
    const vkw_option *o = &cli_options[id].opt;
    uint64_t v = 0;
    uint32_t k = 0;
    switch (id) {
    case ID_CONFIG: out->config_path = value; break;
    case ID_JSON: out->json_path = value; break;
    case ID_JUNIT: out->junit_path = value; break;
    case ID_SUMMARY: out->summary_path = value; break;
    case ID_DRY_RUN: out->dry_run = true; break;
    case ID_DEVICE:
        if (vkw_device_filter_parse(value, &out->filter, err) != VKW_OK)
            return false;
        out->has_device_filter = true;
        break;
    case ID_LOADER: out->loader_path = value; break;
    case ID_VALIDATE: out->validate = true; break;
    case ID_PROGRESS:
        if (vkw_option_parse_name(o, o->flag, value, &k, err) != VKW_OK)
            return false;
        out->progress = (vkw_progress_mode)k;
        break;
    case ID_FORMAT:
        if (vkw_option_parse_name(o, o->flag, value, &k, err) != VKW_OK)
            return false;
        out->format = value;
        break;
    case ID_OUTPUT: out->output_path = value; break;
    case ID_TOLERANCE:
        if (vkw_option_parse_uint(o, o->flag, value, &v, err) != VKW_OK)
            return false;
        out->tolerance_pct = (double)v;
        break;
    case ID_QUIET: out->quiet = true; break;
    case ID_VERBOSE: out->verbose = true; break;
    case ID_LIST_OPTIONS: out->list_options = true; break;
    case ID_HELP:
    case ID_VERSION:
    case CLI_OPTION_COUNT: break;
    }
    return true;
}

/* Stores one option; false with the reason in msg. */
static bool take(size_t i, const char *value, vkw_args *out, char *msg, size_t len)
{
    vkw_error err;
    vkw_error_clear(&err);
    bool ok = true;
    if (i >= LIB_OPTION_COUNT) {
        ok = take_own((cli_id)(i - LIB_OPTION_COUNT), value, out, &err);
    } else if (i >= VKW_BENCH_OPTION_COUNT) {
        ok = vkw_stress_option_parse((vkw_stress_option_id)(i - VKW_BENCH_OPTION_COUNT),
                                     option_at(i)->flag, value ? value : "", &out->stress,
                                     &err) == VKW_OK;
        out->stress_given |= 1u << (i - VKW_BENCH_OPTION_COUNT);
    } else if (i == VKW_OPT_DEADLINE) { /* the run's, not the bench's */
        uint64_t v = 0;
        ok = vkw_option_parse_uint(option_at(i), option_at(i)->flag, value, &v, &err) == VKW_OK;
        out->deadline_s = (uint32_t)v;
    } else {
        ok = vkw_bench_option_parse((vkw_bench_option_id)i, option_at(i)->flag, value ? value : "",
                                    &out->bench, &err) == VKW_OK;
        out->bench_given |= 1u << i;
    }
    if (!ok)
        snprintf(msg, len, "%s", err.message);
    return ok;
}

/* "probe', 'vkwin32h bench' and 'vkwin32h check": the commands of a mask. */
static void commands_text(uint32_t mask, char *buf, size_t len)
{
    size_t n = 0, total = 0, seen = 0;
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        total += (mask & CMD(commands[k].command)) != 0;
    buf[0] = '\0';
    for (size_t k = 0; k < sizeof commands / sizeof commands[0] && n < len; k++) {
        if (!(mask & CMD(commands[k].command)))
            continue;
        const char *sep = seen == 0 ? "" : seen + 1 == total ? "' and 'vkwin32h " : "', 'vkwin32h ";
        n += (size_t)snprintf(buf + n, len - n, "%s%s", sep, commands[k].name);
        seen++;
    }
}

/* Options that write one setting: one of them at most. */
static const vkw_bench_option_id same_setting[][2] = {{VKW_OPT_TIMEOUT, VKW_OPT_TIMEOUT_MS}};

bool vkw_args_parse(int argc, char **argv, vkw_args *out, char *msg, size_t len)
{
    memset(out, 0, sizeof *out);
    vkw_bench_options_default(&out->bench);
    vkw_stress_options_default(&out->stress);
    /* The bench's child: `vkwin32h __child TOKEN`, nothing else. */
    if (argc == 3 && strcmp(argv[1], VKW_CHILD_COMMAND) == 0) {
        out->command = VKW_CMD_CHILD;
        out->child_token = argv[2];
        return true;
    }
    out->tolerance_pct = (double)cli_options[ID_TOLERANCE].opt.def;
    const char *given[OPTION_COUNT] = {0}; /* as written first */
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t k = option_named(a);
        if (k < OPTION_COUNT) {
            const vkw_option *o = option_at(k);
            const char *value = NULL;
            if (is_cli(k, ID_HELP)) {
                out->help_topic = out->command;
                out->command = VKW_CMD_HELP;
                return true;
            }
            if (is_cli(k, ID_VERSION)) {
                out->command = VKW_CMD_VERSION;
                return true;
            }
            /* Given twice is an error: the second would silently win. */
            if (given[k]) {
                snprintf(msg, len, "option '%s' given twice: give it once", o->flag);
                return false;
            }
            given[k] = o->flag;
            for (size_t s = 0; s < sizeof same_setting / sizeof same_setting[0]; s++)
                for (int side = 0; side < 2; side++)
                    if (k == (size_t)same_setting[s][side] && given[same_setting[s][!side]]) {
                        snprintf(msg, len, "options '%s' and '%s' set the same thing: give one",
                                 given[same_setting[s][!side]], o->flag);
                        return false;
                    }
            if (o->metavar && !take_value(argc, argv, &i, o->flag, &value, msg, len))
                return false;
            if (!take(k, value, out, msg, len))
                return false;
        } else if (a[0] == '-' && a[1] != '\0') {
            snprintf(msg, len, "unknown option '%s' (see 'vkwin32h --help')", a);
            return false;
        } else if (out->command == VKW_CMD_NONE) {
            out->command = command_named(a);
            if (out->command == VKW_CMD_NONE) {
                snprintf(msg, len,
                         "unknown command '%s' (commands: probe, bench, stress, check, report, "
                         "compare, help, version)",
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
    for (size_t k = 0; k < OPTION_COUNT; k++)
        if (given[k] && !(commands_of(k) & CMD(out->command))) {
            char which[160];
            commands_text(commands_of(k), which, sizeof which);
            snprintf(msg, len, "option '%s' is for 'vkwin32h %s' only", given[k], which);
            return false;
        }
    vkw_error err;
    if (out->command == VKW_CMD_BENCH && vkw_bench_options_check(&out->bench, &err) != VKW_OK) {
        snprintf(msg, len, "%s", err.message);
        return false;
    }
    return true;
}

/* ---- the usage text, from the tables ---- */

/* "  -q, --quiet", "  --iterations N". */
static int option_left(const vkw_option *o, char *buf, size_t len)
{
    return snprintf(buf, len, "  %s%s%s%s%s", o->short_flag ? o->short_flag : "",
                    o->short_flag ? ", " : "", o->flag, o->metavar ? " " : "",
                    o->metavar ? o->metavar : "");
}

/* The help line and what the table says of bounds and default. */
static void option_help(const vkw_option *o, char *buf, size_t len)
{
    int n = snprintf(buf, len, "%s", o->help);
    char bounds[64] = "", def[64] = "", most[32];
    if (o->type == VKW_OPTION_UINT)
        snprintf(bounds, sizeof bounds, "%llu to %llu", (unsigned long long)o->min,
                 (unsigned long long)o->max);
    if (o->type == VKW_OPTION_SIZES)
        snprintf(bounds, sizeof bounds, "each at most %s, at most %u",
                 vkw_option_size_text(o->max, most, sizeof most), o->max_items);
    if (o->has_default)
        snprintf(def, sizeof def, "default %llu", (unsigned long long)o->def);
    else if (o->def_text)
        snprintf(def, sizeof def, "default %s", o->def_text);
    if ((*bounds || *def) && n > 0 && (size_t)n < len)
        snprintf(buf + n, len - (size_t)n, " (%s%s%s)", bounds, *bounds && *def ? ", " : "", def);
}

/* Words of text from column col, wrapped before column 80. */
static void print_wrapped(FILE *f, const char *text, int at, int col)
{
    const char *p = text;
    while (*p) {
        size_t word = strcspn(p, " ");
        if (at > col && at + 1 + (int)word > 79) {
            fprintf(f, "\n%*s", col, "");
            at = col;
        } else if (at > col) {
            fputc(' ', f);
            at++;
        }
        fprintf(f, "%.*s", (int)word, p);
        at += (int)word;
        p += word;
        p += strspn(p, " ");
    }
    fputc('\n', f);
}

static bool shown_for(size_t i, vkw_command c)
{
    return !option_at(i)->hidden && (commands_of(i) & CMD(c));
}

/* "[--iterations N]", "--config FILE" (required), "[--peer process|thread|both]". */
static void synopsis_word(size_t i, vkw_command c, char *buf, size_t len)
{
    const vkw_option *o = option_at(i);
    bool required = i >= LIB_OPTION_COUNT && (cli_options[i - LIB_OPTION_COUNT].required & CMD(c));
    char names[128] = "";
    if (o->type == VKW_OPTION_ENUM && o->name && !o->name(3))
        vkw_option_names(o, "|", names, sizeof names);
    snprintf(buf, len, "%s%s%s%s%s", required ? "" : "[", o->flag, o->metavar ? " " : "",
             *names       ? names
             : o->metavar ? o->metavar
                          : "",
             required ? "" : "]");
}

static void print_synopsis(FILE *f, const struct command_doc *d)
{
    char head[64];
    int col = snprintf(head, sizeof head, "usage: vkwin32h %s", d->name), at = col;
    fputs(head, f);
    if (*d->operands)
        at += fprintf(f, " %s", d->operands);
    for (int pass = 0; pass < 2; pass++) /* the required options first */
        for (size_t p = 0; p < OPTION_COUNT; p++) {
            size_t i = shown_at(p);
            char word[160];
            if (!shown_for(i, d->command))
                continue;
            synopsis_word(i, d->command, word, sizeof word);
            if ((word[0] == '[') != (pass == 1))
                continue;
            if (at + 1 + (int)strlen(word) > 79) {
                fprintf(f, "\n%*s", col, "");
                at = col;
            }
            at += fprintf(f, " %s", word);
        }
    fputc('\n', f);
}

static void print_command(FILE *f, const struct command_doc *d)
{
    print_synopsis(f, d);
    if (d->about)
        fprintf(f, "\n%s", d->about);
    int width = 0;
    for (size_t i = 0; i < OPTION_COUNT; i++) {
        char left[96];
        int n = option_left(option_at(i), left, sizeof left);
        if (shown_for(i, d->command) && n > width)
            width = n;
    }
    int col = width + 2 > 24 ? 24 : width + 2;
    bool first = true;
    for (size_t p = 0; p < OPTION_COUNT; p++) {
        size_t i = shown_at(p);
        char left[96], help[512];
        if (!shown_for(i, d->command))
            continue;
        int n = option_left(option_at(i), left, sizeof left);
        option_help(option_at(i), help, sizeof help);
        fprintf(f, "%s%s", first ? "\n" : "", left);
        first = false;
        if (n + 1 > col) {
            fprintf(f, "\n%*s", col, "");
            n = col;
        } else {
            fprintf(f, "%*s", col - n, "");
            n = col;
        }
        print_wrapped(f, help, n, col);
    }
}

/* Every option, one a line, tab-separated: commands, short flag, flag, value,
 * type, min, max, max items, default, config key, where in a config, the
 * config's default, names, help. For tests/e2e_options.py. */
static void list_options(FILE *f)
{
    for (size_t p = 0; p < OPTION_COUNT; p++) {
        size_t i = shown_at(p);
        const vkw_option *o = option_at(i);
        char cmds[128] = "", names[512] = "", def[32] = "";
        size_t n = 0;
        for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
            if (commands_of(i) & CMD(commands[k].command) && n < sizeof cmds)
                n += (size_t)snprintf(cmds + n, sizeof cmds - n, "%s%s", n ? "," : "",
                                      commands[k].name);
        if (o->has_default)
            snprintf(def, sizeof def, "%llu", (unsigned long long)o->def);
        vkw_option_names(o, ",", names, sizeof names);
        fprintf(f, "%s\t%s\t%s\t%s\t%s\t%llu\t%llu\t%u\t%s\t%s\t%s%s%s%s\t%s\t%s\t%s%s\n", cmds,
                o->short_flag ? o->short_flag : "", o->flag, o->metavar ? o->metavar : "",
                vkw_option_type_name(o->type), (unsigned long long)o->min,
                (unsigned long long)o->max, o->max_items,
                *def          ? def
                : o->def_text ? o->def_text
                              : "",
                o->key ? o->key : "", o->config & VKW_CONFIG_TOP ? "top," : "",
                o->config & VKW_CONFIG_MEMORY ? "memory," : "",
                o->config & VKW_CONFIG_ROUND_TRIPS ? "round-trips," : "",
                o->config & VKW_CONFIG_STRESS ? "stress," : "", o->config_def ? o->config_def : "",
                names, o->help, o->hidden ? " (hidden)" : "");
    }
}

void vkw_print_usage(FILE *f, vkw_command topic, bool list)
{
    if (list) {
        list_options(f);
        return;
    }
    for (size_t k = 0; k < sizeof commands / sizeof commands[0]; k++)
        if (commands[k].command == topic && commands[k].about) {
            print_command(f, &commands[k]);
            if (topic == VKW_CMD_CHECK)
                fputs("\n"
                      "exit codes: 0 every expectation passed, 14 an expectation failed,\n"
                      "            2 bad usage or config (the message names the place),\n"
                      "            15 the machine lacks what the config needs (loader, driver,\n"
                      "               layer, matching device, OS), 1 an expectation could not\n"
                      "               be judged (a crashed child, a failed call) or an internal\n"
                      "               error, 6 standard output cannot be written,\n"
                      "            130 SIGINT, 143 SIGTERM, 16 the deadline passed (interrupted\n"
                      "               reports are written: what ran is judged, the rest is an "
                      "error)\n",
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
          "  stress    many importers, churn, chaos, a time series and its trends\n"
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
          "            16 bench, stress, check: --deadline passed, 130 SIGINT, 143 SIGTERM,\n"
          "            17 stress: a leak, a mismatch, an undetected fault, a validation\n"
          "               error or a limit broken\n",
          f);
}
