// The libpng boundary. See cpng.h for why it exists: setjmp/longjmp stay on this side.
#include "cpng.h"
#include "cpng_internal.h"
#include <png.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>

// Rows and columns libpng itself accepts (its own sanity limit, before our pixel budget).
#define CPNG_MAX_SIDE 1000000u
// Largest ancillary chunk (iCCP, zTXt, …) we let libpng buffer: guards against absurd lengths.
#define CPNG_CHUNK_MALLOC_MAX (16u * 1024u * 1024u)

struct cpng_decoder {
    png_structp png;
    png_infop info;
    cpng_source source;
    cpng_error error;
    cpng_info facts;
    cpng_layout layout;  ///< the stored layout, for cpng_classify
    uint32_t next_row;   ///< rows already delivered by cpng_decoder_read_rows
    uint8_t *row_bytes;  ///< one 8-bit row for cpng_decoder_read_rows (NULL until needed)
};

void cpng_copy_message(char *message, size_t capacity, const char *text) {
    if (message == NULL || capacity == 0) return;
    if (text == NULL) text = "unknown libpng error";
    strncpy(message, text, capacity - 1);
    message[capacity - 1] = '\0';
}

// libpng's error callback: keep the message, then jump back to the active setjmp (never returns).
void cpng_on_error(png_structp png, png_const_charp text) {
    cpng_error *error = (cpng_error *)png_get_error_ptr(png);
    if (error != NULL) cpng_copy_message(error->message, error->capacity, text);
    png_longjmp(png, 1);
}

// Warnings (e.g. a bad CRC in an ancillary chunk) do not stop decoding; the library stays silent.
void cpng_on_warning(png_structp png, png_const_charp text) {
    (void)png;
    (void)text;
}

// Memory read callback: running out of bytes is a truncated file.
static void cpng_read_memory(png_structp png, png_bytep out, size_t count) {
    cpng_source *source = (cpng_source *)png_get_io_ptr(png);
    if (source->size - source->position < count) {
        source->ran_out = 1;
        png_error(png, "cpng: file ends early");
    }
    memcpy(out, source->data + source->position, count);
    source->position += count;
}

void cpng_decoder_free(cpng_decoder *decoder) {
    if (decoder == NULL) return;
    png_destroy_read_struct(&decoder->png, &decoder->info, NULL);
    free(decoder->row_bytes);
    free(decoder);
}

int cpng_decoder_open(const uint8_t *data, size_t size, uint64_t pixel_limit,
                      cpng_decoder **out, cpng_info *info, char *message, size_t message_capacity) {
    *out = NULL;
    if (size < 8 || png_sig_cmp(data, 0, 8) != 0) {
        cpng_copy_message(message, message_capacity, "not a PNG signature");
        return CPNG_NOT_PNG;
    }
    cpng_decoder *decoder = calloc(1, sizeof(cpng_decoder));
    if (decoder == NULL) {
        cpng_copy_message(message, message_capacity, "out of memory");
        return CPNG_NO_MEMORY;
    }
    decoder->source = (cpng_source){ data, size, 0, 0 };
    decoder->error = (cpng_error){ message, message_capacity };
    decoder->png = png_create_read_struct(PNG_LIBPNG_VER_STRING, &decoder->error,
                                          cpng_on_error, cpng_on_warning);
    if (decoder->png == NULL) {
        free(decoder);
        cpng_copy_message(message, message_capacity, "out of memory");
        return CPNG_NO_MEMORY;
    }
    decoder->info = png_create_info_struct(decoder->png);
    if (decoder->info == NULL) {
        cpng_decoder_free(decoder);
        cpng_copy_message(message, message_capacity, "out of memory");
        return CPNG_NO_MEMORY;
    }
    png_structp png = decoder->png;
    png_infop pinfo = decoder->info;
    if (setjmp(png_jmpbuf(png))) {
        int status = cpng_classify(&decoder->source, &decoder->layout, message, message_capacity);
        cpng_decoder_free(decoder);
        return status;
    }
    png_set_read_fn(png, &decoder->source, cpng_read_memory);
    png_set_user_limits(png, CPNG_MAX_SIDE, CPNG_MAX_SIDE);
    png_set_chunk_malloc_max(png, CPNG_CHUNK_MALLOC_MAX);
    // Critical chunks (IHDR, PLTE, IDAT, IEND) with a bad CRC are errors; ancillary ones
    // (tEXt, gAMA, …) are dropped with a warning so a damaged comment does not lose the image.
    png_set_crc_action(png, PNG_CRC_DEFAULT, PNG_CRC_WARN_DISCARD);
    // Skip every ancillary chunk but tRNS unread: the decode uses only IHDR, PLTE, tRNS and IDAT
    // (samples as stored, so no gAMA/iCCP/sBIT), and libpng's oversize check on a chunk length is
    // only a warning, so a 200-byte file whose tEXt claims 1.9 GB made libpng allocate and clear
    // 1.9 GB before noticing the file ends (found by fuzz/png_fuzzer.c).
    png_set_keep_unknown_chunks(png, PNG_HANDLE_CHUNK_NEVER, NULL, -1);
    png_read_info(png, pinfo);

    png_uint_32 width = png_get_image_width(png, pinfo);
    png_uint_32 height = png_get_image_height(png, pinfo);
    int bit_depth = png_get_bit_depth(png, pinfo);
    // From here libpng reads image data: its errors are classified against the stored layout.
    decoder->layout = (cpng_layout){ width, height, bit_depth * png_get_channels(png, pinfo),
                                     png_get_interlace_type(png, pinfo) != PNG_INTERLACE_NONE, 1 };
    // The pixel budget, checked before any pixel buffer exists.
    if ((uint64_t)width * (uint64_t)height > pixel_limit) {
        decoder->facts = (cpng_info){ width, height, 0, 0, 0 };
        *info = decoder->facts;
        cpng_decoder_free(decoder);
        cpng_copy_message(message, message_capacity, "image exceeds the pixel limit");
        return CPNG_TOO_LARGE;
    }

    // Samples as stored: expand palette / low bit depths / tRNS, keep 16 bits, no gamma.
    png_set_expand(png);  // palette → RGB, grey 1/2/4 → 8, tRNS → alpha
    if (png_get_valid(png, pinfo, PNG_INFO_tRNS)) png_set_tRNS_to_alpha(png);
#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    if (bit_depth == 16) png_set_swap(png);  // PNG stores big-endian; Swift wants host order
#endif
    int interlaced = decoder->layout.interlaced;
    (void)png_set_interlace_handling(png);
    png_read_update_info(png, pinfo);

    decoder->facts = (cpng_info){
        width, height,
        (int)png_get_channels(png, pinfo),
        (int)png_get_bit_depth(png, pinfo),
        interlaced
    };
    *info = decoder->facts;
    *out = decoder;
    return CPNG_OK;
}

