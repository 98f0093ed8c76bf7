/* The document writer behind `vkwin32h report`: one set of calls (headings,
 * fields, paragraphs, tables) written as aligned plain text, Markdown or
 * HTML, so the three formats cannot drift apart in what they show. */
#include "report_doc.h"

#include <math.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- escaping per format ---- */

/* Control characters (a newline in a driver string, an ESC in a device
 * name) would break a table row or drive the terminal: escaped. */
static void put_plain(vkw_buf *b, const char *s)
{
    vkw_buf_escaped(b, s);
}

/* Markdown: backslash-escape the punctuation that would start emphasis, code,
 * a link, raw HTML, an entity or a table cell boundary; controls escaped as
 * in plain text. */
static void put_markdown(vkw_buf *b, const char *s)
{
    vkw_buf run = {0}; /* the text between two such characters */
    for (const char *p = s;; p++) {
        if (*p && !strchr("\\`*[]<>|&", *p)) {
            vkw_buf_append(&run, p, 1);
            continue;
        }
        vkw_buf_escaped(b, run.data);
        run.len = 0;
        if (run.data)
            run.data[0] = '\0';
        if (!*p)
            break;
        vkw_buf_append(b, "\\", 1);
        vkw_buf_append(b, p, 1);
    }
    b->failed |= run.failed;
    vkw_buf_free(&run);
}

static void put_html(vkw_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        if ((unsigned char)*p < 0x20) {
            vkw_buf_append(b, " ", 1);
        } else {
            char one[2] = {*p, '\0'};
            vkw_buf_markup(b, one);
        }
    }
}

static void put(vkw_doc *d, const char *s)
{
    switch (d->format) {
    case VKW_RENDER_TEXT: put_plain(&d->out, s); break;
    case VKW_RENDER_MARKDOWN: put_markdown(&d->out, s); break;
    case VKW_RENDER_HTML: put_html(&d->out, s); break;
    }
}

/* A word made safe for a class attribute: [a-z0-9-] only. */
static void put_class(vkw_buf *b, const char *s)
{
    for (const char *p = s; *p; p++) {
        char c = *p;
        if (c >= 'A' && c <= 'Z')
            c = (char)(c - 'A' + 'a');
        if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
            c = '-';
        vkw_buf_append(b, &c, 1);
    }
}

/* Columns a string takes in a terminal: UTF-8 continuation bytes take none. */
/* Columns a code point takes in a terminal: 0 for combining marks and
 * zero-width characters, 2 for East Asian wide ones and emoji, else 1 (the
 * common ranges of Unicode's East_Asian_Width; no locale needed). */
static int columns_of(uint32_t c)
{
    static const struct {
        uint32_t lo, hi;
        int w;
    } ranges[] = {
        {0x0300, 0x036F, 0}, {0x1AB0, 0x1AFF, 0},   {0x1DC0, 0x1DFF, 0},   {0x200B, 0x200F, 0},
        {0x202A, 0x202E, 0}, {0x2060, 0x2064, 0},   {0x20D0, 0x20FF, 0},   {0xFE00, 0xFE0F, 0},
        {0xFE20, 0xFE2F, 0}, {0xFEFF, 0xFEFF, 0},   {0x1100, 0x115F, 2},   {0x2E80, 0x303E, 2},
        {0x3041, 0x33FF, 2}, {0x3400, 0x4DBF, 2},   {0x4E00, 0x9FFF, 2},   {0xA000, 0xA4CF, 2},
        {0xAC00, 0xD7A3, 2}, {0xF900, 0xFAFF, 2},   {0xFE30, 0xFE4F, 2},   {0xFF00, 0xFF60, 2},
        {0xFFE0, 0xFFE6, 2}, {0x1F300, 0x1F64F, 2}, {0x1F900, 0x1F9FF, 2}, {0x20000, 0x3FFFD, 2},
    };
    for (size_t i = 0; i < sizeof ranges / sizeof ranges[0]; i++)
        if (c >= ranges[i].lo && c <= ranges[i].hi)
            return ranges[i].w;
    return 1;
}

