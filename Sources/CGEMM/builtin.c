// The built-in sgemm: the classic packed, register-blocked scheme (Goto & van de Geijn, "Anatomy
// of high-performance matrix multiplication", 2008). C is walked in KC-deep slices of op(A) and
// op(B); each slice of op(B) is packed into NR-wide column strips and each MC-row block of op(A)
// into MR-tall row strips, so the micro-kernel reads both contiguously and keeps an MR x NR tile
// of C in registers for the whole slice. Packing also absorbs the transposes: every combination
// becomes the same contiguous layout. Edges are zero-padded in the packed copies; only the valid
// part of a tile is stored.
//
// Arithmetic of one element (the same in every position, see cgemm.h): per KC slice,
// acc = 0; acc = acc + a_p * b_p for p in order (one fused multiply-add in the AVX2 kernel,
// a product then a sum in the portable one); then c = alpha * acc + beta' * c, beta' = beta for
// the first slice and 1 after it (beta == 0: c = alpha * acc).

#include "cgemm.h"
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#if defined(__x86_64__)
#include <immintrin.h>
#endif

#pragma clang fp contract(off)   // the portable path: products and sums rounded separately

enum { KC = 256, MC = 96, NC = 2048 };

// MARK: - Packing buffers, one pair per thread

typedef struct { float *a, *b; size_t capA, capB; } pack_buffers;

static pthread_key_t buffers_key;
static pthread_once_t buffers_once = PTHREAD_ONCE_INIT;

static void free_buffers(void *p) {
    pack_buffers *buffers = p;
    free(buffers->a);
    free(buffers->b);
    free(buffers);
}

static void make_key(void) { pthread_key_create(&buffers_key, free_buffers); }

/// The calling thread's packing buffers, at least `countA` and `countB` floats, 64-byte aligned;
/// freed when the thread exits. NULL when memory is exhausted.
static pack_buffers *buffers_for(size_t countA, size_t countB) {
    pthread_once(&buffers_once, make_key);
    pack_buffers *buffers = pthread_getspecific(buffers_key);
    if (!buffers) {
        buffers = calloc(1, sizeof *buffers);
        if (!buffers || pthread_setspecific(buffers_key, buffers) != 0) { free(buffers); return NULL; }
    }
    if (countA > buffers->capA) {
        free(buffers->a);
        buffers->a = aligned_alloc(64, (countA * sizeof(float) + 63) / 64 * 64);
        buffers->capA = buffers->a ? countA : 0;
    }
    if (countB > buffers->capB) {
        free(buffers->b);
        buffers->b = aligned_alloc(64, (countB * sizeof(float) + 63) / 64 * 64);
        buffers->capB = buffers->b ? countB : 0;
    }
    return buffers->a && buffers->b ? buffers : NULL;
}

// MARK: - Packing

/// op(A)[i0 ..< i0+mc, p0 ..< p0+kc] into strips of `mr` rows: strip s, depth p, row i at
/// out[s*mr*kc + p*mr + i]; rows past mc are zero.
static void pack_a(int trans, const float *A, long lda, long i0, long p0, long mc, long kc, long mr, float *out) {
    for (long s = 0; s < mc; s += mr) {
        long rows = mc - s < mr ? mc - s : mr;
        for (long p = 0; p < kc; p++) {
            float *o = out + s * kc + p * mr;
            for (long i = 0; i < rows; i++) {
                long r = i0 + s + i, c = p0 + p;
                o[i] = trans ? A[c * lda + r] : A[r * lda + c];
            }
            for (long i = rows; i < mr; i++) o[i] = 0;
        }
    }
}

/// op(B)[p0 ..< p0+kc, j0 ..< j0+nc] into strips of `nr` columns: strip s, depth p, column j at
/// out[s*nr*kc + p*nr + j]; columns past nc are zero.
static void pack_b(int trans, const float *B, long ldb, long p0, long j0, long kc, long nc, long nr, float *out) {
    for (long s = 0; s < nc; s += nr) {
        long cols = nc - s < nr ? nc - s : nr;
        float *o = out + s * kc;
        if (trans) {   // B is n x k: read along k (contiguous), write every nr-th
            for (long j = 0; j < cols; j++) {
                const float *row = B + (j0 + s + j) * ldb + p0;
                for (long p = 0; p < kc; p++) o[p * nr + j] = row[p];
            }
            for (long j = cols; j < nr; j++) for (long p = 0; p < kc; p++) o[p * nr + j] = 0;
        } else {
            for (long p = 0; p < kc; p++) {
                const float *row = B + (p0 + p) * ldb + j0 + s;
                for (long j = 0; j < cols; j++) o[p * nr + j] = row[j];
                for (long j = cols; j < nr; j++) o[p * nr + j] = 0;
            }
        }
    }
}

