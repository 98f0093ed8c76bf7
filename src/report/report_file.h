/* The files at output paths: which are the tool's own reports, the only
 * files a run may replace or remove (a user's notes.md at a report path is
 * refused, never overwritten or deleted). */
#ifndef VKW_REPORT_FILE_H
#define VKW_REPORT_FILE_H

#include <stdbool.h>
#include <stddef.h>

#include "base/status.h"

/* Whether text (the first bytes of a file) starts the way one of the tool's
 * reports does: a JSON report (schema_version, then tool.name "vkwin32h"),
 * check's JUnit XML ("<!-- vkwin32h check: ... --><testsuites>", or an earlier
 * version's <testsuites name="vkwin32h check...), check's summary
 * (first line "vkwin32h VERSION check: ..."), or a rendering of `report`
 * (text, Markdown, HTML). */
bool vkw_is_own_report(const char *text, size_t len);

/* Whether a report may be written at path: nothing is there, an empty regular
 * file (mktemp's), or one of the tool's own reports. VKW_E_IO, naming path,
 * for any other file. What is not a regular file is left to the writer to
 * refuse. */
vkw_status vkw_report_replaceable(const char *path, vkw_error *err);

/* Writes len bytes to path atomically: a temporary file in the same folder
 * (where symbolic links end: the link stays), written whole, flushed, then
 * renamed over path. A directory, a device, a FIFO or a socket at path is
 * refused, since the rename would replace it. VKW_E_IO "cannot write report
 * 'PATH': REASON"; nothing is left behind on failure. */
vkw_status vkw_write_file_atomic(const char *path, const void *data, size_t len, vkw_error *err);

/* Checks early that a report can be written at path (so a long run does not
 * fail only at the end): what vkw_write_file_atomic refuses, and whether a
 * file can be created beside it (a temporary one, removed at once). */
vkw_status vkw_check_writable(const char *path, vkw_error *err);

/* Removes what an earlier run left at path when it is one of the tool's own
 * reports (through a symbolic link: the file it points to); anything else
 * stays. */
void vkw_remove_stale_report(const char *path);

#endif
