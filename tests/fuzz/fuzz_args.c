/* The command line: the input split at NUL bytes is argv (after the program's
 * name). Whatever the arguments, the parser accepts them or says why, and
 * never reads past them. (That the reason is one line, whatever control
 * characters an argument holds, is the printing's job: main.c escapes.) */
#include <stdbool.h>
#include <string.h>

#include "../../cli/args.h"
#include "fuzz.h"

#define MAX_ARGS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;
    char *argv[MAX_ARGS + 2] = {"vkwin32h"};
    int argc = 1;
    for (char *p = text; argc <= MAX_ARGS && p <= text + size; p += strlen(p) + 1)
        argv[argc++] = p;
    argv[argc] = NULL;
    vkw_args args;
    char msg[512] = "";
    memset(&args, 0, sizeof args);
    if (!vkw_args_parse(argc, argv, &args, msg, sizeof msg))
        fuzz_require(msg[0] != '\0');
    free(text);
    return 0;
}