static size_t display_width(const char *s)
{
    size_t w = 0;
    const unsigned char *p = (const unsigned char *)s;
    while (*p) {
        /* Decode one UTF-8 sequence; a stray byte counts as one column. */
        uint32_t c = *p;
        int more = c >= 0xF0 ? 3 : c >= 0xE0 ? 2 : c >= 0xC0 ? 1 : 0;
        c &= more == 3 ? 0x07 : more == 2 ? 0x0F : more == 1 ? 0x1F : 0xFF;
        p++;
        for (; more > 0 && (*p & 0xC0) == 0x80; more--, p++)
            c = (c << 6) | (*p & 0x3F);
        w += (size_t)columns_of(c);
    }
    return w;
}

static void spaces(vkw_buf *b, size_t n)
{
    static const char blank[] = "                                ";
    while (n) {
        size_t k = n < sizeof blank - 1 ? n : sizeof blank - 1;
        vkw_buf_append(b, blank, k);
        n -= k;
    }
}

/* ---- the document ---- */

/* The mark of a row that is a note under the row before it. */
static const char note_mark[] = "\x1f";

/* Text: the columns a block is indented by under its heading. */
static size_t indent_of(const vkw_doc *d)
{
    return d->format == VKW_RENDER_TEXT && d->level > 1 ? 2 * (size_t)(d->level - 1) : 0;
}

void vkw_doc_init(vkw_doc *d, vkw_render_format format)
{
    memset(d, 0, sizeof *d);
    d->format = format;
    d->table.outcome_col = -1;
    d->table.row_cells = -1;
}

static void table_reset(vkw_table_draft *t)
{
    vkw_buf_free(&t->cells);
    free(t->offsets);
    memset(t, 0, sizeof *t);
    t->outcome_col = -1;
    t->row_cells = -1;
}

void vkw_doc_free(vkw_doc *d)
{
    table_reset(&d->table);
    vkw_buf_free(&d->out);
}

static void close_fields(vkw_doc *d)
{
    if (!d->in_fields)
        return;
    d->in_fields = false;
    if (d->format == VKW_RENDER_HTML)
        vkw_buf_puts(&d->out, "</dl>\n");
    else if (d->format == VKW_RENDER_MARKDOWN)
        vkw_buf_puts(&d->out, "\n");
}

void vkw_doc_flush(vkw_doc *d)
{
    close_fields(d);
    if (d->table.open)
        vkw_doc_table_end(d);
}

