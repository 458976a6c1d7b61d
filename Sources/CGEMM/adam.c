// Adam's update (see cgemm.h for the arithmetic). Memory-bound at best: each element reads four
// floats and writes three, so the point of the AVX path is to keep the arithmetic (a square root
// and a division per element) below the memory time, which SSE pairs and Newton steps did not.

#include "cgemm.h"
#include <float.h>
#include <math.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)   // both paths: products and sums rounded separately

static inline void adam_one(float *w, float *m, float *v, const float *g, float stepSize, float beta1,
                            float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon,
                            float inverseC2, float l2) {
    float gi = *g + l2 * *w;
    float mi = beta1 * *m + oneMinusBeta1 * gi;
    float vi = beta2 * *v + oneMinusBeta2 * gi * gi;
    if (mi < FLT_MIN && mi > -FLT_MIN) mi = 0;
    if (vi < FLT_MIN) vi = 0;
    *m = mi;
    *v = vi;
    *w = *w - stepSize * mi / (sqrtf(vi * inverseC2) + epsilon);
}

#if defined(__x86_64__)
__attribute__((target("avx2")))
static long adam_avx(float *w, float *m, float *v, const float *g, long count, float stepSize, float beta1,
                     float oneMinusBeta1, float beta2, float oneMinusBeta2, float epsilon, float inverseC2,
                     float l2) {
    const __m256 b1 = _mm256_set1_ps(beta1), c1 = _mm256_set1_ps(oneMinusBeta1);
    const __m256 b2 = _mm256_set1_ps(beta2), c2 = _mm256_set1_ps(oneMinusBeta2);
    const __m256 eps = _mm256_set1_ps(epsilon), inv = _mm256_set1_ps(inverseC2);
    const __m256 lambda = _mm256_set1_ps(l2), step = _mm256_set1_ps(stepSize);
    const __m256 tiny = _mm256_set1_ps(FLT_MIN), minusTiny = _mm256_set1_ps(-FLT_MIN);
    long i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 wi = _mm256_loadu_ps(w + i), gi = _mm256_loadu_ps(g + i);
        __m256 mi = _mm256_loadu_ps(m + i), vi = _mm256_loadu_ps(v + i);
        gi = _mm256_add_ps(gi, _mm256_mul_ps(lambda, wi));
        mi = _mm256_add_ps(_mm256_mul_ps(b1, mi), _mm256_mul_ps(c1, gi));
        vi = _mm256_add_ps(_mm256_mul_ps(b2, vi), _mm256_mul_ps(_mm256_mul_ps(c2, gi), gi));
        __m256 smallM = _mm256_and_ps(_mm256_cmp_ps(mi, tiny, _CMP_LT_OQ), _mm256_cmp_ps(mi, minusTiny, _CMP_GT_OQ));
        mi = _mm256_andnot_ps(smallM, mi);
        vi = _mm256_andnot_ps(_mm256_cmp_ps(vi, tiny, _CMP_LT_OQ), vi);
        __m256 denominator = _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(vi, inv)), eps);
        wi = _mm256_sub_ps(wi, _mm256_div_ps(_mm256_mul_ps(step, mi), denominator));
        _mm256_storeu_ps(w + i, wi);
        _mm256_storeu_ps(m + i, mi);
        _mm256_storeu_ps(v + i, vi);
    }
    return i;
}
#endif

void cgemm_adam_step(cgemm_kernel kernel, float *w, float *m, float *v, const float *g, long count,
                     float stepSize, float beta1, float beta2, float epsilon, float inverseC2, float l2) {
    const float oneMinusBeta1 = 1 - beta1, oneMinusBeta2 = 1 - beta2;
    long i = 0;
#if defined(__x86_64__)
    if (kernel == CGEMM_AVX2_FMA)
        i = adam_avx(w, m, v, g, count, stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, inverseC2, l2);
#else
    (void)kernel;
#endif
    for (; i < count; i++)
        adam_one(w + i, m + i, v + i, g + i, stepSize, beta1, oneMinusBeta1, beta2, oneMinusBeta2, epsilon, inverseC2, l2);
}
