#!/usr/bin/env bash
# Builds dist/orchestrator-client_<version>_<arch>.deb from a release binary, with dpkg-deb alone (no debhelper,
# no source package: there is nothing to build from a Debian source tree), then runs lintian on it when installed.
#
#   scripts/build-deb.sh BINARY [DIST_DIR]         (make deb builds BINARY first)
#
# Needs: dpkg-deb (dpkg), binutils; lintian to check the result (scripts/packages.txt).
set -euo pipefail
source "$(dirname "$0")/release-common.sh"

binary=${1:?usage: build-deb.sh BINARY [DIST_DIR]}
dist=${2:-$repo_root/dist}
packaging=$repo_root/packaging/deb
package=orchestrator-client

# The epoch (release-common.sh says why) is in the version, not in the file name.
deb_version=$epoch:$version
check_changelog_version
maintainer=$(changelog_maintainer)
arch=$(architecture)

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/debian/$package           # where dh_* tools would stage it
doc=$root/usr/share/doc/$package
umask 022

# --- files ---------------------------------------------------------------------------------------------------------
stage_package_files "$binary" "$root" /usr/share/zsh/vendor-completions "$doc"
install -D -m 644 "$packaging/copyright" "$doc/copyright"
# A native package (no Debian revision): its changelog is changelog.gz, not changelog.Debian.gz.
install -D -m 644 "$changelog" "$doc/changelog"
gzip -9n "$doc/changelog"
install -D -m 644 "$packaging/lintian-overrides" "$root/usr/share/lintian/overrides/$package"

# --- control -------------------------------------------------------------------------------------------------------
# Depends: libc6 (below), plus libcurl, which no tool can see because it is loaded with dlopen.
# 7.61.1 (RHEL 8's) is the oldest libcurl supported: every function the transport binds is there (curl_multi_poll,
# 7.66.0, is used when present, else curl_multi_wait, 7.28.0), and every option or information newer than it
# (CURLOPT_PROTOCOLS_STR 7.85.0, CURLOPT_QUICK_EXIT 7.87.0, CURLOPT_HTTP09_ALLOWED 7.64.0) is used only when the loaded
# libcurl's version has it (Sources/OrchestratorClientKit/Transport/LibcurlFeatures.swift; README, "libcurl
# versions"). On Debian and Ubuntu that admits every libcurl4: Ubuntu 20.04's 7.68.0, Debian 11's 7.74.0, Ubuntu
# 22.04's 7.81.0, Debian 12's 7.88.1. Debian 13 and Ubuntu 24.04 call the package libcurl4t64 (after the 64-bit
# time_t transition); naming both leaves nothing to a virtual package.
libcurl_minimum=7.61.1
mkdir -p "$root/DEBIAN"
# libc6: the newest glibc symbol version the binary binds (check-binary.sh, run on it above, allows only glibc's own
# libraries as NEEDED, so libc6 is the only other dependency). Not dpkg-shlibdeps: it reads the building machine's
# symbols files, and Debian 12's say libpthread.so.0 needs libc6 (>= 2.34) whatever the binary binds, which no
# Debian 11 or Ubuntu 20.04 host could meet.
glibc_bound=$(objdump -T "$root/usr/bin/orchestrator-client" | grep -o 'GLIBC_2\.[0-9.]*' | sort -u -V | tail -n 1)
shlibs="libc6 (>= ${glibc_bound#GLIBC_})"
depends="$shlibs, libcurl4 (>= $libcurl_minimum) | libcurl4t64 (>= $libcurl_minimum)"

# orchestrator's bash client is a package of this very name, which a newer version upgrades in place (dpkg takes
# over its /usr/bin/orchestrator-client): no relation is needed for it. Its `Depends: jq` goes with it (apt
# autoremove offers jq if nothing else needs it). Percona ships the same script as percona-orchestrator-client
# (the name in Percona's repositories), holding /usr/bin/orchestrator-client too: control.in's Conflicts and
# Replaces let apt remove it and take the file over instead of failing on it. No Breaks or Provides: this package
# is not Percona's, so a dependency on Percona's name is left to Percona's package.
installed_size=$(find "$root/usr" -type f -printf '%s\n' | awk '{ kib += int(($1 + 1023) / 1024) } END { print kib }')
# Filled in by bash, not sed: the values hold |, / and & (Depends alternatives, the maintainer's address).
control=$(<"$packaging/control.in")
control=${control//@VERSION@/$deb_version}
control=${control//@ARCHITECTURE@/$arch}
control=${control//@MAINTAINER@/$maintainer}
control=${control//@INSTALLED_SIZE@/$installed_size}
control=${control//@DEPENDS@/$depends}
printf '%s\n' "$control" >"$root/DEBIAN/control"
(cd "$root" && find usr -type f | LC_ALL=C sort | xargs md5sum) >"$root/DEBIAN/md5sums"
chmod 644 "$root/DEBIAN/control" "$root/DEBIAN/md5sums"

# --- build and check -----------------------------------------------------------------------------------------------
mkdir -p "$dist"
deb=$dist/${package}_${version}_${arch}.deb
# root:root whoever builds; SOURCE_DATE_EPOCH clamps the timestamps.
dpkg-deb --root-owner-group -Zxz --build "$root" "$deb" >/dev/null
write_checksums "$dist"
echo "built $deb ($(du -k "$deb" | cut -f1) KiB, Installed-Size $installed_size KiB)"
echo "Depends: $depends"
print_runtime_requirements "$root/usr/bin/orchestrator-client"

# lintian: no error and no warning (each one that stays is overridden in packaging/deb/lintian-overrides with its
# reason). Skipped with a note when lintian is missing, so a package can still be built without it.
if command -v lintian >/dev/null 2>&1; then
    echo "lintian $deb:"
    lintian --fail-on error,warning --display-info --show-overrides "$deb"
    echo "lintian: no errors, no warnings"
else
    echo "lintian not installed (apt-get install lintian): the package was not checked" >&2
fi