/* fmt and its arguments as one string in tmp (the caller frees tmp). */
static const char *format_into(vkw_buf *tmp, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
static const char *format_into(vkw_buf *tmp, const char *fmt, va_list ap)
{
    vkw_buf_vprintf(tmp, fmt, ap);
    return tmp->failed || !tmp->data ? "" : tmp->data;
}

void vkw_doc_heading(vkw_doc *d, int level, const char *fmt, ...)
{
    vkw_doc_flush(d);
    vkw_buf tmp = {0};
    va_list ap;
    va_start(ap, fmt);
    const char *s = format_into(&tmp, fmt, ap);
    va_end(ap);
    d->failed |= tmp.failed;
    d->level = level;
    switch (d->format) {
    case VKW_RENDER_TEXT: {
        /* A blank line before a section, which is indented under the one above. */
        if (level > 1)
            vkw_buf_puts(&d->out, "\n");
        spaces(&d->out, level > 2 ? 2 * (size_t)(level - 2) : 0);
        put(d, s);
        vkw_buf_puts(&d->out, "\n");
        break;
    }
    case VKW_RENDER_MARKDOWN:
        for (int i = 0; i < level; i++)
            vkw_buf_puts(&d->out, "#");
        vkw_buf_puts(&d->out, " ");
        put(d, s);
        vkw_buf_puts(&d->out, "\n\n");
        break;
    case VKW_RENDER_HTML:
        vkw_buf_printf(&d->out, "<h%d>", level);
        put(d, s);
        vkw_buf_printf(&d->out, "</h%d>\n", level);
        break;
    }
    vkw_buf_free(&tmp);
}

void vkw_doc_field(vkw_doc *d, const char *key, const char *fmt, ...)
{
    if (d->table.open)
        vkw_doc_table_end(d);
    vkw_buf tmp = {0};
    va_list ap;
    va_start(ap, fmt);
    const char *s = format_into(&tmp, fmt, ap);
    va_end(ap);
    d->failed |= tmp.failed;
    bool first = !d->in_fields;
    d->in_fields = true;
    switch (d->format) {
    case VKW_RENDER_TEXT: {
        /* Keys padded to key_width, so the values line up under each other. */
        size_t kw = display_width(key), want = d->key_width > 0 ? (size_t)d->key_width : 0;
        spaces(&d->out, indent_of(d));
        put(d, key);
        spaces(&d->out, (want > kw ? want - kw : 0) + 1);
        put(d, s);
        vkw_buf_puts(&d->out, "\n");
        break;
    }
    case VKW_RENDER_MARKDOWN:
        vkw_buf_puts(&d->out, *key ? "- **" : "  ");
        put(d, key);
        vkw_buf_puts(&d->out, *key ? ":** " : "");
        put(d, s);
        vkw_buf_puts(&d->out, "\n");
        break;
    case VKW_RENDER_HTML:
        if (first)
            vkw_buf_puts(&d->out, "<dl class=\"vkw-fields\">\n");
        vkw_buf_puts(&d->out, "<dt>");
        put(d, key);
        vkw_buf_puts(&d->out, "</dt><dd>");
        put(d, s);
        vkw_buf_puts(&d->out, "</dd>\n");
        break;
    }
    vkw_buf_free(&tmp);
}

/* A paragraph (gap: after a blank line in text) or a line. */
static void block(vkw_doc *d, const char *tone, bool gap, const char *s)
{
    vkw_doc_flush(d);
    bool failed = tone && strcmp(tone, "failed") == 0;
    switch (d->format) {
    case VKW_RENDER_TEXT:
        vkw_buf_puts(&d->out, gap ? "\n" : "");
        spaces(&d->out, indent_of(d));
        put(d, s);
        vkw_buf_puts(&d->out, "\n");
        break;
    case VKW_RENDER_MARKDOWN:
        vkw_buf_puts(&d->out, failed ? "**" : "");
        put(d, s);
        vkw_buf_puts(&d->out, failed ? "**\n\n" : "\n\n");
        break;
    case VKW_RENDER_HTML:
        vkw_buf_puts(&d->out, "<p");
        if (tone) {
            vkw_buf_puts(&d->out, " class=\"tone-");
            put_class(&d->out, tone);
            vkw_buf_puts(&d->out, "\"");
        }
        vkw_buf_puts(&d->out, ">");
        put(d, s);
        vkw_buf_puts(&d->out, "</p>\n");
        break;
    }
}

static void vblock(vkw_doc *d, const char *tone, bool gap, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 4, 0)))
#endif
    ;
static void vblock(vkw_doc *d, const char *tone, bool gap, const char *fmt, va_list ap)
{
    vkw_buf tmp = {0};
    const char *s = format_into(&tmp, fmt, ap);
    d->failed |= tmp.failed;
    block(d, tone, gap, s);
    vkw_buf_free(&tmp);
}

void vkw_doc_para(vkw_doc *d, const char *tone, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vblock(d, tone, true, fmt, ap);
    va_end(ap);
}

void vkw_doc_line(vkw_doc *d, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vblock(d, NULL, false, fmt, ap);
    va_end(ap);
}

void vkw_doc_section_end(vkw_doc *d)
{
    vkw_doc_flush(d);
    d->level = 1;
}

void vkw_doc_raw(vkw_doc *d, const char *s)
{
    if (d->format != VKW_RENDER_HTML)
        return;
    vkw_doc_flush(d);
    vkw_buf_puts(&d->out, s);
}

