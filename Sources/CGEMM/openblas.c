// OpenBLAS found at run time. Debian's libopenblas0-pthread and libopenblas0-openmp install
// /usr/lib/<triplet>/openblas-{pthread,openmp}/libopenblas.so.0 and register it under the
// alternatives name libopenblas.so.0 (and libblas.so.3). libblas.so.3 is accepted only when it is
// OpenBLAS (it exports openblas_get_config): the reference BLAS of libblas3 also has cblas_sgemm,
// but its plain triple loop is slower than the built-in kernel, so it is no reason to switch.

#include "cgemm.h"
#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>

// cblas_sgemm's enums, spelled out so that no cblas.h is needed at build time.
enum { ROW_MAJOR = 101, NO_TRANS = 111, TRANS = 112 };

typedef void (*sgemm_fn)(int, int, int, int, int, int, float, const float *, int, const float *, int,
                         float, float *, int);
typedef void (*set_threads_fn)(int);
typedef char *(*config_fn)(void);

static pthread_once_t once = PTHREAD_ONCE_INIT;
static sgemm_fn sgemm;
static set_threads_fn set_threads;
static char path[512] = "", config[256] = "";
static atomic_int current_threads = 0;   // the last count given to openblas_set_num_threads

static void load(void) {
    static const char *const candidates[] = {
        "libopenblas.so.0",
#if defined(__x86_64__)
        "/usr/lib/x86_64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/x86_64-linux-gnu/openblas-openmp/libopenblas.so.0",
#elif defined(__aarch64__)
        "/usr/lib/aarch64-linux-gnu/openblas-pthread/libopenblas.so.0",
        "/usr/lib/aarch64-linux-gnu/openblas-openmp/libopenblas.so.0",
#endif
        "libopenblas.so", "libblas.so.3", "libopenblas.dylib",
    };
    for (size_t i = 0; i < sizeof candidates / sizeof candidates[0]; i++) {
        void *handle = dlopen(candidates[i], RTLD_NOW | RTLD_LOCAL);
        if (!handle) continue;
        sgemm_fn s = (sgemm_fn)dlsym(handle, "cblas_sgemm");
        set_threads_fn t = (set_threads_fn)dlsym(handle, "openblas_set_num_threads");
        config_fn c = (config_fn)dlsym(handle, "openblas_get_config");
        if (s && t && c) {
            snprintf(path, sizeof path, "%s", candidates[i]);
            snprintf(config, sizeof config, "%s", c());
            set_threads = t;
            sgemm = s;
            return;
        }
        dlclose(handle);
    }
}

int cgemm_openblas_load(void) {
    pthread_once(&once, load);
    return sgemm != NULL;
}

const char *cgemm_openblas_path(void) { return path; }
const char *cgemm_openblas_config(void) { return config; }

void cgemm_openblas_sgemm(int threads, int transA, int transB, long m, long n, long k,
                          float alpha, const float *A, long lda, const float *B, long ldb,
                          float beta, float *C, long ldc) {
    if (threads < 1) threads = 1;
    // OpenBLAS's thread count is one setting of the library; set it only when it changes.
    if (atomic_exchange(&current_threads, threads) != threads) set_threads(threads);
    sgemm(ROW_MAJOR, transA ? TRANS : NO_TRANS, transB ? TRANS : NO_TRANS, (int)m, (int)n, (int)k,
          alpha, A, (int)lda, B, (int)ldb, beta, C, (int)ldc);
}
