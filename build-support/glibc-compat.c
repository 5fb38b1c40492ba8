/*
 * Linked into the release binary only (the Makefile compiles it; the debug build and the tests do without).
 * The binary is linked against Debian 11's glibc 2.31 and GCC 10's static runtime (scripts/make-sysroot.sh), while
 * the toolchain's static Swift runtime was compiled on a newer system. This file fills the two gaps that leaves,
 * so that the binary binds nothing newer than GLIBC_2.28 (RHEL 8) — scripts/check-binary.sh verifies it:
 *
 * 1. glibc 2.29 gave exp, exp2, log and log2 new symbol versions (faster code, no SVID error handling). Linked
 *    against 2.31 the Swift runtime's calls would bind those. These definitions, hidden so that the executable
 *    exports nothing, take the runtime's calls and forward them to the GLIBC_2.2.5 versions, which every glibc has;
 *    for every argument the client can pass (finite values) both return the same results.
 * 2. The Swift runtime was compiled against GCC 12's C++ headers, which call std::__throw_bad_array_new_length
 *    (GCC 11); GCC 10's libstdc++.a lacks it. It is reached only when a C++ `new[]` is asked for more elements than
 *    fit in memory; an exception there would end the process uncaught, so this ends it the same way, with a message.
 *
 * The rest of the newer symbols are handled by the sysroot itself: fstat, stat and friends come from glibc 2.31's
 * libc_nonshared.a (as calls to __fxstat@GLIBC_2.2.5), the pthread and dl functions from libpthread and libdl.
 */
#include <stdio.h>
#include <stdlib.h>

#define OCC_OLD_VERSION(name)                                                                     \
    __asm__(".symver occ_glibc225_" #name ", " #name "@GLIBC_2.2.5");                            \
    extern double occ_glibc225_##name(double);                                                    \
    __attribute__((visibility("hidden"))) double name(double x) { return occ_glibc225_##name(x); }

OCC_OLD_VERSION(exp)
OCC_OLD_VERSION(exp2)
OCC_OLD_VERSION(log)
OCC_OLD_VERSION(log2)

/* std::__throw_bad_array_new_length(), by its mangled name (this file is C). */
__attribute__((visibility("hidden"), noreturn)) void _ZSt28__throw_bad_array_new_lengthv(void) {
    fputs("orchestrator-client: fatal: std::bad_array_new_length\n", stderr);
    abort();
}
