/* The reference for the tool's own overhead: a minimal hand-written host <->
 * host timeline ping-pong between two threads, doing nothing but the two
 * calls and one clock read per round trip. `vkwin32h bench --parts
 * round-trips --peer thread --modes host-timeline` should be within a few
 * percent of it on the same machine (scripts/gpu-bench.sh runs both).
 *
 *   vkw_minimal_timeline [ROUND_TRIPS] [WARMUP]   -> prints p50 and p99 in ns
 *
 * Deliberately not built on libvkw: it shares no code with what it measures. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <vulkan/vulkan_core.h>

static PFN_vkSignalSemaphore signal_fn;
static PFN_vkWaitSemaphores wait_fn;
static VkDevice device;
static VkSemaphore sem_a, sem_b;
static unsigned rounds;

static uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void signal_value(VkSemaphore s, uint64_t v)
{
    VkSemaphoreSignalInfo info = {VK_STRUCTURE_TYPE_SEMAPHORE_SIGNAL_INFO, NULL, s, v};
    signal_fn(device, &info);
}

static int wait_value(VkSemaphore s, uint64_t v)
{
    VkSemaphoreWaitInfo info = {VK_STRUCTURE_TYPE_SEMAPHORE_WAIT_INFO, NULL, 0, 1, &s, &v};
    return wait_fn(device, &info, 10000000000ull) == VK_SUCCESS;
}

static void *peer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= rounds; i++) {
        if (!wait_value(sem_a, i))
            return NULL;
        signal_value(sem_b, i);
    }
    return NULL;
}

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

#define LOAD(inst, name) PFN_##name name = (PFN_##name)gipa(inst, #name)

int main(int argc, char **argv)
{
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 20000,
             warm = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
    rounds = n + warm;
    void *lib = dlopen("libvulkan.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib)
        return fprintf(stderr, "no libvulkan.so.1\n"), 2;
    PFN_vkGetInstanceProcAddr gipa;
    void *sym = dlsym(lib, "vkGetInstanceProcAddr");
    memcpy(&gipa, &sym, sizeof sym);
    LOAD(NULL, vkCreateInstance);
    VkApplicationInfo app = {
        VK_STRUCTURE_TYPE_APPLICATION_INFO, NULL, "minimal", 0, NULL, 0, VK_API_VERSION_1_2};
    VkInstanceCreateInfo ici = {
        VK_STRUCTURE_TYPE_INSTANCE_CREATE_INFO, NULL, 0, &app, 0, NULL, 0, NULL};
    VkInstance inst;
    if (vkCreateInstance(&ici, NULL, &inst) != VK_SUCCESS)
        return fprintf(stderr, "vkCreateInstance failed\n"), 2;
    LOAD(inst, vkEnumeratePhysicalDevices);
    LOAD(inst, vkCreateDevice);
    LOAD(inst, vkGetDeviceProcAddr);
    VkPhysicalDevice pd;
    uint32_t count = 1;
    vkEnumeratePhysicalDevices(inst, &count, &pd);
    if (!count)
        return fprintf(stderr, "no device\n"), 2;
    float prio = 1.0f;
    VkDeviceQueueCreateInfo q = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, NULL, 0, 0, 1, &prio};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .timelineSemaphore = VK_TRUE};
    VkDeviceCreateInfo dci = {
        VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO, &f12, 0, 1, &q, 0, NULL, 0, NULL, NULL};
    if (vkCreateDevice(pd, &dci, NULL, &device) != VK_SUCCESS)
        return fprintf(stderr, "vkCreateDevice failed\n"), 2;
    PFN_vkCreateSemaphore create =
        (PFN_vkCreateSemaphore)vkGetDeviceProcAddr(device, "vkCreateSemaphore");
    signal_fn = (PFN_vkSignalSemaphore)vkGetDeviceProcAddr(device, "vkSignalSemaphore");
    wait_fn = (PFN_vkWaitSemaphores)vkGetDeviceProcAddr(device, "vkWaitSemaphores");
    VkSemaphoreTypeCreateInfo type = {VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO, NULL,
                                      VK_SEMAPHORE_TYPE_TIMELINE, 0};
    VkSemaphoreCreateInfo sci = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, &type, 0};
    create(device, &sci, NULL, &sem_a);
    create(device, &sci, NULL, &sem_b);

    double *samples = malloc(n * sizeof *samples);
    pthread_t t;
    pthread_create(&t, NULL, peer, NULL);
    uint64_t prev = now_ns();
    for (uint64_t i = 1; i <= rounds; i++) {
        signal_value(sem_a, i);
        if (!wait_value(sem_b, i))
            return fprintf(stderr, "lost round trip %llu\n", (unsigned long long)i), 1;
        uint64_t t1 = now_ns();
        if (i > warm)
            samples[i - warm - 1] = (double)(t1 - prev);
        prev = t1;
    }
    pthread_join(t, NULL);
    qsort(samples, n, sizeof *samples, cmp);
    printf("minimal host-timeline thread round trip: p50 %.0f ns, p99 %.0f ns over %u\n",
           samples[(n + 1) / 2 - 1], samples[(size_t)(0.99 * n + 0.999) - 1], n);
    free(samples);
    return 0; /* the process's exit releases the device: nothing else here to measure */
}
