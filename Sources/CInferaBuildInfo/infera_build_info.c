#include "infera_build_info.h"

// Writable (.data), 256 bytes, so the release script can patch it in place after linking.
// The marker is 24 bytes; the payload (at most 231 bytes + NUL) follows it.
char infera_build_stamp[256] = "@@INFERA-BUILD-STAMP@@v1";

const char *infera_build_info(void) {
    // A volatile read so the compiler cannot fold the (still empty) payload away.
    volatile char *p = infera_build_stamp;
    return (const char *)(p + 24);
}
