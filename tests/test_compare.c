/* Unit tests of the report's vocabulary (against the schema file) and of the
 * statistics compare decides by. */
#include <cjson/cJSON.h>
#include <math.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "report/json_file.h"
#include "report/report_vocab.h"
#include "base/stats.h"

#ifndef VKW_REPORT_SCHEMA
#error "VKW_REPORT_SCHEMA: the path of schema/vkwin32h-report.schema.json"
#endif

static cJSON *load_schema(void)
{
    char *text = NULL;
    size_t len = 0;
    vkw_error err;
    vkw_error_clear(&err);
    if (vkw_read_text_file(VKW_REPORT_SCHEMA, "schema", 1 << 24, &text, &len, &err) != VKW_OK) {
        fprintf(stderr, "%s\n", err.message);
        return NULL;
    }
    cJSON *s = cJSON_Parse(text);
    free(text);
    return s;
}

/* The node at a JSON pointer such as "#/$defs/verdict/properties/code". */
static const cJSON *at(const cJSON *root, const char *pointer)
{
    if (strncmp(pointer, "#", 1) != 0)
        return NULL;
    const cJSON *n = root;
    char part[128];
    const char *p = pointer + 1;
    while (n && *p == '/') {
        p++;
        size_t k = strcspn(p, "/");
        if (k >= sizeof part)
            return NULL;
        memcpy(part, p, k);
        part[k] = '\0';
        p += k;
        if (cJSON_IsArray(n))
            n = cJSON_GetArrayItem(n, atoi(part));
        else
            n = cJSON_GetObjectItemCaseSensitive(n, part);
    }
    return n;
}

static bool listed(const cJSON *arr, const char *word)
{
    const cJSON *e;
    cJSON_ArrayForEach(e,
                       arr) if (cJSON_IsString(e) && strcmp(e->valuestring, word) == 0) return true;
    return false;
}

/* Every enum of the vocabulary has exactly the schema's words (null aside),
 * and every key a reader looks up is a property where the table says. */
static void vocabulary_matches_the_report_schema(void)
{
    cJSON *schema = load_schema();
    CHECK(schema != NULL);
    if (!schema)
        return;
    for (size_t v = 0; v < vkw_vocab_count; v++) {
        const vkw_vocab *voc = vkw_vocabs[v];
        const cJSON *node = at(schema, voc->schema_enum);
        const cJSON *en = cJSON_GetObjectItemCaseSensitive(node, "enum");
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(node, "properties");
        if (!node || (!en && !props)) {
            fprintf(stderr, "%s: no enum or properties at %s\n", voc->name, voc->schema_enum);
            CHECK(!"the vocabulary's schema pointer resolves");
            continue;
        }
        uint32_t schema_words = 0;
        const cJSON *e;
        if (en) {
            cJSON_ArrayForEach(e, en)
            {
                if (cJSON_IsNull(e))
                    continue;
                schema_words++;
                if (!cJSON_IsString(e) || vkw_vocab_find(voc, e->valuestring) < 0) {
                    fprintf(stderr, "%s: the schema's '%s' is not in the table\n", voc->name,
                            cJSON_IsString(e) ? e->valuestring : "?");
                    CHECK(!"every schema word is in the table");
                }
            }
        } else {
            cJSON_ArrayForEach(e, props)
            {
                schema_words++;
                if (vkw_vocab_find(voc, e->string) < 0) {
                    fprintf(stderr, "%s: the schema's '%s' is not in the table\n", voc->name,
                            e->string);
                    CHECK(!"every schema key is in the table");
                }
            }
        }
        for (uint32_t i = 0; i < voc->count; i++) {
            bool found = en ? listed(en, voc->words[i])
                            : cJSON_GetObjectItemCaseSensitive(props, voc->words[i]) != NULL;
            if (!found) {
                fprintf(stderr, "%s: the table's '%s' is not in the schema at %s\n", voc->name,
                        voc->words[i], voc->schema_enum);
                CHECK(!"every table word is in the schema");
            }
        }
        CHECK(schema_words == voc->count);
    }
    for (uint32_t k = 0; k < VKW_REPORT_KEY_COUNT; k++) {
        const cJSON *props = cJSON_GetObjectItemCaseSensitive(
            at(schema, vkw_report_keys[k].schema_object), "properties");
        if (!cJSON_GetObjectItemCaseSensitive(props, vkw_report_keys[k].text)) {
            fprintf(stderr, "key '%s' is not a property of %s\n", vkw_report_keys[k].text,
                    vkw_report_keys[k].schema_object);
            CHECK(!"every key is in the schema");
        }
    }
    /* The word that once was misspelt in compare. */
    CHECK_STR(vkw_vocab_word(&vkw_vocab_verdict, 2), "shareable_dedicated_only");
    cJSON_Delete(schema);
}

