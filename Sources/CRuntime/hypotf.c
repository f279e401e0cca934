#include "glibc_floor.h"

// hypot, hypotf: GLIBC_2.35 on current glibc; sqrt has had one version since 2.2.5.
// In double precision the squares of any two floats neither overflow nor underflow to zero
// where the result is representable, and the one rounding to float is as good as glibc's.
float hypotf(float x, float y) {
    // C17 F.10.4.3: hypot(±inf, y) is +inf even when y is a NaN.
    if (__builtin_isinf(x) || __builtin_isinf(y)) {
        return __builtin_inff();
    }
    double wide_x = (double)x;
    double wide_y = (double)y;
    return (float)__builtin_sqrt(wide_x * wide_x + wide_y * wide_y);
}
