/* Summaries of timed samples. */
#ifndef VKW_STATS_H
#define VKW_STATS_H

#include <stddef.h>
#include <stdint.h>

typedef struct vkw_summary {
    uint32_t count;
    double min, median, mean, max; /* in the samples' unit */
} vkw_summary;

/* Summarises n samples; sorts them in place. count 0 when n is 0. */
void vkw_summarize(double *samples, size_t n, vkw_summary *out);

#endif
