/* A minimal test harness: each test is a named function; the executable runs
 * the one named on its command line, so CTest lists each behaviour. The case
 * table in main() is the only list of a file's tests: tests/CMakeLists.txt
 * registers one CTest test per CASE(name) line it finds there, and `--list`
 * prints the table, which a CTest test compares with what was registered. */
#ifndef VKW_TEST_CHECK_H
#define VKW_TEST_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_failures;

#define CHECK(cond)                                                                  \
    do {                                                                             \
        if (!(cond)) {                                                               \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
            check_failures++;                                                        \
        }                                                                            \
    } while (0)

#define CHECK_STR(got, want)                                                                 \
    do {                                                                                     \
        const char *g_ = (got), *w_ = (want);                                                \
        if (strcmp(g_, w_) != 0) {                                                           \
            fprintf(stderr, "%s:%d: got \"%s\", want \"%s\"\n", __FILE__, __LINE__, g_, w_); \
            check_failures++;                                                                \
        }                                                                                    \
    } while (0)

typedef struct check_case {
    const char *name;
    void (*fn)(void);
} check_case;

static int check_main(int argc, char **argv, const check_case *cases, size_t n)
{
    if (argc != 2) {
        fprintf(stderr, "usage: %s TEST | --list\n", argv[0]);
        return 2;
    }
    if (strcmp(argv[1], "--list") == 0) {
        for (size_t i = 0; i < n; i++)
            printf("%s\n", cases[i].name);
        return fflush(stdout) == 0 ? 0 : 1;
    }
    for (size_t i = 0; i < n; i++)
        if (strcmp(cases[i].name, argv[1]) == 0) {
            cases[i].fn();
            if (check_failures)
                fprintf(stderr, "%s: %d check(s) failed\n", argv[1], check_failures);
            return check_failures ? 1 : 0;
        }
    fprintf(stderr, "no test named %s\n", argv[1]);
    return 2;
}

#endif