void vkw_doc_table(vkw_doc *d, const char *cls, const char *align, const char *const *headers,
                   int outcome_col)
{
    vkw_doc_flush(d);
    vkw_table_draft *t = &d->table;
    table_reset(t);
    t->open = true;
    snprintf(t->cls, sizeof t->cls, "%s", cls);
    snprintf(t->align, sizeof t->align, "%s", align);
    t->headers = headers;
    t->outcome_col = outcome_col;
}

static void add_string(vkw_doc *d, const char *s)
{
    vkw_table_draft *t = &d->table;
    if (t->noffsets == t->cap_offsets) {
        size_t cap = t->cap_offsets ? t->cap_offsets * 2 : 64;
        size_t *p = realloc(t->offsets, cap * sizeof *p);
        if (!p) {
            d->failed = true;
            return;
        }
        t->offsets = p;
        t->cap_offsets = cap;
    }
    t->offsets[t->noffsets++] = t->cells.len;
    vkw_buf_append(&t->cells, s, strlen(s) + 1);
    d->failed |= t->cells.failed;
}

static void finish_row(vkw_doc *d)
{
    vkw_table_draft *t = &d->table;
    int ncols = (int)strlen(t->align);
    while (t->row_cells >= 0 && t->row_cells < ncols) {
        add_string(d, "");
        t->row_cells++;
    }
}

void vkw_doc_row(vkw_doc *d, const char *mark)
{
    vkw_table_draft *t = &d->table;
    if (!t->open)
        return;
    finish_row(d);
    add_string(d, mark ? mark : "");
    t->row_cells = 0;
}

void vkw_doc_table_bare(vkw_doc *d)
{
    d->table.bare = true;
}

