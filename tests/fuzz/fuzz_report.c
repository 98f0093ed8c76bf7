/* The readers of reports: `report` (text, Markdown and HTML), the typed
 * reader (vkw_report_parse, then written again) and `compare`.
 * The input is one report, or two split at the first NUL byte (OLD, NEW).
 * They go in as files, through the same path the tool reads, but the files
 * are memfds: memory, not the disk, and nothing left behind. */
#define _GNU_SOURCE
#include <stdbool.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "../../cli/report_render.h"
#include "report/compare.h"
#include "report/report.h"
#include "fuzz.h"

/* A memfd holding exactly data, as a path; false when the OS says no. */
static bool as_file(int *fd, const uint8_t *data, size_t size, char *path, size_t len)
{
    if (*fd < 0)
        *fd = memfd_create("vkw-fuzz-report", MFD_CLOEXEC);
    if (*fd < 0 || ftruncate(*fd, 0) != 0)
        return false;
    for (size_t done = 0; done < size;) {
        ssize_t n = pwrite(*fd, data + done, size - done, (off_t)done);
        if (n <= 0)
            return false;
        done += (size_t)n;
    }
    snprintf(path, len, "/proc/self/fd/%d", *fd);
    return true;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int old_fd = -1, new_fd = -1; /* reused: one pair for the whole run */
    const uint8_t *split = memchr(data, '\0', size);
    size_t old_size = split ? (size_t)(split - data) : size;
    const uint8_t *new_data = split ? split + 1 : data;
    size_t new_size = split ? size - old_size - 1 : size;
    char old_path[64], new_path[64];
    if (!as_file(&old_fd, data, old_size, old_path, sizeof old_path) ||
        !as_file(&new_fd, new_data, new_size, new_path, sizeof new_path))
        abort(); /* not a finding about the tool: the harness cannot run */

    /* One format per input (by its length): each read costs a large buffer,
     * and the three share the reader. */
    static const vkw_render_format formats[] = {VKW_RENDER_TEXT, VKW_RENDER_MARKDOWN,
                                                VKW_RENDER_HTML};
    char *out = NULL;
    vkw_error render_err = {0};
    vkw_status s = vkw_render_report_file(new_path, formats[size % 3], &out, &render_err);
    fuzz_require(s == VKW_OK ? out != NULL : out == NULL && render_err.message[0] != '\0');
    free(out);

    /* The typed reader: a report it takes is one the writer can write again,
     * and the writer's text is one it takes again. */
    vkw_report typed;
    vkw_error parse_err = {0};
    s = vkw_report_parse(new_path, &typed, &parse_err);
    fuzz_require(s == VKW_OK || parse_err.message[0] != '\0');
    if (s == VKW_OK) {
        char *json = NULL;
        s = vkw_report_to_json(&typed, &json, &parse_err);
        fuzz_require(s == VKW_OK ? json != NULL : parse_err.message[0] != '\0');
        free(json);
    }
    vkw_report_free(&typed);

    vkw_comparison cmp;
    vkw_error err = {0};
    if (vkw_compare_files(old_path, new_path, 10.0, &cmp, &err) == VKW_OK) {
        fuzz_require(cmp.regressions <= cmp.count);
        vkw_comparison_free(&cmp);
    } else {
        fuzz_require(err.message[0] != '\0');
    }
    return 0;
}
