// The class of a libpng failure, decided from the bytes libpng consumed rather than from its words.
//
// libpng reads a memory PNG through cpng_read_memory exactly as the chunks lie (8-byte header, data,
// 4-byte CRC), so `source->position` says how far it got. When libpng has raised an error, the first
// of these that holds is the cause (PNG spec §5.3 chunk layout, §10 zlib data):
//   1. the read callback ran out of bytes                    → CPNG_TRUNCATED
//   2. a consumed chunk header declares a length > 2^31 − 1  → CPNG_BAD_CHUNK (libpng stops at it)
//   3. a consumed critical chunk's CRC does not match        → CPNG_BAD_CRC (critical CRCs are errors;
//      ancillary ones only warnings, see png_set_crc_action in cpng.c, so those are not causes)
//   4. while rows are read: inflating the consumed IDAT data → CPNG_BAD_DATA on a zlib error,
//      CPNG_SHORT_DATA when it ends with fewer bytes than the rows need, CPNG_BAD_DATA otherwise
//      (the data inflates but libpng refused it: a bad filter byte)
//   5. otherwise                                             → CPNG_LIBPNG (libpng's message kept)
#include "cpng.h"
#include "cpng_internal.h"
#include <png.h>
#include <string.h>
#include <zlib.h>

static uint32_t cpng_be32(const uint8_t *bytes) {
    return ((uint32_t)bytes[0] << 24) | ((uint32_t)bytes[1] << 16) | ((uint32_t)bytes[2] << 8) | bytes[3];
}

/// Filtered bytes the rows of the image need: Σ over passes of rows × (1 filter byte + row bytes).
static uint64_t cpng_filtered_size(const cpng_layout *layout) {
    uint64_t total = 0;
    int passes = layout->interlaced ? 7 : 1;
    for (int pass = 0; pass < passes; pass++) {
        uint64_t rows = layout->interlaced ? PNG_PASS_ROWS(layout->height, pass) : layout->height;
        uint64_t columns = layout->interlaced ? PNG_PASS_COLS(layout->width, pass) : layout->width;
        if (rows == 0 || columns == 0) continue;
        total += rows * (1 + (columns * (uint64_t)layout->bits_per_pixel + 7) / 8);
    }
    return total;
}

/// Inflates the consumed IDAT data (chunks from `start`), discarding the output: CPNG_BAD_DATA on a zlib
/// error, CPNG_SHORT_DATA when the zlib stream or the run of IDAT chunks ends before `needed` bytes came
/// out, and CPNG_BAD_DATA when the data inflates without either (libpng refused the rows: a filter byte).
static int cpng_inflate_status(const cpng_source *source, size_t start, uint64_t needed) {
    z_stream stream = { 0 };
    if (inflateInit(&stream) != Z_OK) return CPNG_LIBPNG;
    uint8_t out[16384];
    int status = CPNG_BAD_DATA;
    size_t at = start;
    int more = 1;
    while (more && source->position >= at && source->position - at >= 8) {
        if (memcmp(source->data + at + 4, "IDAT", 4) != 0) {
            status = CPNG_SHORT_DATA;  // libpng read the next chunk's header: the image data ended
            break;
        }
        uint32_t length = cpng_be32(source->data + at);
        size_t available = source->position - at - 8;
        stream.next_in = (Bytef *)(source->data + at + 8);
        stream.avail_in = (uInt)(length < available ? length : available);
        int whole = length <= available;  // the whole chunk was consumed: go on to the next one
        while (more && stream.avail_in > 0) {
            stream.next_out = out;
            stream.avail_out = sizeof out;
            int result = inflate(&stream, Z_NO_FLUSH);
            if (result == Z_NEED_DICT || result == Z_DATA_ERROR || result == Z_STREAM_ERROR || result == Z_MEM_ERROR
                || stream.total_out >= needed) {
                more = 0;  // corrupt compressed data, or enough data that libpng refused
            } else if (result == Z_STREAM_END) {
                status = CPNG_SHORT_DATA;  // the zlib stream ended before the last row
                more = 0;
            } else if (result == Z_BUF_ERROR) {
                break;
            }
        }
        more = more && whole;
        at += 8 + (size_t)length + 4;
    }
    inflateEnd(&stream);
    return status;
}

int cpng_classify(const cpng_source *source, const cpng_layout *layout, char *message, size_t capacity) {
    if (source->ran_out) return CPNG_TRUNCATED;
    size_t consumed = source->position < source->size ? source->position : source->size;
    size_t at = 8, first_idat = 0;
    // Walk the chunks whose header libpng consumed (the signature is 8 bytes).
    while (consumed >= at && consumed - at >= 8) {
        const uint8_t *chunk = source->data + at;
        uint32_t length = cpng_be32(chunk);
        if (length > PNG_UINT_31_MAX) return CPNG_BAD_CHUNK;
        if (first_idat == 0 && memcmp(chunk + 4, "IDAT", 4) == 0) first_idat = at;
        if (consumed - at - 8 < (size_t)length + 4) break;  // data or CRC not consumed yet
        int critical = (chunk[4] & 0x20) == 0;
        uint32_t crc = (uint32_t)crc32(crc32(0L, Z_NULL, 0), chunk + 4, 4 + length);
        if (critical && crc != cpng_be32(chunk + 8 + length)) {
            char type[5] = { (char)chunk[4], (char)chunk[5], (char)chunk[6], (char)chunk[7], 0 };
            cpng_copy_message(message, capacity, type);
            return CPNG_BAD_CRC;
        }
        at += 8 + (size_t)length + 4;
    }
    if (layout->reading_rows && first_idat != 0) {
        return cpng_inflate_status(source, first_idat, cpng_filtered_size(layout));
    }
    return CPNG_LIBPNG;
}