/* fmt and its arguments as the table's next string. */
static void add_formatted(vkw_doc *d, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
static void add_formatted(vkw_doc *d, const char *fmt, va_list ap)
{
    vkw_buf tmp = {0};
    const char *s = format_into(&tmp, fmt, ap);
    d->failed |= tmp.failed;
    add_string(d, s);
    vkw_buf_free(&tmp);
}

void vkw_doc_note(vkw_doc *d, const char *fmt, ...)
{
    vkw_table_draft *t = &d->table;
    if (!t->open)
        return;
    finish_row(d);
    add_string(d, note_mark);
    va_list ap;
    va_start(ap, fmt);
    add_formatted(d, fmt, ap);
    va_end(ap);
    t->row_cells = 1;
}

void vkw_doc_cell(vkw_doc *d, const char *fmt, ...)
{
    vkw_table_draft *t = &d->table;
    if (!t->open || t->row_cells < 0 || t->row_cells >= (int)strlen(t->align))
        return;
    va_list ap;
    va_start(ap, fmt);
    add_formatted(d, fmt, ap);
    va_end(ap);
    t->row_cells++;
}

/* Cell c of row r (the row's mark is cell -1). */
static const char *cell(const vkw_table_draft *t, size_t ncols, size_t r, int c)
{
    size_t i = r * (ncols + 1) + (size_t)(c + 1);
    if (i >= t->noffsets || !t->cells.data)
        return "";
    return t->cells.data + t->offsets[i];
}

static bool is_note(const vkw_table_draft *t, size_t ncols, size_t r)
{
    return strcmp(cell(t, ncols, r, -1), note_mark) == 0;
}

static void pad_cell(vkw_doc *d, const char *s, size_t width, char align, bool last)
{
    size_t w = display_width(s);
    size_t gap = width > w ? width - w : 0;
    if (align == 'r')
        spaces(&d->out, gap);
    put(d, s);
    if (align != 'r' && !last)
        spaces(&d->out, gap);
}

/* Trailing blanks of the line just written, which padding leaves behind. */
static void trim_line(vkw_buf *b)
{
    while (b->len && b->data[b->len - 1] == ' ')
        b->data[--b->len] = '\0';
}

static void table_text(vkw_doc *d, size_t ncols, size_t nrows)
{
    vkw_table_draft *t = &d->table;
    size_t widths[sizeof t->align] = {0};
    bool header = !t->bare;
    size_t indent = indent_of(d);
    for (size_t c = 0; c < ncols; c++) {
        widths[c] = header ? display_width(t->headers[c]) : 0;
        for (size_t r = 0; r < nrows; r++) {
            if (is_note(t, ncols, r))
                continue;
            size_t w = display_width(cell(t, ncols, r, (int)c));
            widths[c] = w > widths[c] ? w : widths[c];
        }
    }
    if (header) {
        spaces(&d->out, indent);
        for (size_t c = 0; c < ncols; c++) {
            bool last = c + 1 == ncols;
            pad_cell(d, t->headers[c], widths[c], t->align[c], last);
            vkw_buf_puts(&d->out, last ? "" : "  ");
        }
        trim_line(&d->out);
        vkw_buf_puts(&d->out, "\n");
    }
    for (size_t r = 0; r < nrows; r++) {
        if (is_note(t, ncols, r)) {
            spaces(&d->out, indent + 4);
            put(d, cell(t, ncols, r, 0));
            vkw_buf_puts(&d->out, "\n");
            continue;
        }
        /* A row whose cells before the last are empty from some column on (a
         * skipped result: no figures, a reason) moves the last cell left to
         * that column, which keeps such rows readable within the width. */
        size_t first_empty = ncols - 1;
        while (first_empty > 0 && !*cell(t, ncols, r, (int)first_empty - 1))
            first_empty--;
        spaces(&d->out, indent);
        for (size_t c = 0; c < ncols; c++) {
            if (c >= first_empty && c + 1 < ncols)
                continue;
            bool last = c + 1 == ncols;
            pad_cell(d, cell(t, ncols, r, (int)c), widths[c], last ? 'l' : t->align[c], last);
            vkw_buf_puts(&d->out, last ? "" : "  ");
        }
        trim_line(&d->out);
        vkw_buf_puts(&d->out, "\n");
    }
}

static void table_markdown(vkw_doc *d, size_t ncols, size_t nrows)
{
    vkw_table_draft *t = &d->table;
    vkw_buf_puts(&d->out, "|");
    for (size_t c = 0; c < ncols; c++) {
        vkw_buf_puts(&d->out, " ");
        put(d, t->headers[c]);
        vkw_buf_puts(&d->out, " |");
    }
    vkw_buf_puts(&d->out, "\n|");
    for (size_t c = 0; c < ncols; c++)
        vkw_buf_puts(&d->out, t->align[c] == 'r' ? " ---: |" : " --- |");
    vkw_buf_puts(&d->out, "\n");
    for (size_t r = 0; r < nrows; r++) {
        vkw_buf_puts(&d->out, "|");
        if (is_note(t, ncols, r)) {
            vkw_buf_puts(&d->out, " ");
            put(d, cell(t, ncols, r, 0));
            for (size_t c = 0; c < ncols; c++)
                vkw_buf_puts(&d->out, " |");
            vkw_buf_puts(&d->out, "\n");
            continue;
        }
        for (size_t c = 0; c < ncols; c++) {
            const char *s = cell(t, ncols, r, (int)c);
            bool strong = (int)c == t->outcome_col && strcmp(cell(t, ncols, r, -1), "failed") == 0;
            vkw_buf_puts(&d->out, strong && *s ? " **" : " ");
            put(d, s);
            vkw_buf_puts(&d->out, strong && *s ? "** |" : " |");
        }
        vkw_buf_puts(&d->out, "\n");
    }
    vkw_buf_puts(&d->out, "\n");
}

static void table_html(vkw_doc *d, size_t ncols, size_t nrows)
{
    vkw_table_draft *t = &d->table;
    vkw_buf_puts(&d->out, "<div class=\"table-wrap\"><table class=\"");
    put_class(&d->out, t->cls);
    vkw_buf_puts(&d->out, "\">\n<thead><tr>");
    for (size_t c = 0; c < ncols; c++) {
        vkw_buf_puts(&d->out, t->align[c] == 'r' ? "<th class=\"num\">" : "<th>");
        put(d, t->headers[c]);
        vkw_buf_puts(&d->out, "</th>");
    }
    vkw_buf_puts(&d->out, "</tr></thead>\n<tbody>\n");
    for (size_t r = 0; r < nrows; r++) {
        const char *mark = cell(t, ncols, r, -1);
        if (is_note(t, ncols, r)) {
            vkw_buf_printf(&d->out, "<tr class=\"note\"><td colspan=\"%u\">", (unsigned)ncols);
            put(d, cell(t, ncols, r, 0));
            vkw_buf_puts(&d->out, "</td></tr>\n");
            continue;
        }
        if (*mark) {
            vkw_buf_puts(&d->out, "<tr class=\"row-");
            put_class(&d->out, mark);
            vkw_buf_puts(&d->out, "\">");
        } else {
            vkw_buf_puts(&d->out, "<tr>");
        }
        for (size_t c = 0; c < ncols; c++) {
            const char *s = cell(t, ncols, r, (int)c);
            vkw_buf_puts(&d->out, t->align[c] == 'r' ? "<td class=\"num\">" : "<td>");
            if ((int)c == t->outcome_col && *s) {
                vkw_buf_puts(&d->out, "<span class=\"badge b-");
                put_class(&d->out, s);
                vkw_buf_puts(&d->out, "\">");
                put(d, s);
                vkw_buf_puts(&d->out, "</span>");
            } else {
                put(d, s);
            }
            vkw_buf_puts(&d->out, "</td>");
        }
        vkw_buf_puts(&d->out, "</tr>\n");
    }
    vkw_buf_puts(&d->out, "</tbody></table></div>\n");
}

void vkw_doc_table_end(vkw_doc *d)
{
    vkw_table_draft *t = &d->table;
    if (!t->open)
        return;
    finish_row(d);
    size_t ncols = strlen(t->align);
    size_t nrows = ncols ? t->noffsets / (ncols + 1) : 0;
    if (!d->failed && ncols) {
        switch (d->format) {
        case VKW_RENDER_TEXT: table_text(d, ncols, nrows); break;
        case VKW_RENDER_MARKDOWN: table_markdown(d, ncols, nrows); break;
        case VKW_RENDER_HTML: table_html(d, ncols, nrows); break;
        }
    }
    table_reset(t);
}

/* ---- tolerant JSON ---- */

const cJSON *vkw_jobj(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsObject(v) ? v : NULL;
}

const cJSON *vkw_jarr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsArray(v) ? v : NULL;
}

