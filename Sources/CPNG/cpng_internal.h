// What the decoder (cpng.c) and the encoder (cpng_encode.c) share: the error context and libpng's
// error and warning callbacks. Private to this target (not under include/).
#ifndef CPNG_INTERNAL_H
#define CPNG_INTERNAL_H
#include <png.h>
#include <stddef.h>

/// Error context shared with libpng's callbacks: where to copy the message.
typedef struct cpng_error {
    char *message;
    size_t capacity;
} cpng_error;

/// Copies `text` into `message` (at most `capacity` bytes, always NUL-terminated).
void cpng_copy_message(char *message, size_t capacity, const char *text);
/// libpng's error callback: copies the message and longjmps back to the setjmp of the caller.
void cpng_on_error(png_structp png, png_const_charp text);
/// libpng's warning callback: warnings are ignored.
void cpng_on_warning(png_structp png, png_const_charp text);

#endif
