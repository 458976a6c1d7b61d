#ifndef CGEMM_H
#define CGEMM_H
// CGEMM: the matrix-product boundary of the Classifier module.
//
// Why this exists: the package must build with only libpng and zlib, so no BLAS header or
// library is named at build time. Products run either on the built-in kernel below (packed,
// register-blocked sgemm; an AVX2+FMA micro-kernel chosen at run time by a CPU check, a
// portable one otherwise) or on OpenBLAS, found with dlopen at run time when it is installed.
// Every function takes row-major buffers and BLAS's meaning of the arguments:
//     C = alpha * op(A) * op(B) + beta * C,   op(A) m x k, op(B) k x n, C m x n,
// op(X) = X or its transpose; lda, ldb, ldc are the stored row lengths. beta == 0 never reads C.

#include <stddef.h>

/// The built-in kernels.
typedef enum {
    CGEMM_PORTABLE = 0,   ///< plain C, vectorised by the compiler for the baseline instruction set
    CGEMM_AVX2_FMA = 1    ///< 6 x 16 micro-kernel in AVX2 + FMA registers (x86-64 CPUs that have them)
} cgemm_kernel;

/// The fastest built-in kernel this CPU can run.
cgemm_kernel cgemm_best_kernel(void);

/// C = alpha * op(A) * op(B) + beta * C with a built-in kernel, on the calling thread.
///
/// Each element of C is computed by the same sequence of operations wherever it lies in C and
/// whatever m and n are: a sum over k in blocks of 256, products added in order of k. So splitting
/// C into row or column slices across threads gives bit-identical results, and a one-row
/// product (one image) equals the same row of a batched one.
void cgemm_sgemm(cgemm_kernel kernel, int transA, int transB, long m, long n, long k,
                 float alpha, const float *A, long lda, const float *B, long ldb,
                 float beta, float *C, long ldc);

/// Loads OpenBLAS (once per process; later calls return the first answer). Returns 1 when
/// `cblas_sgemm`, `openblas_set_num_threads` and `openblas_get_config` were all found.
int cgemm_openblas_load(void);

/// The loaded library's path and `openblas_get_config()` text, e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH
/// NO_AFFINITY Zen MAX_THREADS=64"; empty strings before a successful load.
const char *cgemm_openblas_path(void);
const char *cgemm_openblas_config(void);

/// C = alpha * op(A) * op(B) + beta * C with OpenBLAS on `threads` threads (its own pool).
/// Only after `cgemm_openblas_load()` returned 1.
void cgemm_openblas_sgemm(int threads, int transA, int transB, long m, long n, long k,
                          float alpha, const float *A, long lda, const float *B, long ldb,
                          float beta, float *C, long ldc);

// Adam's update over contiguous parameter buffers (adam.c) lives in this module too: Swift
// cannot ask for AVX registers or the hardware square root and division per function (its
// SIMD8<Float> lowers to pairs of SSE operations, and `squareRoot()` to a `sqrtf` call per lane).

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
