/* Text that grows as it is appended to. An allocation failure is sticky:
 * later appends do nothing and `failed` stays set, so a writer checks once at
 * the end instead of after every line. */
#ifndef VKW_TEXT_BUFFER_H
#define VKW_TEXT_BUFFER_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>

typedef struct vkw_buf {
    char *data; /* NUL-terminated when not NULL */
    size_t len, cap;
    bool failed;
} vkw_buf;

void vkw_buf_append(vkw_buf *b, const char *s, size_t n);
void vkw_buf_puts(vkw_buf *b, const char *s);
void vkw_buf_printf(vkw_buf *b, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;
void vkw_buf_vprintf(vkw_buf *b, const char *fmt, va_list ap)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 0)))
#endif
    ;
/* s (NULL: nothing) as HTML or XML text or attribute value: & < > " ' as
 * character references, and the C0 controls XML 1.0 forbids as '?'. */
void vkw_buf_markup(vkw_buf *b, const char *s);
/* Text from outside (a config, a report, a driver, the command line) made
 * safe to show on a terminal or in the text summary: the C0 controls (ESC,
 * newline, tab...), DEL, the C1 controls U+0080..U+009F and bytes that are
 * not UTF-8 are written as \xNN (\u00NN for C1), so a name cannot recolour,
 * move, retitle or forge a line of the output. Everything else, UTF-8
 * included, is kept. The one escaping function of terminal text. */
void vkw_buf_escaped(vkw_buf *b, const char *s);
/* The same into buf (len > 0), cut where a character starts, with "..." when
 * it does not fit: a quoted value or path then never pushes out what follows
 * it in a fixed-size message. NULL is "". Returns buf. */
const char *vkw_text_escape(const char *s, char *buf, size_t len);
void vkw_buf_free(vkw_buf *b);

#endif
