#ifndef CGEMM_ADAM_H
#define CGEMM_ADAM_H
// Adam's update over contiguous parameter buffers, in C because Swift cannot ask for AVX
// registers or the hardware square root and division per function (its SIMD8<Float> lowers to
// pairs of SSE operations, and `squareRoot()` to a `sqrtf` call per lane).

#include "cgemm.h"

/// For each of the `count` elements, with every product and sum rounded on its own (never fused):
///     g' = g + l2 * w
///     m  = beta1 * m + (1 - beta1) * g'
///     v  = beta2 * v + ((1 - beta2) * g') * g'
///     m, v below the normal range (|m| < FLT_MIN, v < FLT_MIN) are set to 0
///     w  = w - (stepSize * m) / (sqrt(v * inverseC2) + epsilon)
/// where stepSize = eta / c1 and inverseC2 = 1 / c2 carry the bias corrections. `CGEMM_AVX2_FMA`
/// runs eight lanes at a time in AVX registers, `CGEMM_PORTABLE` one element at a time; both
/// round the same operations in the same order (square root and division are correctly rounded
/// in both), so they give the same bits, and so does any split of the buffers.
void cgemm_adam_step(cgemm_kernel kernel, float *w, float *m, float *v, const float *g, long count,
                     float stepSize, float beta1, float beta2, float epsilon, float inverseC2, float l2);

#endif