const char *vkw_jstr(const cJSON *o, const char *key)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    return cJSON_IsString(v) && v->valuestring ? v->valuestring : NULL;
}

bool vkw_jnum(const cJSON *o, const char *key, double *out)
{
    const cJSON *v = cJSON_IsObject(o) ? cJSON_GetObjectItemCaseSensitive(o, key) : NULL;
    if (!cJSON_IsNumber(v) || !isfinite(v->valuedouble))
        return false;
    *out = v->valuedouble;
    return true;
}

const char *vkw_fmt_ns(double ns, bool ascii, char *buf, size_t len)
{
    static const char *const units[] = {"ns", "\xC2\xB5s", "ms", "s"};
    if (!isfinite(ns) || ns < 0) {
        snprintf(buf, len, "-");
        return buf;
    }
    double v = ns;
    size_t u = 0;
    /* 999.5 and up would print as "1000" in the smaller unit. */
    while (v >= 999.5 && u + 1 < sizeof units / sizeof units[0]) {
        v /= 1000.0;
        u++;
    }
    /* Plain text packs "12.3us" the way the probe and bench output does, which
     * keeps a row of six figures within a terminal. */
    const char *unit = ascii && u == 1 ? "us" : units[u];
    const char *gap = ascii ? "" : " ";
    if (u == 0 || v >= 99.95)
        snprintf(buf, len, "%.0f%s%s", v, gap, unit);
    else if (v >= 9.995)
        snprintf(buf, len, "%.1f%s%s", v, gap, unit);
    else
        snprintf(buf, len, "%.2f%s%s", v, gap, unit);
    return buf;
}
