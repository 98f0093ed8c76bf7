/* The files at output paths (report_file.h): recognising the tool's own
 * reports, and writing one whole, over the platform's file primitives. */
#include "report_file.h"

#include <stdio.h>
#include <string.h>

#include "platform/platform.h"
#include "report.h"
#include "base/text_buffer.h"

/* What is read of a file to recognise it: every report says what it is
 * within its first lines. */
#define HEAD_BYTES 1024

typedef struct cursor {
    const char *p, *end;
} cursor;

static void skip_space(cursor *c)
{
    while (c->p < c->end && (*c->p == ' ' || *c->p == '\t' || *c->p == '\n' || *c->p == '\r'))
        c->p++;
}

/* Takes word (after blanks) when the text goes on with it. */
static bool take(cursor *c, const char *word)
{
    skip_space(c);
    size_t n = strlen(word);
    if ((size_t)(c->end - c->p) < n || memcmp(c->p, word, n) != 0)
        return false;
    c->p += n;
    return true;
}

static bool take_digits(cursor *c)
{
    skip_space(c);
    const char *from = c->p;
    while (c->p < c->end && *c->p >= '0' && *c->p <= '9')
        c->p++;
    return c->p > from;
}

/* {"schema_version": N, "tool": {"name": "vkwin32h", ...: how the JSON writer
 * starts every report (probe, bench, check). */
static bool json_report(cursor c)
{
    return take(&c, "{") && take(&c, "\"schema_version\"") && take(&c, ":") && take_digits(&c) &&
           take(&c, ",") && take(&c, "\"tool\"") && take(&c, ":") && take(&c, "{") &&
           take(&c, "\"name\"") && take(&c, ":") && take(&c, "\"" VKW_TOOL_NAME "\"");
}

static bool junit_report(cursor c)
{
    if (!take(&c, "<?xml "))
        return false;
    const char *end = c.p;
    while (end + 1 < c.end && !(end[0] == '?' && end[1] == '>'))
        end++;
    if (end + 1 >= c.end)
        return false;
    c.p = end + 2;
    /* Files of earlier versions named the tool in the root. */
    cursor named = c;
    if (take(&named, "<testsuites name=\"" VKW_TOOL_NAME " check"))
        return true;
    /* The root has no attribute now (the Ant JUnit schema allows none): the
     * comment before it says whose file it is. */
    if (!take(&c, "<!-- " VKW_TOOL_NAME " check:"))
        return false;
    while (c.p + 2 < c.end && memcmp(c.p, "-->", 3) != 0)
        c.p++;
    if (c.p + 2 >= c.end)
        return false;
    c.p += 3;
    return take(&c, "<testsuites>");
}

/* The first line: "vkwin32h 0.1.0 check: <name> (<config>) on ...". */
static bool check_summary(cursor c)
{
    if (!take(&c, VKW_TOOL_NAME " "))
        return false;
    while (c.p < c.end && *c.p != ' ' && *c.p != '\n')
        c.p++;
    return c.p < c.end && *c.p == ' ' && take(&c, "check: ");
}

/* `report`'s renderings: text starting "vkwin32h 0.1.0 report: " (its first
 * line; the live text follows), Markdown starting "# vkwin32h 0.1.0 probe on "
 * (its heading: "# " is never the start of a run's own text), "vkwin32h probe
 * report" (of earlier versions), an HTML page titled "vkwin32h probe report...".
 * A run's text kept in a file ("vkwin32h 0.1.0 probe on ...") is not one. */
static bool rendering(cursor c)
{
    if (take(&c, "<!DOCTYPE html>")) {
        const char *title = "<title>" VKW_TOOL_NAME " ";
        size_t n = strlen(title);
        for (const char *p = c.p; p + n <= c.end; p++)
            if (memcmp(p, title, n) == 0)
                return true;
        return false;
    }
    bool markdown = take(&c, "# ");
    if (!take(&c, VKW_TOOL_NAME " "))
        return false;
    cursor earlier = c;
    while (earlier.p < earlier.end && *earlier.p >= 'a' && *earlier.p <= 'z')
        earlier.p++;
    if (take(&earlier, "report\n"))
        return true;
    if (!take_digits(&c) || !take(&c, "."))
        return false;
    while (c.p < c.end && *c.p != ' ' && *c.p != '\n')
        c.p++;
    if (!markdown)
        return take(&c, "report: ");
    /* Markdown: the command that ran, and where. */
    return take(&c, "probe on ") || take(&c, "bench on ") || take(&c, "check on ");
}

bool vkw_is_own_report(const char *text, size_t len)
{
    cursor c = {text, text + len};
    return json_report(c) || junit_report(c) || check_summary(c) || rendering(c);
}

