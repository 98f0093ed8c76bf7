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
void vkw_buf_free(vkw_buf *b);

#endif
