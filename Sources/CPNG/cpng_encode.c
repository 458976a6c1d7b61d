// The PNG encoder side of the libpng boundary (the decoder is cpng.c): setjmp/longjmp stay here.
#include "cpng.h"
#include "cpng_internal.h"
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

/// The growing output buffer of the encoder; C owns it until Swift calls cpng_free.
typedef struct cpng_sink {
    uint8_t *bytes;
    size_t size;
    size_t capacity;
} cpng_sink;

// Memory write callback: doubling growth, so encoding is amortised O(n).
static void cpng_write_memory(png_structp png, png_bytep data, size_t count) {
    cpng_sink *sink = (cpng_sink *)png_get_io_ptr(png);
    if (sink->capacity - sink->size < count) {
        size_t capacity = sink->capacity ? sink->capacity : 4096;
        while (capacity - sink->size < count) capacity *= 2;
        uint8_t *grown = realloc(sink->bytes, capacity);
        if (grown == NULL) png_error(png, "out of memory");
        sink->bytes = grown;
        sink->capacity = capacity;
    }
    memcpy(sink->bytes + sink->size, data, count);
    sink->size += count;
}

static void cpng_flush_memory(png_structp png) { (void)png; }

int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                uint8_t **out_bytes, size_t *out_size, char *message, size_t message_capacity) {
    *out_bytes = NULL;
    *out_size = 0;
    static const int color_types[4] = {
        PNG_COLOR_TYPE_GRAY, PNG_COLOR_TYPE_GRAY_ALPHA, PNG_COLOR_TYPE_RGB, PNG_COLOR_TYPE_RGB_ALPHA
    };
    if (channels < 1 || channels > 4 || width == 0 || height == 0) {
        cpng_copy_message(message, message_capacity, "image must have 1–4 channels and a non-zero size");
        return CPNG_USAGE;
    }
    cpng_error error = { message, message_capacity };
    png_structp png = png_create_write_struct(PNG_LIBPNG_VER_STRING, &error, cpng_on_error, cpng_on_warning);
    if (png == NULL) {
        cpng_copy_message(message, message_capacity, "out of memory");
        return CPNG_NO_MEMORY;
    }
    png_infop info = png_create_info_struct(png);
    // Volatile: the sink's buffer pointer changes between setjmp and a possible longjmp.
    volatile cpng_sink sink = { NULL, 0, 0 };
    if (info == NULL || setjmp(png_jmpbuf(png))) {
        png_destroy_write_struct(&png, &info);
        free(sink.bytes);
        if (info == NULL) cpng_copy_message(message, message_capacity, "out of memory");
        return info == NULL ? CPNG_NO_MEMORY : CPNG_LIBPNG;
    }
    png_set_write_fn(png, (void *)&sink, cpng_write_memory, cpng_flush_memory);
    png_set_IHDR(png, info, width, height, 8, color_types[channels - 1], PNG_INTERLACE_NONE,
                 PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
    png_write_info(png, info);
    size_t stride = (size_t)width * (size_t)channels;
    for (uint32_t y = 0; y < height; y++) {
        png_write_row(png, (png_const_bytep)(pixels + (size_t)y * stride));
    }
    png_write_end(png, NULL);
    png_destroy_write_struct(&png, &info);
    *out_bytes = sink.bytes;
    *out_size = sink.size;
    return CPNG_OK;
}

void cpng_free(void *pointer) { free(pointer); }