// MARK: - Micro-kernels

typedef void (*micro_kernel)(long kc, const float *a, const float *b, float *C, long ldc,
                             long mr, long nr, float alpha, float beta);
typedef void (*row_kernel)(long kc, const float *x, const float *B, long ldb, float *c, long n,
                           float alpha, float beta);

/// c = alpha * ab + beta * c over the valid mr x nr part of a tile (ab has row length `ldab`).
#define STORE_TILE(C, ldc, ab, ldab, mr, nr, alpha, beta)                                   \
    for (long i = 0; i < (mr); i++) {                                                       \
        float *c = (C) + i * (ldc);                                                         \
        const float *t = (ab) + i * (ldab);                                                 \
        if ((beta) == 0) { for (long j = 0; j < (nr); j++) c[j] = (alpha) * t[j]; }         \
        else { for (long j = 0; j < (nr); j++) c[j] = (alpha) * t[j] + (beta) * c[j]; }     \
    }

enum { PMR = 4, PNR = 8 };

static void store_portable(float *C, long ldc, const float *ab, long ldab, long mr, long nr, float alpha, float beta) {
    STORE_TILE(C, ldc, ab, ldab, mr, nr, alpha, beta)
}

/// Portable 4 x 8 tile: plain loops the compiler unrolls and vectorises for the baseline ISA.
static void kernel_portable(long kc, const float *a, const float *b, float *C, long ldc,
                            long mr, long nr, float alpha, float beta) {
    float ab[PMR * PNR] = {0};
    for (long p = 0; p < kc; p++, a += PMR, b += PNR)
        for (int i = 0; i < PMR; i++)
            for (int j = 0; j < PNR; j++) ab[i * PNR + j] = ab[i * PNR + j] + a[i] * b[j];
    store_portable(C, ldc, ab, PNR, mr, nr, alpha, beta);
}

/// One row: c_j = alpha * Σ_p x_p B[j, p] + beta * c_j for op(B) = Bᵀ (B is n x k), the
/// matrix–vector product of one image; 8 independent chains per pass, same arithmetic as the tile.
static void row_portable(long kc, const float *x, const float *B, long ldb, float *c, long n, float alpha, float beta) {
    for (long j0 = 0; j0 < n; j0 += 8) {
        long cols = n - j0 < 8 ? n - j0 : 8;
        float acc[8] = {0};
        for (long p = 0; p < kc; p++)
            for (long j = 0; j < cols; j++) acc[j] = acc[j] + x[p] * B[(j0 + j) * ldb + p];
        store_portable(c + j0, 0, acc, 0, 1, cols, alpha, beta);
    }
}

#if defined(__x86_64__)
enum { XMR = 6, XNR = 16 };

#pragma clang fp contract(fast)   // the AVX2 path fuses: c = fma(alpha, acc, beta * c) everywhere

__attribute__((target("avx2,fma"), noinline))
static void store_avx2(float *C, long ldc, const float *ab, long ldab, long mr, long nr, float alpha, float beta) {
    STORE_TILE(C, ldc, ab, ldab, mr, nr, alpha, beta)
}

/// 6 x 16 tile in 12 ymm accumulators: per depth step two loads of B, six broadcasts of A,
/// twelve FMAs (the 2 FMA units of a Zen or Haswell core kept busy).
__attribute__((target("avx2,fma")))
static void kernel_avx2(long kc, const float *a, const float *b, float *C, long ldc,
                        long mr, long nr, float alpha, float beta) {
    __m256 c00 = _mm256_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00,
           c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
    for (long p = 0; p < kc; p++, a += XMR, b += XNR) {
        __m256 b0 = _mm256_load_ps(b), b1 = _mm256_load_ps(b + 8), x;
        x = _mm256_broadcast_ss(a + 0); c00 = _mm256_fmadd_ps(x, b0, c00); c01 = _mm256_fmadd_ps(x, b1, c01);
        x = _mm256_broadcast_ss(a + 1); c10 = _mm256_fmadd_ps(x, b0, c10); c11 = _mm256_fmadd_ps(x, b1, c11);
        x = _mm256_broadcast_ss(a + 2); c20 = _mm256_fmadd_ps(x, b0, c20); c21 = _mm256_fmadd_ps(x, b1, c21);
        x = _mm256_broadcast_ss(a + 3); c30 = _mm256_fmadd_ps(x, b0, c30); c31 = _mm256_fmadd_ps(x, b1, c31);
        x = _mm256_broadcast_ss(a + 4); c40 = _mm256_fmadd_ps(x, b0, c40); c41 = _mm256_fmadd_ps(x, b1, c41);
        x = _mm256_broadcast_ss(a + 5); c50 = _mm256_fmadd_ps(x, b0, c50); c51 = _mm256_fmadd_ps(x, b1, c51);
    }
    float ab[XMR * XNR] __attribute__((aligned(32)));
    _mm256_store_ps(ab + 0, c00);  _mm256_store_ps(ab + 8, c01);
    _mm256_store_ps(ab + 16, c10); _mm256_store_ps(ab + 24, c11);
    _mm256_store_ps(ab + 32, c20); _mm256_store_ps(ab + 40, c21);
    _mm256_store_ps(ab + 48, c30); _mm256_store_ps(ab + 56, c31);
    _mm256_store_ps(ab + 64, c40); _mm256_store_ps(ab + 72, c41);
    _mm256_store_ps(ab + 80, c50); _mm256_store_ps(ab + 88, c51);
    store_avx2(C, ldc, ab, XNR, mr, nr, alpha, beta);
}

