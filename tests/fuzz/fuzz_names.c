/* The small parsers of names and numbers: sizes ("64K"), UUIDs and --device
 * selectors. What one accepts, the tool writes back the same way and reads
 * again to the same value. */
#include <stdbool.h>
#include <string.h>

#include "vk/device_filter.h"
#include "fuzz.h"
#include "vk/names.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    if (!text)
        return 0;

    uint64_t bytes = 0;
    if (vkw_size_parse(text, &bytes)) {
        fuzz_require(bytes > 0 && bytes <= (64ull << 30));
        /* "4 MiB" reads back as "4MiB", "100 bytes" as "100". */
        char shown[64], compact[64];
        vkw_size_string(bytes, shown, sizeof shown);
        size_t k = 0;
        for (const char *p = shown; *p && *p != 'b' && k + 1 < sizeof compact; p++)
            if (*p != ' ')
                compact[k++] = *p;
        compact[k] = '\0';
        uint64_t again = 0;
        fuzz_require(vkw_size_parse(compact, &again) && again == bytes);
    }

    uint8_t uuid[VK_UUID_SIZE], uuid2[VK_UUID_SIZE];
    if (vkw_uuid_parse(text, uuid) == 0) {
        char shown[64];
        vkw_uuid_string(uuid, VK_UUID_SIZE, shown, sizeof shown);
        fuzz_require(vkw_uuid_parse(shown, uuid2) == 0 && memcmp(uuid, uuid2, sizeof uuid) == 0);
    }

    vkw_device_filter f;
    vkw_error err = {0};
    if (vkw_device_filter_parse(text, &f, &err) == VKW_OK) {
        fuzz_require(f.kind != VKW_FILTER_ALL || !text[0]);
        if (f.kind == VKW_FILTER_UUID)
            fuzz_require(vkw_device_filter_match(&f, 0, "", f.uuid));
        (void)vkw_device_filter_match(&f, f.index, f.name, NULL);
    } else {
        fuzz_require(err.message[0] != '\0');
    }
    free(text);
    return 0;
}
