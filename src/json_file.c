#include "json_file.h"

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

vkw_status vkw_read_text_file(const char *path, const char *what, size_t max, char **out,
                              size_t *len, vkw_error *err)
{
    *out = NULL;
    *len = 0;
    FILE *f = fopen(path, "rb");
    if (!f)
        return vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s'", what, path);
    vkw_status s = VKW_OK;
    char *text = NULL;
    size_t n = 0, cap = 0;
    for (;;) {
        if (n + 65536 + 1 > cap) {
            cap = cap ? cap * 2 : 65536 * 2;
            char *bigger = realloc(text, cap);
            if (!bigger) {
                s = vkw_fail(err, VKW_E_NO_MEMORY, "out of host memory reading %s '%s'", what,
                             path);
                goto cleanup;
            }
            text = bigger;
        }
        size_t got = fread(text + n, 1, cap - n - 1, f);
        n += got;
        if (n > max) {
            s = vkw_fail(err, VKW_E_INVALID_ARG, "%s '%s' is larger than %lu bytes", what, path,
                         (unsigned long)max);
            goto cleanup;
        }
        if (got == 0)
            break;
    }
    if (ferror(f)) {
        s = vkw_fail(err, VKW_E_INVALID_ARG, "cannot read %s '%s'", what, path);
        goto cleanup;
    }
    text[n] = '\0';
    *out = text;
    *len = n;
    text = NULL;
cleanup:
    free(text);
    fclose(f);
    return s;
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
        return vkw_fail(err, VKW_E_INVALID_ARG, "'%s' is not a vkwin32h report (%s)", path,
                        root ? "no tool name vkwin32h or no devices" : "not JSON");
    }
    *out = root;
    return VKW_OK;
}
