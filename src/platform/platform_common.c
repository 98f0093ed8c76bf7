/* The parts of platform.h that are the same on every OS, written once over
 * the primitives of platform_os.h: how a child's end is told, the order of
 * waiting for, killing and reaping it, what the channel accepts, which CPUs
 * may be pinned, and reading a whole regular file. */
#include "platform_os.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "base/text_buffer.h"

void vkw_child_end_exited(vkw_child_end *e, bool killed, uint32_t code)
{
    memset(e, 0, sizeof *e);
    e->ended = true;
    e->killed_by_parent = killed;
    e->code = (int)code;
    if (code >= 0xC0000000u)
        snprintf(e->text, sizeof e->text, "exit code 0x%08lX", (unsigned long)code);
    else
        snprintf(e->text, sizeof e->text, "exit code %lu", (unsigned long)code);
}

void vkw_child_end_signaled(vkw_child_end *e, bool killed, int sig, const char *name)
{
    memset(e, 0, sizeof *e);
    e->ended = true;
    e->killed_by_parent = killed;
    e->signaled = true;
    e->code = sig;
    if (name)
        snprintf(e->text, sizeof e->text, "signal %d (%s)", sig, name);
    else
        snprintf(e->text, sizeof e->text, "signal %d", sig);
}

void vkw_child_end_unknown(vkw_child_end *e, bool killed, const char *why)
{
    memset(e, 0, sizeof *e);
    e->ended = true;
    e->killed_by_parent = killed;
    e->code = -1;
    if (why)
        snprintf(e->text, sizeof e->text, "ended, status unknown (%s)", why);
    else
        snprintf(e->text, sizeof e->text, "ended, status unknown");
}

bool vkw_token_field(const char **p, const char *name, unsigned base, unsigned long long max,
                     unsigned long long *out)
{
    size_t n = strlen(name);
    if (strncmp(*p, name, n) != 0)
        return false;
    const char *c = *p + n;
    unsigned long long v = 0;
    bool any = false;
    for (;; c++, any = true) {
        unsigned d;
        if (*c >= '0' && *c <= '9')
            d = (unsigned)(*c - '0');
        else if (base == 16 && *c >= 'a' && *c <= 'f')
            d = (unsigned)(*c - 'a' + 10);
        else
            break;
        if (v > (max - d) / base)
            return false;
        v = v * base + d;
    }
    *p = c;
    *out = v;
    return any;
}

static void report_end(vkw_child *child, vkw_child_end *end)
{
    const vkw_child_record *rec = vkw_os_child_record(child);
    if (rec->reaped) {
        *end = rec->end;
    } else {
        memset(end, 0, sizeof *end);
        snprintf(end->text, sizeof end->text, "running");
    }
}

void vkw_child_poll(vkw_child *child, vkw_child_end *end)
{
    vkw_os_child_reap(child, 0, false);
    report_end(child, end);
}

/* A killed child stuck in the kernel (a GPU driver's uninterruptible wait)
 * is not waited for past this: the report says so instead of the parent
 * hanging with it. */
#define KILL_REAP_MS 10000u

void vkw_child_kill(vkw_child *child, vkw_child_end *end)
{
    /* An unreaped child cannot be replaced by another process with its pid,
     * so the kill always reaches it. */
    if (!vkw_os_child_reap(child, 0, false)) {
        vkw_child_end stuck;
        memset(&stuck, 0, sizeof stuck);
        const char *done = vkw_os_child_kill(child, &stuck);
        if (!vkw_os_child_reap(child, KILL_REAP_MS, true)) {
            *end = stuck;
            end->ended = false;
            end->killed_by_parent = true;
            snprintf(end->text, sizeof end->text, "%s, not ended within %u s", done,
                     KILL_REAP_MS / 1000);
            return;
        }
    }
    report_end(child, end);
}

void vkw_child_wait(vkw_child *child, uint32_t timeout_ms, vkw_child_end *end)
{
    vkw_os_child_reap(child, timeout_ms, false); /* UINT32_MAX: no limit */
    vkw_child_kill(child, end);
}

vkw_status vkw_channel_send(vkw_channel *ch, const void *msg, size_t len, const vkw_handle *handles,
                            uint32_t handle_count, vkw_error *err)
{
    if (!ch || !msg || len == 0 || len > VKW_CHANNEL_MAX_MESSAGE)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "cannot send a message of %llu bytes to the peer (1 to %u allowed)",
                        (unsigned long long)len, VKW_CHANNEL_MAX_MESSAGE);
    if (handle_count > VKW_CHANNEL_MAX_HANDLES || (handle_count > 0 && !handles))
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "cannot send %u handles in one message to the peer (at most %u)",
                        handle_count, VKW_CHANNEL_MAX_HANDLES);
    return vkw_os_channel_send(ch, msg, len, handles, handle_count, err);
}

vkw_status vkw_channel_recv(vkw_channel *ch, void *buf, size_t cap, size_t *len,
                            vkw_handle *handles, uint32_t *handle_count, uint32_t timeout_ms,
                            vkw_error *err)
{
    if (!ch || !buf || cap == 0 || !len || !handles || !handle_count)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "cannot receive from the peer: no buffer or output given");
    *len = 0;
    *handle_count = 0;
    return vkw_os_channel_recv(ch, buf, cap, len, handles, handle_count, timeout_ms, err);
}

