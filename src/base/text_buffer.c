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

/* How many bytes of a well-formed UTF-8 character start at p (0: not one). */
static size_t utf8_length(const unsigned char *p)
{
    size_t n = p[0] >= 0xC2 && p[0] <= 0xDF   ? 2
               : p[0] >= 0xE0 && p[0] <= 0xEF ? 3
               : p[0] >= 0xF0 && p[0] <= 0xF4 ? 4
                                              : 0;
    for (size_t i = 1; i < n; i++)
        if ((p[i] & 0xC0) != 0x80)
            return 0;
    /* no overlong forms, surrogates or code points above U+10FFFF */
    if ((p[0] == 0xE0 && p[1] < 0xA0) || (p[0] == 0xED && p[1] > 0x9F) ||
        (p[0] == 0xF0 && p[1] < 0x90) || (p[0] == 0xF4 && p[1] > 0x8F))
        return 0;
    return n;
}

/* One character of s (at p, not NUL) as shown: its bytes, or an escape.
 * Returns how many bytes of s it took; rep gets *rep_len bytes. */
static size_t escape_one(const unsigned char *p, char rep[8], size_t *rep_len)
{
    if (p[0] < 0x20 || p[0] == 0x7F) {
        *rep_len = (size_t)snprintf(rep, 8, "\\x%02x", p[0]);
        return 1;
    }
    if (p[0] < 0x80) {
        rep[0] = (char)p[0];
        *rep_len = 1;
        return 1;
    }
    size_t n = utf8_length(p);
    if (n == 0) {
        *rep_len = (size_t)snprintf(rep, 8, "\\x%02x", p[0]);
        return 1;
    }
    if (p[0] == 0xC2 && p[1] < 0xA0) { /* U+0080..U+009F: C1 controls (0x9B is CSI) */
        *rep_len = (size_t)snprintf(rep, 8, "\\u%04x", p[1]);
        return 2;
    }
    memcpy(rep, p, n);
    *rep_len = n;
    return n;
}

void vkw_buf_escaped(vkw_buf *b, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        char rep[8];
        size_t n = 0;
        p += escape_one(p, rep, &n);
        vkw_buf_append(b, rep, n);
    }
}

const char *vkw_text_escape(const char *s, char *buf, size_t len)
{
    if (len == 0)
        return buf;
    const unsigned char *text = (const unsigned char *)(s ? s : "");
    char rep[8];
    size_t n = 0, whole = 0;
    for (const unsigned char *p = text; *p;) {
        p += escape_one(p, rep, &n);
        whole += n;
    }
    /* When it does not all fit, room is kept for "..." */
    size_t reserve = whole < len ? 1 : 4, used = 0;
    for (const unsigned char *p = text; *p;) {
        size_t took = escape_one(p, rep, &n);
        if (used + n + reserve > len) {
            if (used + 4 <= len) {
                memcpy(buf + used, "...", 3);
                used += 3;
            }
            break;
        }
        memcpy(buf + used, rep, n);
        used += n;
        p += took;
    }
    buf[used] = '\0';
    return buf;
}

void vkw_buf_free(vkw_buf *b)
{
    free(b->data);
    memset(b, 0, sizeof *b);
}
