/* The options of the bench, declared once, as data: each one's flag, its key
 * in a check config, its type, bounds, default and help line. The command
 * line (cli/args.c) parses argv with this table and prints its usage from it;
 * the check config's reader (check/check_config.c) reads a bench's keys with
 * it; tests/e2e_options.py holds the README's option tables and
 * schema/vkwin32h-check-config.schema.json to it. The command line's own
 * options (--json, --help, ...) are described with the same vkw_option.
 * Owns: vkw_bench_options' defaults. In src/report/ beside the options'
 * struct (bench_report.h): a report read back takes its defaults from here
 * too. May include base/, platform/, vk/ and report/. */
#ifndef VKW_BENCH_OPTIONS_H
#define VKW_BENCH_OPTIONS_H

#include <stdbool.h>
#include <stdint.h>

#include "base/status.h"
#include "bench_report.h"

typedef enum vkw_option_type {
    VKW_OPTION_FLAG,     /* argv: no value; a config: true or false */
    VKW_OPTION_UINT,     /* a whole number from min to max */
    VKW_OPTION_SIZES,    /* sizes of min to max bytes, at most max_items, each once */
    VKW_OPTION_NAMES,    /* names of a set, each once */
    VKW_OPTION_ENUM,     /* one name of a set */
    VKW_OPTION_CPUS,     /* two CPU numbers of 0 to max: "P,C" */
    VKW_OPTION_TEXT,     /* a path or a word, not empty */
    VKW_OPTION_DURATION, /* digits and a unit (ms, s, m, h), from min to max milliseconds */
    VKW_OPTION_NUMBER,   /* a plain decimal (digits, one '.') from min to max */
} vkw_option_type;
const char *vkw_option_type_name(vkw_option_type t); /* "flag", "uint", ... */

/* Which of the library's runs take an option (on the command line: its commands). */
#define VKW_RUN_BENCH 1u
#define VKW_RUN_CHECK 2u
#define VKW_RUN_STRESS 4u
/* Where a check config takes the option's key. */
#define VKW_CONFIG_TOP 1u         /* the top level */
#define VKW_CONFIG_MEMORY 2u      /* a bench of "part": "memory" */
#define VKW_CONFIG_ROUND_TRIPS 4u /* a bench of "part": "round-trips" */
#define VKW_CONFIG_STRESS 8u      /* a bench of "part": "stress" (either table's keys) */

typedef struct vkw_option {
    const char *flag;       /* "--iterations" */
    const char *short_flag; /* "-q"; NULL: none */
    const char *metavar;    /* "N"; NULL: no value */
    vkw_option_type type;
    uint64_t min, max;    /* UINT: the number's; SIZES: each size's, in bytes; CPUS: max */
    uint32_t max_items;   /* SIZES and NAMES: at most this many */
    bool has_default;     /* UINT: default is the default */
    uint64_t def;         /* in the flag's unit */
    const char *def_text; /* SIZES, NAMES, ENUM: the default as given ("all": every name) */
    const char *(*name)(uint32_t k); /* NAMES, ENUM: the k-th name; NULL past the last */
    const char *noun;                /* NAMES, ENUM: what a name is, for messages */
    const char *key;                 /* the check config's key; NULL: none */
    uint32_t config;                 /* VKW_CONFIG_*: where the key goes */
    const char *config_def;          /* the config's default, where it differs from def_text */
    uint32_t runs;                   /* VKW_RUN_* */
    bool hidden;                     /* left out of the usage text */
    const char *help;                /* one line of --help, without the default */
} vkw_option;

/* The bench's options, in the order of the usage text. */
typedef enum vkw_bench_option_id {
    VKW_OPT_ITERATIONS,
    VKW_OPT_SIZES,
    VKW_OPT_HANDLE_TYPES,
    VKW_OPT_SCENARIOS,
    VKW_OPT_THREADS,
    VKW_OPT_VERIFY,
    VKW_OPT_IMPORTER,
    VKW_OPT_EXPORTER,
    VKW_OPT_D3D_ADAPTER,
    VKW_OPT_KEYED_MUTEX,
    VKW_OPT_TIMEOUT,
    VKW_OPT_TIMEOUT_MS,
    VKW_OPT_DEADLINE, /* not a field of vkw_bench_options: the run's (bench and check) */
    VKW_OPT_PARTS,
    VKW_OPT_ROUND_TRIPS,
    VKW_OPT_WARMUP,
    VKW_OPT_MODES,
    VKW_OPT_PEER,
    VKW_OPT_PIN,
    VKW_OPT_SAMPLES,
    VKW_OPT_REPEAT,
    VKW_OPT_NT_NAMES,
    VKW_OPT_FAULT,
    VKW_BENCH_OPTION_COUNT
} vkw_bench_option_id;

extern const vkw_option vkw_bench_option_table[VKW_BENCH_OPTION_COUNT];

/* A size as an option takes it: "64G", "16M", "65536". */
const char *vkw_option_size_text(uint64_t bytes, char *buf, size_t len);
/* Any option: the index of a name of its set; its names as "a, b, c". */
bool vkw_option_find_name(const vkw_option *opt, const char *name, uint32_t *k);
const char *vkw_option_names(const vkw_option *opt, const char *sep, char *buf, size_t len);
/* Any option: a whole number of text in [min, max]; one of its names. label
 * names the option in the message ("--iterations"). */
vkw_status vkw_option_parse_uint(const vkw_option *opt, const char *label, const char *text,
                                 uint64_t *out, vkw_error *err);
vkw_status vkw_option_parse_name(const vkw_option *opt, const char *label, const char *text,
                                 uint32_t *k, vkw_error *err);

/* What storing one value did. */
typedef enum vkw_option_store {
    VKW_OPTION_STORED,
    VKW_OPTION_TWICE, /* a list item given before */
    VKW_OPTION_FULL,  /* max_items given already */
} vkw_option_store;

/* A bench option into o: empties a list first (reset), then stores each value:
 * UINT: the number in the flag's unit; FLAG: 0 or 1; SIZES: bytes; NAMES and
 * ENUM: the index of the name; CPUS: (P << 16) | C. */
void vkw_bench_option_reset(vkw_bench_option_id id, vkw_bench_options *o);
vkw_option_store vkw_bench_option_store(vkw_bench_option_id id, vkw_bench_options *o,
                                        uint64_t value);
/* A bench option as written on the command line ("64K,16M", "0,1", "fence"):
 * reset, then every value stored; a repeated item is an error. */
vkw_status vkw_bench_option_parse(vkw_bench_option_id id, const char *label, const char *text,
                                  vkw_bench_options *o, vkw_error *err);

/* Options that contradict each other (--exporter d3d12 with --importer
 * cuda, --d3d-adapter without a Direct3D exporter): VKW_E_INVALID_ARG with
 * the one line that says which. The command line asks before it runs, so
 * that nothing is written; vkw_bench_run asks again. */
vkw_status vkw_bench_options_check(const vkw_bench_options *o, vkw_error *err);

/* Every option at its default (the table's); no loader, device or progress. */
void vkw_bench_options_default(vkw_bench_options *o);

#endif