vkw_status vkw_report_replaceable(const char *path, vkw_error *err)
{
    char head[HEAD_BYTES], shown[200];
    size_t len = 0;
    vkw_file_kind kind;
    vkw_error why;
    vkw_error_clear(&why);
    vkw_text_escape(path, shown, sizeof shown);
    if (vkw_file_head(path, head, sizeof head, &len, &kind, &why) != VKW_OK)
        return vkw_fail(err, VKW_E_IO,
                        "cannot write report '%s': cannot tell whether it is "
                        "a vkwin32h report (%s)",
                        shown, why.message);
    if (kind != VKW_FILE_REGULAR || len == 0 || vkw_is_own_report(head, len))
        return VKW_OK;
    return vkw_fail(err, VKW_E_IO,
                    "cannot write report '%s': the file there is not a "
                    "vkwin32h report, and it is not replaced (move it away or "
                    "choose another path)",
                    shown);
}

/* Room for a report's path, and for its temporary file's beside it. */
#define PATH_ROOM 4096
#define TEMP_ROOM (PATH_ROOM + 64)

/* The file a report at path replaces: where symbolic links end (the link
 * stays), or nothing yet. A directory, a device, a FIFO or a socket is
 * refused, since the final rename would replace it. */
static vkw_status report_target(const char *path, char *target, vkw_error *err)
{
    vkw_error why;
    vkw_error_clear(&why);
    vkw_status s = vkw_file_resolve(path, target, PATH_ROOM, &why);
    if (s != VKW_OK)
        return vkw_fail(err, s, "cannot write report '%s': %s", path, why.message);
    const char *what = NULL;
    switch (vkw_file_kind_at(target, &what)) {
    case VKW_FILE_DIRECTORY:
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': it is a directory", path);
    case VKW_FILE_OTHER:
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': not a regular file (%s)", path,
                        what);
    default: return VKW_OK;
    }
}

/* A temporary file beside the target, open for writing. */
static vkw_status create_temp(const char *path, const char *target, char *tmp, vkw_handle *file,
                              vkw_error *err)
{
    vkw_error why;
    vkw_error_clear(&why);
    if (vkw_file_create_temp(target, file, tmp, TEMP_ROOM, &why) != VKW_OK)
        return vkw_fail(err, VKW_E_IO, "cannot write report '%s': %s", path, why.message);
    return VKW_OK;
}

vkw_status vkw_check_writable(const char *path, vkw_error *err)
{
    char target[PATH_ROOM], tmp[TEMP_ROOM];
    vkw_handle file = VKW_NO_HANDLE;
    vkw_status s = report_target(path, target, err);
    if (s == VKW_OK)
        s = create_temp(path, target, tmp, &file, err);
    if (s != VKW_OK)
        return s;
    vkw_handle_close(file);
    vkw_file_remove(tmp);
    return VKW_OK;
}

vkw_status vkw_write_file_atomic(const char *path, const void *data, size_t len, vkw_error *err)
{
    char target[PATH_ROOM], tmp[TEMP_ROOM];
    vkw_handle file = VKW_NO_HANDLE;
    vkw_error why;
    vkw_error_clear(&why);
    vkw_status closed, s = report_target(path, target, err);
    if (s == VKW_OK)
        s = create_temp(path, target, tmp, &file, err);
    if (s != VKW_OK)
        return s;
    /* Written whole and flushed before the rename: the path never holds half
     * a report, even if the machine stops. */
    if (vkw_file_write_all(file, data, len, &why) != VKW_OK || vkw_file_sync(file, &why) != VKW_OK)
        goto cleanup;
    closed = vkw_file_close(file, &why);
    file = VKW_NO_HANDLE;
    if (closed != VKW_OK || vkw_file_rename(tmp, target, &why) != VKW_OK)
        goto cleanup;
    return VKW_OK;

cleanup:
    vkw_handle_close(file);
    vkw_file_remove(tmp);
    return vkw_fail(err, VKW_E_IO, "cannot write report '%s': %s", path, why.message);
}

/* Removes the regular file path names, following symbolic links (the link
 * stays); never a directory or anything else. */
static void remove_report(const char *path)
{
    char target[PATH_ROOM];
    const char *what;
    if (vkw_file_resolve(path, target, sizeof target, NULL) == VKW_OK &&
        vkw_file_kind_at(target, &what) == VKW_FILE_REGULAR)
        vkw_file_remove(target);
}

void vkw_remove_stale_report(const char *path)
{
    char head[HEAD_BYTES];
    size_t len = 0;
    vkw_file_kind kind;
    if (vkw_file_head(path, head, sizeof head, &len, &kind, NULL) == VKW_OK &&
        kind == VKW_FILE_REGULAR && vkw_is_own_report(head, len))
        remove_report(path);
}
