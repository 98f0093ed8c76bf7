/* A growable text buffer for the writers that build a document before they
 * write it: JUnit XML, the check summary, the report renderers. */
#include "text_buffer.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static bool grow(vkw_buf *b, size_t extra)
{
    if (b->failed)
        return false;
    if (extra > (size_t)-1 / 2 - b->len) {
        b->failed = true;
        return false;
    }
    size_t need = b->len + extra + 1; /* + the terminating NUL */
    if (need <= b->cap)
        return true;
    size_t cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    char *p = realloc(b->data, cap);
    if (!p) {
        b->failed = true;
        return false;
    }
    b->data = p;
    b->cap = cap;
    return true;
}

void vkw_buf_append(vkw_buf *b, const char *s, size_t n)
{
    if (!grow(b, n))
        return;
    memcpy(b->data + b->len, s, n);
    b->len += n;
    b->data[b->len] = '\0';
}

void vkw_buf_puts(vkw_buf *b, const char *s)
{
    vkw_buf_append(b, s, strlen(s));
}

void vkw_buf_vprintf(vkw_buf *b, const char *fmt, va_list ap)
{
    va_list again;
    va_copy(again, ap);
    int n = vsnprintf(NULL, 0, fmt, ap);
    if (n < 0) {
        b->failed = true;
    } else if (grow(b, (size_t)n)) {
        vsnprintf(b->data + b->len, (size_t)n + 1, fmt, again);
        b->len += (size_t)n;
    }
    va_end(again);
}

void vkw_buf_printf(vkw_buf *b, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vkw_buf_vprintf(b, fmt, ap);
    va_end(ap);
}

void vkw_buf_markup(vkw_buf *b, const char *s)
{
    for (const char *p = s; p && *p; p++) {
        switch (*p) {
        case '&': vkw_buf_puts(b, "&amp;"); break;
        case '<': vkw_buf_puts(b, "&lt;"); break;
        case '>': vkw_buf_puts(b, "&gt;"); break;
        case '"': vkw_buf_puts(b, "&quot;"); break;
        case '\'': vkw_buf_puts(b, "&#39;"); break;
        default:
            /* XML 1.0 has no C0 control but tab, newline and carriage return. */
            if ((unsigned char)*p < 0x20 && *p != '\t' && *p != '\n' && *p != '\r')
                vkw_buf_append(b, "?", 1);
            else
                vkw_buf_append(b, p, 1);
            break;
        }
    }
}

void vkw_buf_free(vkw_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
