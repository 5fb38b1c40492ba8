#!/usr/bin/env bash
# Fails unless BINARY runs on every host the packages are for: glibc 2.28 (RHEL 8) and newer.
#   - no glibc symbol version newer than GLIBC_2.28 (objdump -T), and none of libstdc++'s or libgcc_s' (linked in);
#   - no packed relative relocations (DT_RELR, which needs GLIBC_ABI_DT_RELR: glibc 2.36);
#   - only glibc's own libraries as NEEDED: libc, libm, libdl, libpthread and the loader (libcurl is dlopened).
# Called on every binary that is shipped (release-common.sh's install_stripped_binary: make deb, rpm and dist).
#
#   scripts/check-binary.sh BINARY
set -euo pipefail

binary=${1:?usage: check-binary.sh BINARY}
newest_allowed=2.28
allowed_needed=" libc.so.6 libm.so.6 libdl.so.2 libpthread.so.0 ld-linux-x86-64.so.2 ld-linux-aarch64.so.1 "
problems=()

symbols=$(objdump -T "$binary")
newest=$(grep -o 'GLIBC_2\.[0-9.]*' <<<"$symbols" | sort -u -V | tail -n 1)
newest=${newest#GLIBC_}
if [ -n "$newest" ] && [ "$(printf '%s\n%s\n' "$newest" "$newest_allowed" | sort -V | tail -n 1)" != "$newest_allowed" ]; then
    problems+=("binds glibc symbol versions newer than $newest_allowed:
$(grep -E "GLIBC_2\.(29|[3-9][0-9])" <<<"$symbols" | awk '{ print "    " $(NF-1) " " $NF }' | sort -u)")
fi
if grep -qE 'GLIBCXX_|CXXABI_|GCC_[0-9]' <<<"$symbols"; then
    problems+=("binds libstdc++ or libgcc_s symbols (they must be linked in):
$(grep -E 'GLIBCXX_|CXXABI_|GCC_[0-9]' <<<"$symbols" | awk '{ print "    " $(NF-1) " " $NF }' | sort -u | head -n 10)")
fi
if readelf -V "$binary" | grep -q GLIBC_ABI_DT_RELR || readelf -d "$binary" | grep -q '(RELR)'; then
    problems+=("has packed relative relocations (DT_RELR): they need glibc 2.36")
fi
while read -r library; do
    [[ $allowed_needed == *" $library "* ]] || problems+=("needs $library (NEEDED): only glibc's own libraries may be")
done < <(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p')

if [ ${#problems[@]} -gt 0 ]; then
    echo "$binary would not run on every supported host (glibc $newest_allowed and newer):" >&2
    printf '  - %s\n' "${problems[@]}" >&2
    echo "  The release link (Makefile RELEASE_LINK_FLAGS, build-support/README.md) keeps it within glibc $newest_allowed." >&2
    exit 1
fi
echo "check-binary: $(basename "$binary"): newest glibc symbol version ${newest:-none} (≤ $newest_allowed), no DT_RELR, NEEDED: $(readelf -d "$binary" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')"
