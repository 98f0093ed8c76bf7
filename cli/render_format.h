/* The formats a report is rendered in for people (report_render.h), apart so
 * that the renderer and its document writer (report_doc.h) both take it
 * without including each other. */
#ifndef VKW_RENDER_FORMAT_H
#define VKW_RENDER_FORMAT_H

typedef enum vkw_render_format {
    VKW_RENDER_TEXT,
    VKW_RENDER_MARKDOWN,
    VKW_RENDER_HTML,
} vkw_render_format;

#endif
