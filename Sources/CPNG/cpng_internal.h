// What the decoder (cpng.c) and the encoder (cpng_encode.c) share: the error context and libpng's
// error and warning callbacks. Private to this target (not under include/).
#ifndef CPNG_INTERNAL_H
#define CPNG_INTERNAL_H
#include <png.h>
#include <stddef.h>
#include <stdint.h>

/// Error context shared with libpng's callbacks: where to copy the message.
typedef struct cpng_error {
    char *message;
    size_t capacity;
} cpng_error;

/// The memory source the decoder's read callback consumes.
typedef struct cpng_source {
    const uint8_t *data;
    size_t size;
    size_t position;  ///< bytes libpng has consumed (it reads chunk headers, data and CRCs exactly)
    int ran_out;      ///< set when a read asked for more bytes than remain: the status is CPNG_TRUNCATED
} cpng_source;

/// The stored image layout, known once png_read_info has returned (all zero before).
typedef struct cpng_layout {
    uint32_t width;
    uint32_t height;
    int bits_per_pixel;  ///< as stored: bit depth × channels before any transform
    int interlaced;
    int reading_rows;    ///< 1 while pixel rows are being read (the IDAT stage)
} cpng_layout;

/// The status of a libpng error that longjmp'd back into a cpng_ function, decided from the bytes
/// libpng consumed (cpng_classify.c), never from libpng's message: CPNG_TRUNCATED, CPNG_BAD_CHUNK,
/// CPNG_BAD_CRC (the chunk type is written into `message`), CPNG_BAD_DATA, CPNG_SHORT_DATA or CPNG_LIBPNG.
int cpng_classify(const cpng_source *source, const cpng_layout *layout, char *message, size_t capacity);

/// Copies `text` into `message` (at most `capacity` bytes, always NUL-terminated).
void cpng_copy_message(char *message, size_t capacity, const char *text);
/// libpng's error callback: copies the message and longjmps back to the setjmp of the caller.
void cpng_on_error(png_structp png, png_const_charp text);
/// libpng's warning callback: warnings are ignored.
void cpng_on_warning(png_structp png, png_const_charp text);

#endif
