#include "json_file.h"

#include "platform/platform.h"
#include "base/text_buffer.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vkw_status vkw_read_text_file(const char *path, const char *what, size_t max, char **out,
                              size_t *len, vkw_error *err)
{
    return vkw_read_regular_file(path, what, max, out, len, err);
}

vkw_status vkw_load_report_json(const char *path, cJSON **out, vkw_error *err)
{
    *out = NULL;
    char *text = NULL;
    size_t len = 0;
    /* A report with every raw sample of every mode is tens of MiB; parsed, a
     * report takes about ten times its size. */
    vkw_status s = vkw_read_text_file(path, "report", (size_t)256 << 20, &text, &len, err);
    if (s != VKW_OK)
        return s;
    /* The terminator counted in: cJSON then refuses anything after the value. */
    cJSON *root = cJSON_ParseWithLengthOpts(text, len + 1, NULL, true);
    free(text);
    const cJSON *tool = root ? cJSON_GetObjectItemCaseSensitive(root, "tool") : NULL;
    const cJSON *name = tool ? cJSON_GetObjectItemCaseSensitive(tool, "name") : NULL;
    if (!root || !cJSON_IsString(name) || strcmp(name->valuestring, "vkwin32h") != 0 ||
        !cJSON_IsArray(cJSON_GetObjectItemCaseSensitive(root, "devices"))) {
        cJSON_Delete(root);
        char shown[200];
        return vkw_fail(err, VKW_E_INVALID_ARG, "'%s' is not a vkwin32h report (%s)",
                        vkw_text_escape(path, shown, sizeof shown),
                        root ? "no tool name vkwin32h or no devices" : "not JSON");
    }
    *out = root;
    return VKW_OK;
}
