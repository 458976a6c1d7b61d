// OpenBLAS's C interface (cblas_sgemm) plus its thread-count control.
#include <cblas.h>
