/* `check` for people: the short text summary (stdout and reports.summary)
 * and the dry run's list of expectations. */
#include "render_check.h"

#include "base/text_buffer.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *finish(vkw_buf *t)
{
    if (t->failed) {
        vkw_buf_free(t);
        return NULL;
    }
    return t->data;
}

static const char *tag(vkw_expect_outcome o)
{
    return o == VKW_EXPECT_PASSED ? "PASS " : o == VKW_EXPECT_FAILED ? "FAIL " : "ERROR";
}

char *vkw_render_check_summary(const vkw_check_result *r, int exit_code,
                               const char *const *report_paths, size_t path_count)
{
    vkw_buf t = {0};
    const vkw_check_config *c = r->config;
    vkw_buf_printf(&t, "vkwin32h %s check: ", VKW_TOOL_VERSION);
    vkw_buf_escaped(&t, c->name[0] ? c->name : "unnamed");
    vkw_buf_puts(&t, " (");
    vkw_buf_escaped(&t, c->path);
    vkw_buf_printf(&t, ") on %s, %s\n", r->probe.os, r->probe.generated_at);
    if (r->probe.device_count) {
        vkw_buf_printf(&t, "Devices    %u of %u selected:", r->selected_count,
                       r->probe.device_count);
        for (uint32_t i = 0; i < r->probe.device_count; i++)
            if (r->selected && r->selected[i]) {
                vkw_buf_printf(&t, " #%u ", r->probe.devices[i].index);
                vkw_buf_escaped(&t, r->probe.devices[i].name);
                vkw_buf_puts(&t, ";");
            }
        if (t.data && t.data[t.len - 1] == ';')
            t.data[--t.len] = '\0';
        vkw_buf_printf(&t, "\n");
    }
    if (r->run_count)
        vkw_buf_printf(&t, "Benches    %u run%s, %.1f s in all\n", r->run_count,
                       r->run_count == 1 ? "" : "s", r->total_ms / 1e3);
    if (r->expectation_count)
        vkw_buf_printf(&t, "\n");
    for (uint32_t i = 0; i < r->expectation_count; i++) {
        const vkw_expectation *e = &r->expectations[i];
        const vkw_device_report *d = &r->probe.devices[e->device_index];
        vkw_buf_printf(&t, "  %s  #%u  ", tag(e->outcome), d->index);
        vkw_buf_escaped(&t, e->name);
        if (e->measured[0]) {
            vkw_buf_puts(&t, "  [");
            vkw_buf_escaped(&t, e->measured);
            vkw_buf_puts(&t, "]");
        }
        vkw_buf_printf(&t, "\n");
        if (e->outcome != VKW_EXPECT_PASSED && e->message[0]) {
            vkw_buf_puts(&t, "           ");
            vkw_buf_escaped(&t, e->message);
            vkw_buf_puts(&t, "\n");
        }
    }
    const char *verdict = r->verdict == VKW_CHECK_PASSED        ? "PASSED"
                          : r->verdict == VKW_CHECK_FAILED      ? "FAILED"
                          : r->verdict == VKW_CHECK_ERROR       ? "ERROR"
                          : r->verdict == VKW_CHECK_INTERRUPTED ? "INTERRUPTED"
                                                                : "ENVIRONMENT";
    vkw_buf_printf(
        &t,
        "\nResult     %s: %u passed, %u failed, %u not judged (error) of %u expectations "
        "(exit %d)\n",
        verdict, r->passed, r->failed, r->errors, r->expectation_count, exit_code);
    if (r->message[0]) {
        vkw_buf_puts(&t, "Why        ");
        vkw_buf_escaped(&t, r->message);
        vkw_buf_puts(&t, "\n");
    }
    if (path_count) {
        vkw_buf_printf(&t, "Reports   ");
        for (size_t i = 0; i < path_count; i++) {
            vkw_buf_puts(&t, " ");
            vkw_buf_escaped(&t, report_paths[i]);
        }
        vkw_buf_printf(&t, "\n");
    }
    return finish(&t);
}

char *vkw_render_check_plan(const vkw_check_config *c, const vkw_check_item *items, uint32_t count)
{
    vkw_buf t = {0};
    vkw_buf_puts(&t, "config '");
    vkw_buf_escaped(&t, c->path);
    vkw_buf_puts(&t, "' is valid: ");
    vkw_buf_escaped(&t, c->name[0] ? c->name : "unnamed");
    vkw_buf_puts(&t, "\n");
    if (c->all_devices)
        vkw_buf_printf(&t, "devices: all\n");
    else
        vkw_buf_printf(&t, "devices: %u selector%s\n", c->selector_count,
                       c->selector_count == 1 ? "" : "s");
    vkw_buf_printf(&t, "%u expectation%s per selected device:\n", count, count == 1 ? "" : "s");
    for (uint32_t i = 0; i < count; i++) {
        char source[96], name[VKW_EXPECTATION_NAME_LEN];
        vkw_check_item_source(c, &items[i], source, sizeof source);
        vkw_check_item_name(c, &items[i], name, sizeof name);
        vkw_buf_printf(&t, "  %-34s ", source);
        vkw_buf_escaped(&t, name);
        vkw_buf_puts(&t, "\n");
    }
    return finish(&t);
}
