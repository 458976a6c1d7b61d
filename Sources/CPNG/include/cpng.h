#ifndef CPNG_H
#define CPNG_H
// CPNG: the libpng boundary of the Imaging module.
//
// Why this exists: libpng reports errors with longjmp, and a longjmp must never unwind through
// a Swift frame. Every function here sets its own setjmp point, calls libpng, and returns a plain
// status code plus libpng's message copied into a caller-provided buffer. Nothing png_* leaks
// into this header, so Swift sees only C integers, pointers and the small structs below.

#include <stddef.h>
#include <stdint.h>

/// Status codes returned by every cpng_ function. The shim decides the class of a failure itself
/// (cpng_classify.c: the chunk list, checksums and the zlib stream), never from libpng's wording.
enum {
    CPNG_OK = 0,
    CPNG_NOT_PNG = 1,     ///< the first 8 bytes are not the PNG signature (or fewer than 8 bytes)
    CPNG_LIBPNG = 2,      ///< libpng rejected the data for another reason; the message is libpng's
    CPNG_TOO_LARGE = 3,   ///< width × height exceeds the caller's pixel limit (nothing allocated)
    CPNG_NO_MEMORY = 4,   ///< an allocation failed
    CPNG_USAGE = 5,       ///< the caller passed inconsistent arguments
    CPNG_TRUNCATED = 6,   ///< the data ended before libpng had what it needed (a truncated file)
    CPNG_BAD_CRC = 7,     ///< a critical chunk's CRC does not match its data; the message is the chunk type
    CPNG_BAD_CHUNK = 8,   ///< a chunk declares a length over 2^31 − 1 (PNG spec §5.3)
    CPNG_BAD_DATA = 9,    ///< the image data is corrupt (zlib error, bad filter byte); the message is libpng's
    CPNG_SHORT_DATA = 10  ///< the zlib stream or the IDAT chunks end before the last row
};

/// Header facts after the decoder's transforms (palette → RGB, low bit depths → 8, tRNS → alpha).
typedef struct cpng_info {
    uint32_t width;
    uint32_t height;
    int channels;    ///< 1 grey, 2 grey+alpha, 3 RGB, 4 RGBA
    int bit_depth;   ///< 8 or 16
    int interlaced;  ///< 1 for Adam7
} cpng_info;

/// An open decoder over a memory buffer (opaque; the buffer must outlive it).
typedef struct cpng_decoder cpng_decoder;

/// Opens a decoder over `data`, reads the chunks up to the image data and fills `info`.
/// Refuses with CPNG_TOO_LARGE when width × height > pixel_limit (nothing is allocated then).
/// On success `*out` owns the decoder; release it with cpng_decoder_free. On failure `*out` is NULL.
int cpng_decoder_open(const uint8_t *data, size_t size, uint64_t pixel_limit,
                      cpng_decoder **out, cpng_info *info, char *message, size_t message_capacity);

/// Decodes all pixels into `samples`, which must hold width × height × channels uint16 values.
/// 8-bit samples are widened to uint16; 16-bit samples are in host byte order.
int cpng_decoder_read(cpng_decoder *decoder, uint16_t *samples, size_t sample_count,
                      char *message, size_t message_capacity);

/// Decodes the next `rows` rows of a non-interlaced image into `samples` (rows × width × channels
/// uint16 values, widened and in host order as for cpng_decoder_read), so a caller can stream an
/// image through a resize holding only a band of rows. Returns CPNG_USAGE for an interlaced image
/// or more rows than remain.
int cpng_decoder_read_rows(cpng_decoder *decoder, uint16_t *samples, uint32_t rows,
                           char *message, size_t message_capacity);

/// Releases a decoder (NULL is fine).
void cpng_decoder_free(cpng_decoder *decoder);

/// Encodes an 8-bit image (channels 1–4: grey, grey+alpha, RGB, RGBA), rows packed, into a
/// PNG held in a buffer this library allocates: free `*out_bytes` with cpng_free.
int cpng_encode(const uint8_t *pixels, uint32_t width, uint32_t height, int channels,
                uint8_t **out_bytes, size_t *out_size, char *message, size_t message_capacity);

/// Frees a buffer returned by cpng_encode.
void cpng_free(void *pointer);

#endif