static bool near(double a, double b)
{
    return fabs(a - b) < 1e-9 * (fabs(b) > 1 ? fabs(b) : 1);
}

/* Known values: the exact null distribution of U for small samples, ties,
 * and the normal approximation against a hand-computed value. */
static void mann_whitney_on_known_samples(void)
{
    double u = -1;
    /* Complete separation, 5 against 5: one arrangement in C(10,5) = 252. */
    const double x5[] = {10, 11, 12, 13, 14}, y5[] = {20, 21, 22, 23, 24};
    double p = vkw_mann_whitney_greater(x5, 5, y5, 5, &u);
    CHECK(near(u, 25));
    CHECK(near(p, 1.0 / 252));
    CHECK(near(vkw_mann_whitney_min_p(5, 5), 1.0 / 252));
    /* The other way round: every arrangement has U >= 0. */
    p = vkw_mann_whitney_greater(y5, 5, x5, 5, &u);
    CHECK(near(u, 0));
    CHECK(near(p, 1.0));
    /* One inversion: U = 24; P(U >= 24) = 2/252. */
    const double y5b[] = {13.5, 21, 22, 23, 24};
    p = vkw_mann_whitney_greater(x5, 5, y5b, 5, &u);
    CHECK(near(u, 24));
    CHECK(near(p, 2.0 / 252));
    /* 2 against 2, interleaved x y x y: U = 1 + 2 = 3 of 4; P(U >= 3) = 2/6. */
    const double x2[] = {1, 3}, y2[] = {2, 4};
    p = vkw_mann_whitney_greater(x2, 2, y2, 2, &u);
    CHECK(near(u, 3));
    CHECK(near(p, 2.0 / 6));
    /* A tie counts one half, and the exact p counts it against the claim. */
    const double x1[] = {1, 2}, y1[] = {2, 3};
    p = vkw_mann_whitney_greater(x1, 2, y1, 2, &u);
    CHECK(near(u, 3.5));
    CHECK(near(p, 2.0 / 6)); /* P(U >= 3) */
    /* Identical samples show nothing. */
    p = vkw_mann_whitney_greater(x5, 5, x5, 5, &u);
    CHECK(near(u, 12.5));
    CHECK(p > 0.4);
    /* Beyond the exact limit: 60 against 60, y shifted by all of x's range:
     * U = 3600, z = (3600 - 1800 - 0.5) / sqrt(60*60*121/12), p ~ 1e-21. */
    double xl[60], yl[60];
    for (int i = 0; i < 60; i++) {
        xl[i] = i;
        yl[i] = 100 + i;
    }
    p = vkw_mann_whitney_greater(xl, 60, yl, 60, &u);
    CHECK(near(u, 3600));
    double z = (3600 - 1800 - 0.5) / sqrt(60.0 * 60 * 121 / 12);
    CHECK(near(p, 0.5 * erfc(z / sqrt(2.0))));
    CHECK(p < 1e-15);
    /* Nothing to compare: nothing shown. */
    CHECK(near(vkw_mann_whitney_greater(x5, 0, y5, 5, &u), 1.0));
    CHECK(near(vkw_mann_whitney_min_p(1, 1), 0.5));
    CHECK(vkw_mann_whitney_min_p(3, 3) > 0.01); /* 1/20: --repeat 3 cannot reach alpha */
}

int main(int argc, char **argv)
{
    static const check_case cases[] = {
#define CASE(fn) {#fn, fn}
        CASE(vocabulary_matches_the_report_schema),
        CASE(mann_whitney_on_known_samples),
#undef CASE
    };
    return check_main(argc, argv, cases, sizeof cases / sizeof cases[0]);
}
