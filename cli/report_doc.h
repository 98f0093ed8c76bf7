/* The private half of `vkwin32h report`: a growable text buffer, a document
 * writer that emits the same headings, fields and tables as plain text,
 * Markdown or HTML, tolerant JSON accessors, and the HTML page and plots.
 * Only cli/report_*.c include it. */
#ifndef VKW_REPORT_DOC_H
#define VKW_REPORT_DOC_H

#include <cjson/cJSON.h>
#include <stdbool.h>
#include <stddef.h>

#include "base/text_buffer.h"
#include "render_format.h"

#if defined(__GNUC__)
#define VKW_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define VKW_PRINTF(f, a)
#endif

/* The table being collected: text needs every cell before it can size the
 * columns. Each row is stored as 1 + ncols NUL-terminated strings in `cells`
 * (the row's mark first), located by `offsets`. */
typedef struct vkw_table_draft {
    bool open;
    char cls[48];
    char align[32];  /* one 'l' or 'r' per column; its length is the column count */
    bool bare;       /* text: no header line */
    int outcome_col; /* a column whose cells are outcomes (styled in HTML), or -1 */
    const char *const *headers;
    int row_cells; /* cells given in the current row; -1 before the first row */
    vkw_buf cells;
    size_t *offsets;
    size_t noffsets, cap_offsets;
} vkw_table_draft;

/* Writes one document in one of the three formats. */
typedef struct vkw_doc {
    vkw_render_format format;
    vkw_buf out;
    bool in_fields; /* a run of vkw_doc_field calls is open (HTML <dl>, a Markdown list) */
    vkw_table_draft table;
    bool failed; /* out of memory somewhere */
    /* Text is the live output's layout: a heading as a line (a blank line
     * before a section), each block indented under its heading, fields keyed
     * in key_width columns, a table's header line without rules, lines
     * without a blank line between them. */
    int level;     /* of the last heading: what follows is indented under it */
    int key_width; /* text: the columns a field's key is padded to */
} vkw_doc;

void vkw_doc_init(vkw_doc *d, vkw_render_format format);
void vkw_doc_free(vkw_doc *d);
/* Level 1 is the page title, 2 a section, 3 a subsection. */
void vkw_doc_heading(vkw_doc *d, int level, const char *fmt, ...) VKW_PRINTF(3, 4);
/* One "key: value" line of a run of them. */
void vkw_doc_field(vkw_doc *d, const char *key, const char *fmt, ...) VKW_PRINTF(3, 4);
/* A paragraph; tone (NULL, "passed", "failed", "note") colours it in HTML and
 * is in bold in Markdown when it is "failed". */
void vkw_doc_para(vkw_doc *d, const char *tone, const char *fmt, ...) VKW_PRINTF(3, 4);
/* One line of text (a paragraph in Markdown and HTML); in text without the
 * blank line that vkw_doc_para leaves before it. */
void vkw_doc_line(vkw_doc *d, const char *fmt, ...) VKW_PRINTF(2, 3);
/* What follows belongs to the whole document again, not to the last heading
 * (text: no longer indented under it). */
void vkw_doc_section_end(vkw_doc *d);
/* Starts a table: align holds one 'l' or 'r' per column, headers as many
 * strings (kept by pointer until vkw_doc_table_end). */
void vkw_doc_table(vkw_doc *d, const char *cls, const char *align, const char *const *headers,
                   int outcome_col);
/* Text shows no header line for the table just started. */
void vkw_doc_table_bare(vkw_doc *d);
/* Starts a row; mark (NULL or a word such as "failed") classes it in HTML. */
void vkw_doc_row(vkw_doc *d, const char *mark);
/* The next cell of the current row; "" for none. */
void vkw_doc_cell(vkw_doc *d, const char *fmt, ...) VKW_PRINTF(2, 3);
/* A line of text under the current row (a reason, details): in text
 * indented below it, in Markdown and HTML a row of its own. */
void vkw_doc_note(vkw_doc *d, const char *fmt, ...) VKW_PRINTF(2, 3);
void vkw_doc_table_end(vkw_doc *d);
/* Markup written as is, in HTML only (the plots). */
void vkw_doc_raw(vkw_doc *d, const char *s);
/* Closes what is open before markup of the caller's own. */
void vkw_doc_flush(vkw_doc *d);

/* JSON read tolerantly: a missing or wrong-typed member is NULL / false. */
const cJSON *vkw_jobj(const cJSON *o, const char *key);
const cJSON *vkw_jarr(const cJSON *o, const char *key);
const char *vkw_jstr(const cJSON *o, const char *key);
bool vkw_jnum(const cJSON *o, const char *key, double *v);

/* A duration in nanoseconds with three significant digits in the unit that
 * keeps it short: "850 ns", "12.3 µs", "1.03 ms" (ascii, for plain text: "12.3us"). */
const char *vkw_fmt_ns(double ns, bool ascii, char *buf, size_t len);

/* HTML: the page around the document, and the two plots of one round-trip
 * result that passed (through: its OS primitive or handle type). */
void vkw_html_begin(vkw_doc *d, const char *title);
void vkw_html_end(vkw_doc *d);
struct vkw_sync_result;
void vkw_html_round_trip_plots(vkw_doc *d, const struct vkw_sync_result *r, const char *through);

/* A line chart of series over one time axis (seconds): each series a
 * polyline (broken where a value is NaN: not known), a legend, the axes
 * labelled with their min and max. More than VKW_CHART_POINTS_MAX points:
 * each pixel column draws the max of its points, so the SVG stays bounded. */
#define VKW_CHART_POINTS_MAX 600u
typedef struct vkw_line_series {
    const char *name;
    const double *y; /* n values */
} vkw_line_series;
typedef struct vkw_line_chart {
    const char *title;
    const char *unit; /* of y */
    int decimals;     /* of y's labels */
    const double *x;  /* n times, seconds, ascending */
    size_t n;
    const vkw_line_series *series;
    size_t count;
} vkw_line_chart;
void vkw_html_line_chart(vkw_doc *d, const vkw_line_chart *c);

/* values[n] as a line of at most width block characters (U+2581..U+2588,
 * from min to max), appended to out: with more values than characters each
 * character stands for the max of its group; a NaN (not known) is a space; a
 * flat series draws flat (the lowest block). False when no value is finite. */
bool vkw_sparkline(const double *v, size_t n, size_t width, vkw_buf *out, double *min, double *max);

#endif
