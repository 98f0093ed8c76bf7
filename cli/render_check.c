/* `check` for people: the short text summary (stdout and reports.summary)
 * and the dry run's list of expectations. */
#include "render_check.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct text {
    char *s;
    size_t len, cap;
    bool oom;
} text;

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void put(text *t, const char *fmt, ...)
{
    while (!t->oom) {
        va_list ap;
        va_start(ap, fmt);
        int n = vsnprintf(t->s ? t->s + t->len : NULL, t->s ? t->cap - t->len : 0, fmt, ap);
        va_end(ap);
        if (n < 0) {
            t->oom = true;
        } else if (t->s && t->len + (size_t)n < t->cap) {
            t->len += (size_t)n;
            return;
        } else {
            size_t cap = t->cap ? t->cap : 4096;
            while (cap <= t->len + (size_t)n)
                cap *= 2;
            char *bigger = realloc(t->s, cap);
            if (!bigger)
                t->oom = true;
            else {
                t->s = bigger;
                t->cap = cap;
            }
        }
    }
}

static char *finish(text *t)
{
    if (t->oom) {
        free(t->s);
        return NULL;
    }
    return t->s;
}

static const char *tag(vkw_expect_outcome o)
{
    return o == VKW_EXPECT_PASSED ? "PASS " : o == VKW_EXPECT_FAILED ? "FAIL " : "ERROR";
}

char *vkw_render_check_summary(const vkw_check_result *r, int exit_code,
                               const char *const *report_paths, size_t path_count)
{
    text t = {0};
    const vkw_check_config *c = r->config;
    put(&t, "vkwin32h %s check: %s (%s) on %s, %s\n", VKW_TOOL_VERSION,
        c->name[0] ? c->name : "unnamed", c->path, r->probe.os, r->probe.generated_at);
    if (r->probe.device_count) {
        put(&t, "Devices    %u of %u selected:", r->selected_count, r->probe.device_count);
        for (uint32_t i = 0; i < r->probe.device_count; i++)
            if (r->selected && r->selected[i])
                put(&t, " #%u %s;", r->probe.devices[i].index, r->probe.devices[i].name);
        t.len -= t.s && t.s[t.len - 1] == ';';
        put(&t, "\n");
    }
    if (r->run_count)
        put(&t, "Benches    %u run%s, %.1f s in all\n", r->run_count, r->run_count == 1 ? "" : "s",
            r->total_ms / 1e3);
    if (r->expectation_count)
        put(&t, "\n");
    for (uint32_t i = 0; i < r->expectation_count; i++) {
        const vkw_expectation *e = &r->expectations[i];
        const vkw_device_report *d = &r->probe.devices[e->device_index];
        put(&t, "  %s  #%u  %s", tag(e->outcome), d->index, e->name);
        if (e->measured[0])
            put(&t, "  [%s]", e->measured);
        put(&t, "\n");
        if (e->outcome != VKW_EXPECT_PASSED && e->message[0])
            put(&t, "           %s\n", e->message);
    }
    const char *verdict = r->verdict == VKW_CHECK_PASSED      ? "PASSED"
                          : r->verdict == VKW_CHECK_FAILED    ? "FAILED"
                          : r->verdict == VKW_CHECK_ERROR     ? "ERROR"
                                                              : "ENVIRONMENT";
    put(&t, "\nResult     %s: %u passed, %u failed, %u not judged (error) of %u expectations "
            "(exit %d)\n",
        verdict, r->passed, r->failed, r->errors, r->expectation_count, exit_code);
    if (r->message[0])
        put(&t, "Why        %s\n", r->message);
    if (path_count) {
        put(&t, "Reports   ");
        for (size_t i = 0; i < path_count; i++)
            put(&t, " %s", report_paths[i]);
        put(&t, "\n");
    }
    return finish(&t);
}

char *vkw_render_check_plan(const vkw_check_config *c, const vkw_check_item *items,
                            uint32_t count)
{
    text t = {0};
    put(&t, "config '%s' is valid: %s\n", c->path, c->name[0] ? c->name : "unnamed");
    if (c->all_devices)
        put(&t, "devices: all\n");
    else
        put(&t, "devices: %u selector%s\n", c->selector_count, c->selector_count == 1 ? "" : "s");
    put(&t, "%u expectation%s per selected device:\n", count, count == 1 ? "" : "s");
    for (uint32_t i = 0; i < count; i++) {
        char source[96], name[256];
        vkw_check_item_source(c, &items[i], source, sizeof source);
        vkw_check_item_name(c, &items[i], name, sizeof name);
        put(&t, "  %-34s %s\n", source, name);
    }
    return finish(&t);
}