int cpng_decoder_read(cpng_decoder *decoder, uint16_t *samples, size_t sample_count,
                      char *message, size_t message_capacity) {
    cpng_info facts = decoder->facts;
    size_t row_samples = (size_t)facts.width * (size_t)facts.channels;
    if (sample_count != row_samples * facts.height) {
        cpng_copy_message(message, message_capacity, "sample buffer has the wrong size");
        return CPNG_USAGE;
    }
    png_structp png = decoder->png;
    decoder->error = (cpng_error){ message, message_capacity };
    // Volatile: modified between setjmp and a possible longjmp, freed after it.
    uint8_t *volatile scratch = NULL;
    if (setjmp(png_jmpbuf(png))) {
        free(scratch);
        return cpng_classify(&decoder->source, &decoder->layout, message, message_capacity);
    }
    if (facts.bit_depth == 16) {
        // 16-bit rows land straight in the caller's buffer (already host order).
        png_bytep *rows = malloc(sizeof(png_bytep) * (facts.height ? facts.height : 1));
        scratch = (uint8_t *)rows;
        if (rows == NULL) {
            cpng_copy_message(message, message_capacity, "out of memory");
            return CPNG_NO_MEMORY;
        }
        for (uint32_t y = 0; y < facts.height; y++) rows[y] = (png_bytep)(samples + (size_t)y * row_samples);
        png_read_image(png, rows);
    } else if (!facts.interlaced) {
        // 8-bit, progressive: one row buffer, widened row by row.
        scratch = malloc(row_samples ? row_samples : 1);
        if (scratch == NULL) {
            cpng_copy_message(message, message_capacity, "out of memory");
            return CPNG_NO_MEMORY;
        }
        for (uint32_t y = 0; y < facts.height; y++) {
            png_read_row(png, scratch, NULL);
            uint16_t *target = samples + (size_t)y * row_samples;
            for (size_t i = 0; i < row_samples; i++) target[i] = scratch[i];
        }
    } else {
        // 8-bit Adam7: the passes revisit rows, so decode the whole image then widen.
        // One block holds the row pointers and the pixels, so a longjmp frees everything.
        size_t total = row_samples * facts.height;
        size_t pointers = sizeof(png_bytep) * (size_t)facts.height;
        scratch = malloc(pointers + total + 1);
        if (scratch == NULL) {
            cpng_copy_message(message, message_capacity, "out of memory");
            return CPNG_NO_MEMORY;
        }
        png_bytep *rows = (png_bytep *)scratch;
        uint8_t *pixels = scratch + pointers;
        for (uint32_t y = 0; y < facts.height; y++) rows[y] = pixels + (size_t)y * row_samples;
        png_read_image(png, rows);
        for (size_t i = 0; i < total; i++) samples[i] = pixels[i];
    }
    // No png_read_end: the pixels are complete (the last IDAT's CRC was checked when its data
    // ran out), and trailing chunks or a missing IEND should not cost the user the image.
    free(scratch);
    return CPNG_OK;
}

int cpng_decoder_read_rows(cpng_decoder *decoder, uint16_t *samples, uint32_t rows,
                           char *message, size_t message_capacity) {
    cpng_info facts = decoder->facts;
    if (facts.interlaced || rows > facts.height - decoder->next_row) {
        cpng_copy_message(message, message_capacity, "rows requested past the end or from an interlaced image");
        return CPNG_USAGE;
    }
    size_t row_samples = (size_t)facts.width * (size_t)facts.channels;
    if (facts.bit_depth != 16 && decoder->row_bytes == NULL) {
        decoder->row_bytes = malloc(row_samples ? row_samples : 1);
        if (decoder->row_bytes == NULL) {
            cpng_copy_message(message, message_capacity, "out of memory");
            return CPNG_NO_MEMORY;
        }
    }
    png_structp png = decoder->png;
    decoder->error = (cpng_error){ message, message_capacity };
    if (setjmp(png_jmpbuf(png))) {
        return cpng_classify(&decoder->source, &decoder->layout, message, message_capacity);
    }
    for (uint32_t r = 0; r < rows; r++) {
        uint16_t *target = samples + (size_t)r * row_samples;
        if (facts.bit_depth == 16) {
            png_read_row(png, (png_bytep)target, NULL);
        } else {
            png_read_row(png, decoder->row_bytes, NULL);
            for (size_t i = 0; i < row_samples; i++) target[i] = decoder->row_bytes[i];
        }
        decoder->next_row++;
    }
    return CPNG_OK;
}
