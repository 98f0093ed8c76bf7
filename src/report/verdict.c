/* The at-a-glance verdict: which handle types can share across processes on
 * this OS, and for the rest, what blocks them. Derived from the model only. */
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "report.h"
#include "report_vocab.h"

const char *vkw_verdict_code_name(vkw_verdict_code code)
{
    return vkw_vocab_word(&vkw_vocab_verdict, (uint32_t)code);
}

static const char *family_home(vkw_handle_family f)
{
    switch (f) {
    case VKW_FAMILY_POSIX_FD: return "Linux and other POSIX systems";
    case VKW_FAMILY_WIN32: return "Windows";
    case VKW_FAMILY_HOST: return "every OS";
    case VKW_FAMILY_ANDROID: return "Android";
    case VKW_FAMILY_FUCHSIA: return "Fuchsia";
    case VKW_FAMILY_RDMA: return "Linux with RDMA";
    }
    return "another OS";
}

static void set(vkw_verdict *v, vkw_verdict_code code, const char *fmt, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 3, 4)))
#endif
    ;
static void set(vkw_verdict *v, vkw_verdict_code code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    v->code = code;
    vsnprintf(v->detail, sizeof v->detail, fmt, ap);
    va_end(ap);
}

typedef struct tally {
    unsigned total, shareable, dedicated, export_only, import_only, unsupported, failed, skipped;
} tally;

static void count(tally *t, const vkw_external_props *p)
{
    if (p->state == VKW_QUERY_SKIPPED) { /* not asked: not in the denominator */
        t->skipped++;
        return;
    }
    t->total++;
    if (p->state == VKW_QUERY_FAILED) {
        t->failed++;
    } else if (p->state == VKW_QUERY_FORMAT_UNSUPPORTED) {
        t->unsupported++;
    } else if (p->state == VKW_QUERY_OK) {
        if (p->exportable && p->importable) {
            t->shareable++;
            t->dedicated += p->dedicated_only;
        } else if (p->exportable) {
            t->export_only++;
        } else if (p->importable) {
            t->import_only++;
        }
    }
}

static void memory_verdict(vkw_device_report *dev, size_t t)
{
    const vkw_handle_type *ht = &vkw_memory_handle_types[t];
    vkw_verdict *v = &dev->memory_verdict[t];
    if (!vkw_handle_family_native(ht->family)) {
        set(v, VKW_VERDICT_NOT_ON_THIS_OS, "%s handles exist on %s only", ht->name,
            family_home(ht->family));
        return;
    }
    tally b = {0}, i = {0};
    for (size_t c = 0; c < VKW_BUFFER_CASE_COUNT; c++)
        count(&b, &dev->memory_caps[t].buffer[c]);
    for (size_t c = 0; c < VKW_IMAGE_CASE_COUNT; c++)
        count(&i, &dev->memory_caps[t].image[c]);
    unsigned shareable = b.shareable + i.shareable, dedicated = b.dedicated + i.dedicated;
    bool ext = vkw_device_has_extension(dev, ht->extension);

    if (b.failed + i.failed && !shareable) {
        set(v, VKW_VERDICT_QUERY_FAILED, "%u capability queries failed", b.failed + i.failed);
    } else if (!ext) {
        set(v, VKW_VERDICT_EXTENSION_MISSING, "the device does not offer %s", ht->extension);
        if (shareable)
            vkw_device_add_anomaly(dev,
                                   "memory %s: the driver reports %u shareable cases but does "
                                   "not offer %s",
                                   ht->name, shareable, ht->extension);
    } else if (ht->family == VKW_FAMILY_HOST) {
        unsigned importable = b.import_only + b.shareable + i.import_only + i.shareable;
        if (importable)
            set(v, VKW_VERDICT_NOT_CROSS_PROCESS,
                "host pointers import into this process only (importable: buffers %u/%u, "
                "images %u/%u)",
                b.import_only + b.shareable, b.total, i.import_only + i.shareable, i.total);
        else
            set(v, VKW_VERDICT_DRIVER_SAYS_NO, "no buffer or image case is importable");
    } else if (!shareable) {
        set(v, VKW_VERDICT_DRIVER_SAYS_NO,
            "no buffer or image case is both exportable and importable (export only: %u, "
            "import only: %u, image combinations unsupported: %u/%u)",
            b.export_only + i.export_only, b.import_only + i.import_only, i.unsupported, i.total);
    } else {
        char skipped[48] = "";
        if (i.skipped)
            snprintf(skipped, sizeof skipped, " (%u image case%s skipped)", i.skipped,
                     i.skipped == 1 ? "" : "s");
        if (dedicated == shareable)
            set(v, VKW_VERDICT_SHAREABLE_DEDICATED,
                "buffers %u/%u, images %u/%u%s; every one needs a dedicated allocation",
                b.shareable, b.total, i.shareable, i.total, skipped);
        else
            set(v, VKW_VERDICT_SHAREABLE, "buffers %u/%u, images %u/%u%s%s", b.shareable, b.total,
                i.shareable, i.total, skipped,
                dedicated ? "; some need a dedicated allocation" : "");
    }
}

/* Semaphores and fences: one query, no dedicated allocation. */
static void sync_verdict(vkw_device_report *dev, const vkw_handle_type *ht,
                         const vkw_external_props *p, vkw_verdict *v)
{
    if (!vkw_handle_family_native(ht->family)) {
        set(v, VKW_VERDICT_NOT_ON_THIS_OS, "%s handles exist on %s only", ht->name,
            family_home(ht->family));
    } else if (p->state == VKW_QUERY_SKIPPED) {
        set(v, VKW_VERDICT_DRIVER_SAYS_NO, "%s", p->reason);
    } else if (p->state != VKW_QUERY_OK) {
        set(v, VKW_VERDICT_QUERY_FAILED, "the capability query failed");
    } else if (!vkw_device_has_extension(dev, ht->extension)) {
        set(v, VKW_VERDICT_EXTENSION_MISSING, "the device does not offer %s", ht->extension);
        if (p->exportable || p->importable)
            vkw_device_add_anomaly(dev,
                                   "%s: the driver reports export/import support but does "
                                   "not offer %s",
                                   ht->name, ht->extension);
    } else if (p->exportable && p->importable) {
        set(v, VKW_VERDICT_SHAREABLE, "exportable and importable%s",
            ht->transference == VKW_TRANSFERENCE_COPY
                ? "; copy transference: export only after a signal is pending"
                : "");
    } else {
        set(v, VKW_VERDICT_DRIVER_SAYS_NO, "%s",
            p->exportable   ? "exportable but not importable"
            : p->importable ? "importable but not exportable"
                            : "neither exportable nor importable");
    }
}

void vkw_verdict_compute(vkw_device_report *dev)
{
    for (size_t t = 0; t < VKW_MEMORY_HANDLE_TYPE_COUNT; t++)
        memory_verdict(dev, t);
    for (size_t t = 0; t < VKW_SEMAPHORE_HANDLE_TYPE_COUNT; t++) {
        sync_verdict(dev, &vkw_semaphore_handle_types[t], &dev->semaphore_caps[t].binary,
                     &dev->semaphore_verdict[t][0]);
        sync_verdict(dev, &vkw_semaphore_handle_types[t], &dev->semaphore_caps[t].timeline,
                     &dev->semaphore_verdict[t][1]);
    }
    for (size_t t = 0; t < VKW_FENCE_HANDLE_TYPE_COUNT; t++)
        sync_verdict(dev, &vkw_fence_handle_types[t], &dev->fence_caps[t], &dev->fence_verdict[t]);
}