/// The matrix–vector product of one image (see row_portable) with the tile's fused arithmetic.
__attribute__((target("avx2,fma")))
static void row_avx2(long kc, const float *x, const float *B, long ldb, float *c, long n, float alpha, float beta) {
    for (long j0 = 0; j0 < n; j0 += 8) {
        long cols = n - j0 < 8 ? n - j0 : 8;
        float acc[8] = {0};
        for (long p = 0; p < kc; p++)
            for (long j = 0; j < cols; j++) acc[j] = __builtin_fmaf(x[p], B[(j0 + j) * ldb + p], acc[j]);
        store_avx2(c + j0, 0, acc, 0, 1, cols, alpha, beta);
    }
}
#pragma clang fp contract(off)
#endif

cgemm_kernel cgemm_best_kernel(void) {
#if defined(__x86_64__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return CGEMM_AVX2_FMA;
#endif
    return CGEMM_PORTABLE;
}

// MARK: - The driver

void cgemm_sgemm(cgemm_kernel kernel, int transA, int transB, long m, long n, long k,
                 float alpha, const float *A, long lda, const float *B, long ldb,
                 float beta, float *C, long ldc) {
    if (m <= 0 || n <= 0) return;
    if (k <= 0 || alpha == 0) {   // C = beta * C (beta == 0 writes zeros, never reads C)
        for (long i = 0; i < m; i++)
            for (long j = 0; j < n; j++) C[i * ldc + j] = beta == 0 ? 0 : beta * C[i * ldc + j];
        return;
    }
    micro_kernel tile = kernel_portable;
    row_kernel row = row_portable;
    long mr = PMR, nr = PNR;
#if defined(__x86_64__)
    if (kernel == CGEMM_AVX2_FMA) { tile = kernel_avx2; row = row_avx2; mr = XMR; nr = XNR; }
#endif
    if (m == 1 && transB) {   // one image through a layer: no packing, nothing allocated
        const float *x = A;   // op(A) is 1 x k; with transA its k values are lda apart
        float column[KC];
        for (long p0 = 0; p0 < k; p0 += KC) {
            long kc = k - p0 < KC ? k - p0 : KC;
            if (transA) { for (long p = 0; p < kc; p++) column[p] = A[(p0 + p) * lda]; x = column; }
            else x = A + p0;
            row(kc, x, B + p0, ldb, C, n, alpha, p0 == 0 ? beta : 1);
        }
        return;
    }
    long mcMax = (MC + mr - 1) / mr * mr;
    long ncMax = n < NC ? (n + nr - 1) / nr * nr : NC;
    pack_buffers *buffers = buffers_for((size_t)mcMax * KC, (size_t)ncMax * KC);
    if (!buffers) abort();   // a few hundred kB could not be allocated: nothing sensible is left to do
    for (long j0 = 0; j0 < n; j0 += NC) {
        long nc = n - j0 < NC ? n - j0 : NC;
        for (long p0 = 0; p0 < k; p0 += KC) {
            long kc = k - p0 < KC ? k - p0 : KC;
            float betaSlice = p0 == 0 ? beta : 1;
            pack_b(transB, B, ldb, p0, j0, kc, nc, nr, buffers->b);
            for (long i0 = 0; i0 < m; i0 += MC) {
                long mc = m - i0 < MC ? m - i0 : MC;
                pack_a(transA, A, lda, i0, p0, mc, kc, mr, buffers->a);
                for (long js = 0; js < nc; js += nr) {
                    const float *b = buffers->b + js * kc;
                    long cols = nc - js < nr ? nc - js : nr;
                    for (long is = 0; is < mc; is += mr) {
                        long rows = mc - is < mr ? mc - is : mr;
                        tile(kc, buffers->a + is * kc, b, C + (i0 + is) * ldc + j0 + js, ldc, rows, cols, alpha, betaSlice);
                    }
                }
            }
        }
    }
}
