/* The reference for the tool's own overhead: a minimal hand-written host <->
 * host timeline ping-pong, doing nothing but the two calls and one clock read
 * per round trip. `vkwin32h bench --parts round-trips --peer thread|process
 * --modes host-timeline` should be within a few percent of it on the same
 * machine (scripts/gpu-bench.sh runs both).
 *
 *   vkw_minimal_timeline [ROUND_TRIPS] [WARMUP] [thread|process]
 *       -> prints p50 and p99 in ns
 *
 * thread (the default): the peer is a second thread on the same semaphores.
 * process: the peer is this program started again (posix_spawn), which
 * imports the two timeline semaphores' OPAQUE_FD handles, sent over a Unix
 * socket (SCM_RIGHTS), into a device of its own, on the device with the same
 * UUID. Exit codes: 0 done, 1 a round trip lost, 2 set-up failed, 77 the
 * device cannot export and import timeline semaphores as OPAQUE_FD (a skip:
 * lavapipe, for one), with a line saying so.
 *
 * Deliberately not built on libvkw: it shares no code with what it measures. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <pthread.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <vulkan/vulkan_core.h>

#define EXIT_SKIP 77

extern char **environ;

static PFN_vkSignalSemaphore signal_fn;
static PFN_vkWaitSemaphores wait_fn;
static VkDevice device;
static VkSemaphore sem_a, sem_b;
static int exported[2] = {-1, -1}; /* the process peer's: sem_a's and sem_b's OPAQUE_FD */
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

static int peer_lost; /* the peer's wait timed out */