/* As many CPUs as the largest affinity mask asked about (CPU_SETSIZE). */
#define MAX_CPUS 1024u

vkw_status vkw_cpu_allowed(uint32_t cpu, vkw_error *err)
{
    bool allowed[MAX_CPUS];
    uint32_t count = 0;
    vkw_status s = vkw_os_cpu_affinity(allowed, MAX_CPUS, &count, err);
    if (s != VKW_OK)
        return s;
    if (cpu < count && allowed[cpu])
        return VKW_OK;
    /* The allowed CPUs as ranges: "0-3,8". */
    char list[160] = "";
    size_t used = 0;
    for (uint32_t c = 0; c < count && used + 24 < sizeof list; c++) {
        if (!allowed[c] || (c > 0 && allowed[c - 1]))
            continue;
        uint32_t last = c;
        while (last + 1 < count && allowed[last + 1])
            last++;
        int n = last > c
                    ? snprintf(list + used, sizeof list - used, "%s%u-%u", used ? "," : "", c, last)
                    : snprintf(list + used, sizeof list - used, "%s%u", used ? "," : "", c);
        if (n > 0)
            used += (size_t)n;
    }
    return vkw_fail(err, VKW_E_INVALID_ARG,
                    "CPU %u does not exist or is not one this process may run on (allowed: %s)",
                    cpu, list);
}

vkw_status vkw_read_regular_file(const char *path, const char *what, size_t max, char **out,
                                 size_t *len, vkw_error *err)
{
    *out = NULL;
    *len = 0;
    char shown[200];
    vkw_text_escape(path, shown, sizeof shown);
    vkw_error why;
    vkw_error_clear(&why);
    vkw_handle file;
    uint64_t size;
    if (vkw_file_open_read(path, &file, &size, &why) != VKW_OK)
        return vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s': %s", what, shown,
                        why.message);
    vkw_status s = VKW_OK;
    char *text = NULL;
    if (size > max) {
        s = vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s': larger than %lu bytes", what,
                     shown, (unsigned long)max);
        goto cleanup;
    }
    /* A file that grows while read is read up to max + 1 bytes, then refused. */
    size_t cap = (size_t)size + 1 + 4096 > max + 2 ? max + 2 : (size_t)size + 1 + 4096;
    text = malloc(cap);
    if (!text) {
        s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory reading %s '%s'", what, shown);
        goto cleanup;
    }
    size_t n = 0;
    for (;;) {
        if (n + 1 == cap) {
            if (n > max)
                break;
            size_t bigger_cap = cap * 2 > max + 2 ? max + 2 : cap * 2;
            char *bigger = realloc(text, bigger_cap);
            if (!bigger) {
                s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory reading %s '%s'", what,
                             shown);
                goto cleanup;
            }
            text = bigger;
            cap = bigger_cap;
        }
        size_t got = 0;
        if (vkw_file_read(file, text + n, cap - 1 - n, &got, &why) != VKW_OK) {
            s = vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s': %s", what, shown,
                         why.message);
            goto cleanup;
        }
        if (got == 0)
            break;
        n += got;
    }
    if (n > max) {
        s = vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s': larger than %lu bytes", what,
                     shown, (unsigned long)max);
        goto cleanup;
    }
    text[n] = '\0';
    *out = text;
    *len = n;
    text = NULL;
cleanup:
    free(text);
    vkw_handle_close(file);
    return s;
}

#define VKW_PARALLEL_MAX 64u

/* ---- vkw_parallel: a pool of workers ----------------------------------------
 * Started once, at the first call that needs them, and grown to the most
 * slices a call asks for; between calls they sleep on vkw_os_pool_work. A call
 * costs a wake-up per worker, not a thread start and join: on a 16-core
 * machine those dominated a 1 GiB compare made in 8 MiB pieces.
 * One call uses the pool at a time. A call made while another uses it (from
 * another thread, or from inside a slice) runs on threads of its own, started
 * for it alone as before the pool: it neither waits nor deadlocks, and its
 * slices still run at once. Everything in `pool` is guarded by
 * vkw_os_pool_lock. */

typedef struct pool_worker {
    vkw_thread *thread;
    uint32_t slice; /* the slice it runs of every call: 1..VKW_PARALLEL_MAX - 1 */
    uint64_t seen;  /* the last call it looked at */
} pool_worker;

static struct {
    pool_worker worker[VKW_PARALLEL_MAX]; /* [1..workers] */
    uint32_t workers;                     /* started and not yet stopped */
    bool busy;                            /* a call (or a shutdown) has the pool */
    bool stopping;                        /* the workers are to return */
    uint64_t call;                        /* counts the calls made to the workers */
    void (*fn)(void *arg, uint32_t i, uint32_t n);
    void *arg;
    uint32_t n;
    uint32_t pending; /* slices handed to workers and not finished */
} pool;

