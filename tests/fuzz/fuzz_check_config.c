/* check's config reader: any bytes as a config, then, when one is accepted,
 * the plan of expectations it makes and every expectation's name and place
 * (what a check would run and print). */
#include <stdbool.h>
#include <string.h>

#include "check/check.h"
#include "check/check_config.h"
#include "fuzz.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = fuzz_text(data, size);
    vkw_check_config *c = calloc(1, sizeof *c);
    vkw_check_item *items = NULL;
    uint32_t count = 0;
    vkw_error err = {0};
    if (!text || !c)
        goto cleanup;
    vkw_status s = vkw_check_config_parse("fuzz.json", text, size, c, &err);
    if (s != VKW_OK) {
        /* A refusal is one message that names the config. */
        fuzz_require(err.message[0] && strstr(err.message, "fuzz.json"));
        goto cleanup;
    }
    if (vkw_check_plan(c, &items, &count, &err) != VKW_OK)
        goto cleanup;
    for (uint32_t i = 0; i < count; i++) {
        char name[256], source[96];
        vkw_check_item_name(c, &items[i], name, sizeof name);
        vkw_check_item_source(c, &items[i], source, sizeof source);
        fuzz_require(memchr(name, '\0', sizeof name) && memchr(source, '\0', sizeof source));
    }
cleanup:
    free(items);
    free(c);
    free(text);
    return 0;
}
