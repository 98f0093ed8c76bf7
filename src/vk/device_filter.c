#include "device_filter.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "names.h"

vkw_status vkw_device_filter_parse(const char *text, vkw_device_filter *out, vkw_error *err)
{
    memset(out, 0, sizeof *out);
    if (!text || !*text)
        return vkw_fail(err, VKW_E_INVALID_ARG,
                        "a device selector needs a value: an index, a deviceUUID "
                        "or part of the device name");
    if (strlen(text) >= sizeof out->text)
        return vkw_fail(err, VKW_E_INVALID_ARG, "device selector '%.40s...' is too long", text);
    snprintf(out->text, sizeof out->text, "%s", text);
    bool digits = true;
    size_t hex = 0, dashes = 0;
    for (const char *p = text; *p; p++) {
        digits &= isdigit((unsigned char)*p) != 0;
        hex += isxdigit((unsigned char)*p) != 0;
        dashes += *p == '-';
    }
    if (digits) {
        uint64_t v = 0;
        if (!vkw_uint_parse(text, UINT32_MAX, &v))
            return vkw_fail(err, VKW_E_INVALID_ARG, "device index '%s' is out of range", text);
        out->kind = VKW_FILTER_INDEX;
        out->index = (uint32_t)v;
        return VKW_OK;
    }
    /* A whole deviceUUID, or its first 8 hex digits or more ("6d657361-3232"):
     * the prefix must then match one device only (vkw_device_filter_ambiguous). */
    if (hex >= 8 && hex <= 2 * VK_UUID_SIZE && hex + dashes == strlen(text) && text[0] != '-') {
        char whole[2 * VK_UUID_SIZE + 1];
        size_t n = 0;
        for (const char *p = text; *p; p++)
            if (*p != '-')
                whole[n++] = *p;
        while (n < 2 * VK_UUID_SIZE)
            whole[n++] = '0';
        whole[n] = '\0';
        if (vkw_uuid_parse(whole, out->uuid) == 0) {
            out->kind = VKW_FILTER_UUID;
            out->uuid_prefix_nibbles = hex == 2 * VK_UUID_SIZE ? 0 : (uint8_t)hex;
            return VKW_OK;
        }
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
    case VKW_FILTER_UUID: {
        if (!device_uuid)
            return false;
        size_t nibbles = f->uuid_prefix_nibbles ? f->uuid_prefix_nibbles : 2 * VK_UUID_SIZE;
        if (memcmp(f->uuid, device_uuid, nibbles / 2) != 0)
            return false;
        return nibbles % 2 == 0 || (f->uuid[nibbles / 2] >> 4) == (device_uuid[nibbles / 2] >> 4);
    }
    case VKW_FILTER_NAME: return contains_ci(name, f->name);
    }
    return false;
}
