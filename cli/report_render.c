#include "report_render.h"

#include <stdlib.h>

#include "../src/json_file.h"

vkw_status vkw_render_report_file(const char *json_path, vkw_render_format format, char **out,
                                  vkw_error *err)
{
    (void)format;
    *out = NULL;
    cJSON *root = NULL;
    vkw_status s = vkw_load_report_json(json_path, &root, err);
    if (s != VKW_OK)
        return s;
    cJSON_Delete(root);
    return vkw_fail(err, VKW_E_INVALID_ARG, "rendering is being written");
}
