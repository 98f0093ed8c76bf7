#include "device_filter.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

vkw_status vkw_device_filter_parse(const char *text, vkw_device_filter *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--device needs a value: an index, a deviceUUID "
                                                "or part of the device name");
    if (strlen(text) >= sizeof out->text)
        return vkw_fail(err, VKW_E_INVALID_ARG, "--device value '%.40s...' is too long", text);
    snprintf(out->text, sizeof out->text, "%s", text);
    bool digits = true;
    size_t hex = 0, dashes = 0;
    for (const char *p = text; *p; p++) {
        digits &= isdigit((unsigned char)*p) != 0;
        hex += isxdigit((unsigned char)*p) != 0;
        dashes += *p == '-';
    }
    if (digits) {
        errno = 0;
        unsigned long v = strtoul(text, NULL, 10);
        if (errno || v > UINT32_MAX)
            return vkw_fail(err, VKW_E_INVALID_ARG, "--device index '%s' is out of range", text);
        out->kind = VKW_FILTER_INDEX;
        out->index = (uint32_t)v;
        return VKW_OK;
    }
    if (hex == 2 * VK_UUID_SIZE && hex + dashes == strlen(text) &&
        vkw_uuid_parse(text, out->uuid) == 0) {
        out->kind = VKW_FILTER_UUID;
        return VKW_OK;
    }
    out->kind = VKW_FILTER_NAME;
    snprintf(out->name, sizeof out->name, "%s", text);
    return VKW_OK;
}

static bool contains_ci(const char *hay, const char *needle)
{
    size_t n = strlen(needle);
    for (; *hay; hay++) {
        size_t i = 0;
        while (i < n && hay[i] &&
               tolower((unsigned char)hay[i]) == tolower((unsigned char)needle[i]))
            i++;
        if (i == n)
            return true;
    }
    return n == 0;
}

bool vkw_device_filter_match(const vkw_device_filter *f, uint32_t index, const char *name,
                             const uint8_t *device_uuid)
{
    switch (f->kind) {
    case VKW_FILTER_ALL: return true;
    case VKW_FILTER_INDEX: return f->index == index;
    case VKW_FILTER_UUID: return device_uuid && memcmp(f->uuid, device_uuid, VK_UUID_SIZE) == 0;
    case VKW_FILTER_NAME: return contains_ci(name, f->name);
    }
    return false;
}
