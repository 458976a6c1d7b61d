// libFuzzer harness for the libpng boundary (Sources/CPNG/cpng.c).
//
// Calls the CPNG functions in the order PNG.decode (Sources/Imaging/PNG.swift) does:
// open with a pixel limit, allocate the sample buffer the header asks for, read, free.
// Small decoded 8-bit images are also re-encoded with cpng_encode and decoded again
// (round trip), which must reproduce the samples exactly.
//
// Build and run: see fuzz/README.md.
#include "cpng.h"
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

// The fuzzing pixel budget: far below the product's 100 megapixels so that the fuzzer
// spends its time on parsing, not on allocating huge (but legal) buffers.
#define FUZZ_PIXEL_LIMIT (4u * 1024u * 1024u)
// Round-trip only small images: encoding is slow relative to the decode being fuzzed.
#define FUZZ_ROUND_TRIP_SAMPLES (64u * 1024u)
#define MESSAGE_CAPACITY 256

// Decodes `data`; on success returns the samples (caller frees) and fills `info`.
static uint16_t *decode(const uint8_t *data, size_t size, cpng_info *info, size_t *count) {
    char message[MESSAGE_CAPACITY];
    message[0] = 0;
    cpng_decoder *decoder = NULL;
    memset(info, 0, sizeof *info);
    int status = cpng_decoder_open(data, size, FUZZ_PIXEL_LIMIT, &decoder, info, message, sizeof message);
    if (status != CPNG_OK) {
        if (decoder != NULL) abort();              // contract: NULL on failure
        if (strnlen(message, sizeof message) == sizeof message) abort();  // message terminated
        return NULL;
    }
    if (decoder == NULL) abort();
    if (info->channels < 1 || info->channels > 4) abort();
    if (info->bit_depth != 8 && info->bit_depth != 16) abort();
    if ((uint64_t)info->width * info->height > FUZZ_PIXEL_LIMIT) abort();  // the limit held
    *count = (size_t)info->width * info->height * (size_t)info->channels;
    uint16_t *samples = malloc((*count ? *count : 1) * sizeof(uint16_t));
    if (samples == NULL) { cpng_decoder_free(decoder); return NULL; }
    status = cpng_decoder_read(decoder, samples, *count, message, sizeof message);
    cpng_decoder_free(decoder);
    if (status != CPNG_OK) { free(samples); return NULL; }
    return samples;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    cpng_info info;
    size_t count = 0;
    uint16_t *samples = decode(data, size, &info, &count);
    if (samples == NULL) return 0;
    if (info.bit_depth == 8) {
        for (size_t i = 0; i < count; i++) if (samples[i] > 255) abort();  // 8-bit samples widened, not garbage
    }
    if (count > 0 && count <= FUZZ_ROUND_TRIP_SAMPLES && info.width > 0 && info.height > 0) {
        uint8_t *pixels = malloc(count);
        if (pixels != NULL) {
            for (size_t i = 0; i < count; i++) pixels[i] = (uint8_t)(info.bit_depth == 8 ? samples[i] : samples[i] >> 8);
            uint8_t *png = NULL;
            size_t png_size = 0;
            char message[MESSAGE_CAPACITY];
            if (cpng_encode(pixels, info.width, info.height, info.channels, &png, &png_size, message, sizeof message) != CPNG_OK) abort();
            cpng_info again;
            size_t again_count = 0;
            uint16_t *decoded = decode(png, png_size, &again, &again_count);
            if (decoded == NULL || again_count != count || again.width != info.width || again.height != info.height
                || again.channels != info.channels || again.bit_depth != 8) abort();
            for (size_t i = 0; i < count; i++) if (decoded[i] != pixels[i]) abort();
            free(decoded);
            cpng_free(png);
            free(pixels);
        }
    }
    free(samples);
    return 0;
}