static void *peer(void *arg)
{
    (void)arg;
    for (uint64_t i = 1; i <= rounds; i++) {
        if (!wait_value(sem_a, i)) {
            peer_lost = 1;
            return NULL;
        }
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

/* Creates the device (external: with VK_KHR_external_semaphore_fd) and the
 * two timeline semaphores (exportable as OPAQUE_FD when external, or imported
 * from fds[] when fds is not NULL). Returns 0, 2 (failed) or EXIT_SKIP. */
static int setup(int external, const int *fds, uint8_t uuid[VK_UUID_SIZE])
{
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
    LOAD(inst, vkGetPhysicalDeviceProperties2);
    LOAD(inst, vkGetPhysicalDeviceExternalSemaphoreProperties);
    LOAD(inst, vkCreateDevice);
    LOAD(inst, vkGetDeviceProcAddr);
    VkPhysicalDevice pds[16], pd = VK_NULL_HANDLE;
    uint32_t count = 16;
    vkEnumeratePhysicalDevices(inst, &count, pds);
    if (!count)
        return fprintf(stderr, "no device\n"), 2;
    /* The parent takes the first device; the peer the one with its UUID. */
    for (uint32_t i = 0; i < count && !pd; i++) {
        VkPhysicalDeviceIDProperties id = {.sType =
                                               VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_ID_PROPERTIES};
        VkPhysicalDeviceProperties2 props = {
            .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_PROPERTIES_2, .pNext = &id};
        vkGetPhysicalDeviceProperties2(pds[i], &props);
        if (!fds || memcmp(id.deviceUUID, uuid, VK_UUID_SIZE) == 0) {
            pd = pds[i];
            memcpy(uuid, id.deviceUUID, VK_UUID_SIZE);
        }
    }
    if (!pd)
        return fprintf(stderr, "peer: no device with the parent's UUID\n"), 2;
    VkSemaphoreTypeCreateInfo type = {VK_STRUCTURE_TYPE_SEMAPHORE_TYPE_CREATE_INFO, NULL,
                                      VK_SEMAPHORE_TYPE_TIMELINE, 0};
    if (external) {
        VkPhysicalDeviceExternalSemaphoreInfo info = {
            VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_EXTERNAL_SEMAPHORE_INFO, &type,
            VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT};
        VkExternalSemaphoreProperties props = {.sType =
                                                   VK_STRUCTURE_TYPE_EXTERNAL_SEMAPHORE_PROPERTIES};
        vkGetPhysicalDeviceExternalSemaphoreProperties(pd, &info, &props);
        const VkExternalSemaphoreFeatureFlags both = VK_EXTERNAL_SEMAPHORE_FEATURE_EXPORTABLE_BIT |
                                                     VK_EXTERNAL_SEMAPHORE_FEATURE_IMPORTABLE_BIT;
        if ((props.externalSemaphoreFeatures & both) != both) {
            printf("skip: this device cannot export and import timeline semaphores as "
                   "OPAQUE_FD (external features 0x%x): no process peer\n",
                   props.externalSemaphoreFeatures);
            return EXIT_SKIP;
        }
    }
    float prio = 1.0f;
    VkDeviceQueueCreateInfo q = {VK_STRUCTURE_TYPE_DEVICE_QUEUE_CREATE_INFO, NULL, 0, 0, 1, &prio};
    VkPhysicalDeviceVulkan12Features f12 = {
        .sType = VK_STRUCTURE_TYPE_PHYSICAL_DEVICE_VULKAN_1_2_FEATURES,
        .timelineSemaphore = VK_TRUE};
    const char *ext = VK_KHR_EXTERNAL_SEMAPHORE_FD_EXTENSION_NAME;
    VkDeviceCreateInfo dci = {VK_STRUCTURE_TYPE_DEVICE_CREATE_INFO,
                              &f12,
                              0,
                              1,
                              &q,
                              0,
                              NULL,
                              external ? 1 : 0,
                              &ext,
                              NULL};
    if (vkCreateDevice(pd, &dci, NULL, &device) != VK_SUCCESS)
        return fprintf(stderr, "vkCreateDevice failed\n"), 2;
    PFN_vkCreateSemaphore create =
        (PFN_vkCreateSemaphore)vkGetDeviceProcAddr(device, "vkCreateSemaphore");
    PFN_vkGetSemaphoreFdKHR get_fd =
        (PFN_vkGetSemaphoreFdKHR)vkGetDeviceProcAddr(device, "vkGetSemaphoreFdKHR");
    PFN_vkImportSemaphoreFdKHR import_fd =
        (PFN_vkImportSemaphoreFdKHR)vkGetDeviceProcAddr(device, "vkImportSemaphoreFdKHR");
    signal_fn = (PFN_vkSignalSemaphore)vkGetDeviceProcAddr(device, "vkSignalSemaphore");
    wait_fn = (PFN_vkWaitSemaphores)vkGetDeviceProcAddr(device, "vkWaitSemaphores");
    VkExportSemaphoreCreateInfo export = {VK_STRUCTURE_TYPE_EXPORT_SEMAPHORE_CREATE_INFO, NULL,
                                          VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT};
    if (external && !fds)
        type.pNext = &export;
    VkSemaphoreCreateInfo sci = {VK_STRUCTURE_TYPE_SEMAPHORE_CREATE_INFO, &type, 0};
    VkSemaphore *sems[2] = {&sem_a, &sem_b};
    for (int i = 0; i < 2; i++) {
        if (create(device, &sci, NULL, sems[i]) != VK_SUCCESS)
            return fprintf(stderr, "vkCreateSemaphore failed\n"), 2;
        if (!fds)
            continue;
        VkImportSemaphoreFdInfoKHR imp = {
            VK_STRUCTURE_TYPE_IMPORT_SEMAPHORE_FD_INFO_KHR,  NULL,  *sems[i], 0,
            VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT, fds[i]};
        if (import_fd(device, &imp) != VK_SUCCESS)
            return fprintf(stderr, "peer: vkImportSemaphoreFdKHR failed\n"), 2;
    }
    if (external && !fds) {
        int out[2];
        for (int i = 0; i < 2; i++) {
            VkSemaphoreGetFdInfoKHR gi = {VK_STRUCTURE_TYPE_SEMAPHORE_GET_FD_INFO_KHR, NULL,
                                          *sems[i],
                                          VK_EXTERNAL_SEMAPHORE_HANDLE_TYPE_OPAQUE_FD_BIT};
            if (get_fd(device, &gi, &out[i]) != VK_SUCCESS)
                return fprintf(stderr, "vkGetSemaphoreFdKHR failed\n"), 2;
        }
        memcpy(exported, out, sizeof out);
    }
    return 0;
}

/* One message: the device's UUID, with two fds (SCM_RIGHTS). */
static int send_fds(int sock, uint8_t uuid[VK_UUID_SIZE], const int fds[2])
{
    char control[CMSG_SPACE(2 * sizeof(int))] = {0};
    struct iovec iov = {uuid, VK_UUID_SIZE};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(2 * sizeof(int));
    memcpy(CMSG_DATA(c), fds, 2 * sizeof(int));
    return sendmsg(sock, &msg, 0) == VK_UUID_SIZE ? 0 : -1;
}

static int recv_fds(int sock, uint8_t uuid[VK_UUID_SIZE], int fds[2])
{
    char control[CMSG_SPACE(2 * sizeof(int))] = {0};
    struct iovec iov = {uuid, VK_UUID_SIZE};
    struct msghdr msg = {
        .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof control};
    if (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) != VK_UUID_SIZE)
        return -1;
    struct cmsghdr *c = CMSG_FIRSTHDR(&msg);
    if (!c || c->cmsg_type != SCM_RIGHTS || c->cmsg_len != CMSG_LEN(2 * sizeof(int)))
        return -1;
    memcpy(fds, CMSG_DATA(c), 2 * sizeof(int));
    return 0;
}

/* The process peer: `vkw_minimal_timeline --peer FD ROUNDS`. */
static int peer_main(int sock)
{
    uint8_t uuid[VK_UUID_SIZE];
    int fds[2];
    if (recv_fds(sock, uuid, fds) != 0)
        return fprintf(stderr, "peer: no semaphores received\n"), 2;
    int r = setup(1, fds, uuid);
    if (r != 0)
        return r;
    char ready = 1;
    if (write(sock, &ready, 1) != 1)
        return 2;
    peer(NULL);
    return peer_lost;
}

int main(int argc, char **argv)
{
    if (argc == 4 && strcmp(argv[1], "--peer") == 0) {
        rounds = (unsigned)atoi(argv[3]);
        return peer_main(atoi(argv[2]));
    }
    unsigned n = argc > 1 ? (unsigned)atoi(argv[1]) : 20000,
             warm = argc > 2 ? (unsigned)atoi(argv[2]) : 200;
    const char *kind = argc > 3 ? argv[3] : "thread";
    int process = strcmp(kind, "process") == 0;
    if (n == 0 || (!process && strcmp(kind, "thread") != 0))
        return fprintf(stderr, "usage: %s [ROUND_TRIPS>0] [WARMUP] [thread|process]\n", argv[0]), 2;
    rounds = n + warm;
    uint8_t uuid[VK_UUID_SIZE];
    int r = setup(process, NULL, uuid);
    if (r != 0)
        return r;

    pthread_t t;
    pid_t child = 0;
    int sv[2] = {-1, -1};
    if (process) {
        /* The peer's end stays open across its exec; ours does not. */
        if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0)
            return perror("socketpair"), 2;
        char fd_arg[16], rounds_arg[16];
        snprintf(fd_arg, sizeof fd_arg, "%d", sv[1]);
        snprintf(rounds_arg, sizeof rounds_arg, "%u", rounds);
        char *args[] = {argv[0], "--peer", fd_arg, rounds_arg, NULL};
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, sv[1], sv[1]); /* clears its CLOEXEC */
        int e = posix_spawn(&child, "/proc/self/exe", &fa, NULL, args, environ);
        posix_spawn_file_actions_destroy(&fa);
        close(sv[1]);
        char ready = 0;
        if (e != 0 || send_fds(sv[0], uuid, exported) != 0 || read(sv[0], &ready, 1) != 1) {
            fprintf(stderr, "the process peer did not start or import the semaphores\n");
            if (child > 0)
                waitpid(child, NULL, 0);
            return 2;
        }
        close(exported[0]);
        close(exported[1]);
    } else {
        pthread_create(&t, NULL, peer, NULL);
    }
    double *samples = malloc(n * sizeof *samples);
    if (!samples)
        return fprintf(stderr, "out of memory\n"), 2;
    uint64_t prev = now_ns();
    for (uint64_t i = 1; i <= rounds; i++) {
        signal_value(sem_a, i);
        if (!wait_value(sem_b, i)) {
            fprintf(stderr, "lost round trip %llu\n", (unsigned long long)i);
            if (child > 0) {
                kill(child, SIGKILL);
                waitpid(child, NULL, 0);
            }
            return 1;
        }
        uint64_t t1 = now_ns();
        if (i > warm)
            samples[i - warm - 1] = (double)(t1 - prev);
        prev = t1;
    }
    int status = 0;
    if (process)
        waitpid(child, &status, 0);
    else
        pthread_join(t, NULL);
    qsort(samples, n, sizeof *samples, cmp);
    printf("minimal host-timeline %s round trip: p50 %.0f ns, p99 %.0f ns over %u\n", kind,
           samples[(n + 1) / 2 - 1], samples[(size_t)(0.99 * n + 0.999) - 1], n);
    free(samples);
    if (process && !(WIFEXITED(status) && WEXITSTATUS(status) == 0))
        return fprintf(stderr, "the process peer failed (status 0x%x)\n", status), 1;
    return 0; /* the process's exit releases the device: nothing else here to measure */
}