static void pool_worker_main(void *p)
{
    pool_worker *w = p;
    vkw_os_lock_acquire(&vkw_os_pool_lock);
    for (;;) {
        while (!pool.stopping && pool.call == w->seen)
            vkw_os_cond_wait(&vkw_os_pool_work, &vkw_os_pool_lock);
        if (pool.stopping)
            break;
        w->seen = pool.call;
        if (w->slice >= pool.n)
            continue; /* a call of fewer slices than there are workers */
        void (*fn)(void *, uint32_t, uint32_t) = pool.fn;
        void *arg = pool.arg;
        uint32_t n = pool.n;
        vkw_os_lock_release(&vkw_os_pool_lock);
        fn(arg, w->slice, n);
        vkw_os_lock_acquire(&vkw_os_pool_lock);
        if (--pool.pending == 0)
            vkw_os_cond_wake_all(&vkw_os_pool_done);
    }
    vkw_os_lock_release(&vkw_os_pool_lock);
}

typedef struct parallel_part {
    void (*fn)(void *arg, uint32_t i, uint32_t n);
    void *arg;
    uint32_t i, n;
} parallel_part;

static void parallel_entry(void *p)
{
    parallel_part *part = p;
    part->fn(part->arg, part->i, part->n);
}

/* A call the pool cannot take: n - 1 threads started for it, and the caller. */
static void parallel_own_threads(uint32_t n, void (*fn)(void *arg, uint32_t i, uint32_t n),
                                 void *arg)
{
    parallel_part parts[VKW_PARALLEL_MAX];
    vkw_thread *threads[VKW_PARALLEL_MAX] = {0};
    for (uint32_t i = 1; i < n; i++) {
        parts[i] = (parallel_part){fn, arg, i, n};
        vkw_error err;
        if (vkw_thread_start(parallel_entry, &parts[i], &threads[i], &err) != VKW_OK)
            threads[i] = NULL;
    }
    fn(arg, 0, n);
    for (uint32_t i = 1; i < n; i++) {
        if (threads[i])
            vkw_thread_join(threads[i]);
        else
            fn(arg, i, n);
    }
}

void vkw_parallel(uint32_t n, void (*fn)(void *arg, uint32_t i, uint32_t n), void *arg)
{
    if (n == 0)
        n = 1;
    if (n > VKW_PARALLEL_MAX)
        n = VKW_PARALLEL_MAX;
    if (n == 1) {
        fn(arg, 0, 1);
        return;
    }
    vkw_os_lock_acquire(&vkw_os_pool_lock);
    if (pool.busy) {
        vkw_os_lock_release(&vkw_os_pool_lock);
        parallel_own_threads(n, fn, arg);
        return;
    }
    pool.busy = true;
    /* Started with the lock held, a worker first waits for it: by then this
     * call is posted, and `seen` makes it the worker's to take. */
    while (pool.workers < n - 1) {
        pool_worker *w = &pool.worker[pool.workers + 1];
        w->slice = pool.workers + 1;
        w->seen = pool.call;
        vkw_error err;
        if (vkw_thread_start(pool_worker_main, w, &w->thread, &err) != VKW_OK)
            break; /* its slice, and those above it, run on the caller */
        pool.workers++;
    }
    uint32_t given = pool.workers < n - 1 ? pool.workers : n - 1;
    pool.fn = fn;
    pool.arg = arg;
    pool.n = n;
    pool.pending = given;
    pool.call++;
    vkw_os_cond_wake_all(&vkw_os_pool_work);
    vkw_os_lock_release(&vkw_os_pool_lock);

    fn(arg, 0, n);
    for (uint32_t i = given + 1; i < n; i++)
        fn(arg, i, n);

    vkw_os_lock_acquire(&vkw_os_pool_lock);
    while (pool.pending > 0)
        vkw_os_cond_wait(&vkw_os_pool_done, &vkw_os_pool_lock);
    pool.busy = false;
    pool.fn = NULL;
    pool.arg = NULL;
    vkw_os_cond_wake_all(&vkw_os_pool_done); /* a shutdown waiting for the pool */
    vkw_os_lock_release(&vkw_os_pool_lock);
}

void vkw_parallel_shutdown(void)
{
    vkw_os_lock_acquire(&vkw_os_pool_lock);
    while (pool.busy)
        vkw_os_cond_wait(&vkw_os_pool_done, &vkw_os_pool_lock);
    pool.busy = true;
    pool.stopping = true;
    uint32_t workers = pool.workers;
    vkw_os_cond_wake_all(&vkw_os_pool_work);
    vkw_os_lock_release(&vkw_os_pool_lock);

    for (uint32_t k = 1; k <= workers; k++)
        vkw_thread_join(pool.worker[k].thread);

    vkw_os_lock_acquire(&vkw_os_pool_lock);
    for (uint32_t k = 1; k <= workers; k++)
        pool.worker[k].thread = NULL;
    pool.workers = 0;
    pool.stopping = false;
    pool.busy = false;
    vkw_os_cond_wake_all(&vkw_os_pool_done);
    vkw_os_lock_release(&vkw_os_pool_lock);
}
