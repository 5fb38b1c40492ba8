#!/usr/bin/env bash
# Builds dist/orchestrator-client-<version>-1.<arch>.rpm from a release binary with rpmbuild alone (no source
# package: nothing is compiled in rpm's build root), then runs rpmlint on it when installed.
#
#   scripts/build-rpm.sh BINARY [DIST_DIR]         (make rpm builds BINARY first)
#
# Needs: rpmbuild (Debian's rpm package), binutils; rpmlint to check the result (scripts/packages.txt).
# packaging/rpm/orchestrator-client.spec.in says what the package declares and why.
set -euo pipefail
source "$(dirname "$0")/release-common.sh"

binary=${1:?usage: build-rpm.sh BINARY [DIST_DIR]}
dist=${2:-$repo_root/dist}
packaging=$repo_root/packaging/rpm
package=orchestrator-client

# Epoch 1, as the .deb (release-common.sh and packaging/rpm/orchestrator-client.spec.in say why).
release=1
check_changelog_version

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
stage=$work/stage                    # the installed tree; rpmbuild's source directory, copied by the spec
# Debian's rpm keeps its database in ~/.rpmdb and creates it on first use, by rpmbuild, rpm -qp and rpmlint alike:
# a home of their own leaves the builder's alone (and keeps its ~/.rpmmacros out of the package).
rpm_home=$work/home
doc=$stage/usr/share/doc/$package
umask 022

# --- files ---------------------------------------------------------------------------------------------------------
# The places Fedora and RHEL use: zsh's site-functions (the .deb has Debian's vendor-completions), the license in
# /usr/share/licenses/ (%license), the documentation uncompressed in /usr/share/doc/orchestrator-client/.
stage_package_files "$binary" "$stage" /usr/share/zsh/site-functions "$doc"
install -D -m 644 "$repo_root/LICENSE" "$stage/usr/share/licenses/$package/LICENSE"
install -D -m 644 "$repo_root/README.md" "$doc/README.md"
install -D -m 644 "$repo_root/CHANGELOG.md" "$doc/CHANGELOG.md"

# --- spec ----------------------------------------------------------------------------------------------------------
# %changelog from packaging/deb/changelog, the one changelog of the packages: each entry's signature and date
# become rpm's "* Fri Nov 27 2026 Name <address> - 1:4.0.0-1" line, its "  * " items "- " items.
rpm_changelog() {
    local line entry_version="" items=() out=()
    while IFS= read -r line; do
        if [[ $line =~ ^[^[:space:]]+\ \(([^\)]+)\) ]]; then
            entry_version=${BASH_REMATCH[1]}
            items=()
        elif [[ $line =~ ^\ \ \*\ (.*) ]]; then
            items+=("- ${BASH_REMATCH[1]}")
        elif [[ $line =~ ^\ \ \ \ (.*) ]]; then
            items+=("  ${BASH_REMATCH[1]}")
        elif [[ $line =~ ^\ --\ (.*\>)\ \ (.*)$ ]]; then
            [ ${#out[@]} -eq 0 ] || out+=("")
            out+=("* $(LC_ALL=C date -u -d "${BASH_REMATCH[2]}" '+%a %b %d %Y') ${BASH_REMATCH[1]} - $entry_version-$release")
            out+=("${items[@]}")
        fi
    done <"$changelog"
    printf '%s\n' "${out[@]}"
}
spec=$(<"$packaging/orchestrator-client.spec.in")
spec=${spec//@VERSION@/$version}
spec=${spec//@PACKAGER@/$(changelog_maintainer)}
spec=${spec//@CHANGELOG@/$(rpm_changelog)}
printf '%s\n' "$spec" >"$work/$package.spec"

# --- build and check -----------------------------------------------------------------------------------------------
mkdir -p "$dist"
dist=$(cd "$dist" && pwd)
# A build tree of its own (no ~/rpmbuild, no ~/.rpmmacros' _topdir), the package written straight to dist/.
# SOURCE_DATE_EPOCH (release-common.sh) dates the build and clamps the files' mtimes; owners come from %files.
HOME=$rpm_home rpmbuild -bb --quiet \
    --define "_topdir $work/rpmbuild" \
    --define "_sourcedir $stage" \
    --define "_rpmdir $dist" \
    --define "_build_name_fmt %%{NAME}-%%{VERSION}-%%{RELEASE}.%%{ARCH}.rpm" \
    "$work/$package.spec"
rpm=$dist/$package-$version-$release.$(HOME=$rpm_home rpm --eval '%{_arch}').rpm
[ -f "$rpm" ] || { echo "rpmbuild did not write $rpm" >&2; exit 1; }
write_checksums "$dist"
echo "built $rpm ($(du -k "$rpm" | cut -f1) KiB)"
echo "Requires: $(HOME=$rpm_home rpm -qp --requires "$rpm" | grep -v '^rpmlib(' | tr '\n' ' ')"
print_runtime_requirements "$stage/usr/bin/orchestrator-client"

# rpmlint: no error and no warning (each one that stays is filtered in packaging/rpm/orchestrator-client.rpmlintrc
# with its reason). Skipped with a note when rpmlint is missing, so a package can still be built without it.
if command -v rpmlint >/dev/null 2>&1; then
    echo "rpmlint $rpm:"
    lint=$(HOME=$rpm_home rpmlint -r "$packaging/$package.rpmlintrc" "$rpm" 2>&1) || true
    printf '%s\n' "$lint"
    if ! grep -q ' 0 errors, 0 warnings' <<<"$lint"; then
        echo "rpmlint found errors or warnings" >&2
        exit 1
    fi
    echo "rpmlint: no errors, no warnings"
else
    echo "rpmlint not installed (apt-get install rpmlint): the package was not checked" >&2
fi
