#ifndef CPNG_H
#define CPNG_H
// placeholder; replaced by the decoder work
int cpng_version(void);
#endif
