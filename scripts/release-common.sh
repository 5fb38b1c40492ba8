# Sourced by build-deb.sh, build-rpm.sh and build-dist.sh: what the release files share.
#
# The version comes from VERSION alone (ClientVersion.current must equal it: a test checks, and so does
# check_binary_version below, on the binary about to be shipped). Timestamps come from SOURCE_DATE_EPOCH, else the
# last commit, so two builds of one commit give the same files.

repo_root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
version=$(tr -d ' \n' <"$repo_root/VERSION")
if ! [[ $version =~ ^[0-9]+\.[0-9]+\.[0-9]+$ ]]; then
    echo "VERSION must be MAJOR.MINOR.PATCH, not \"$version\"" >&2
    exit 1
fi

# The epoch of both packages: orchestrator builds its packages with `fpm --epoch 1`, so its bash client is 1:3.2.6
# and any version without an epoch, 4.0.0 included, would sort below it and never upgrade it. 1:<VERSION> sorts
# above every 1:3.x. File names leave the epoch out, as Debian's and Fedora's do.
epoch=1
# The one changelog of the packages (the .rpm's %changelog is made from it).
changelog=$repo_root/packaging/deb/changelog

# The changelog's newest entry must be this version: a release without an entry is refused.
check_changelog_version() {
    local newest
    newest=$(sed -n '1s/^[^ ]* (\([^)]*\)).*/\1/p' "$changelog")
    if [ "$newest" != "$epoch:$version" ]; then
        echo "packaging/deb/changelog starts at $newest, VERSION says $epoch:$version: add an entry" >&2
        exit 1
    fi
}

# The maintainer (packager) is the one who signed the newest changelog entry.
changelog_maintainer() {
    sed -n 's/^ -- \(.*>\)  .*/\1/p' "$changelog" | head -n 1
}

# Debian's architecture name (amd64, arm64), also used for the tarball as orchestrator's own releases do.
architecture() {
    if command -v dpkg >/dev/null 2>&1; then dpkg --print-architecture; return; fi
    case $(uname -m) in
        x86_64) echo amd64 ;;
        aarch64) echo arm64 ;;
        *) uname -m ;;
    esac
}

if [ -z "${SOURCE_DATE_EPOCH:-}" ]; then
    SOURCE_DATE_EPOCH=$(git -C "$repo_root" log -1 --format=%ct 2>/dev/null || stat -c %Y "$repo_root/VERSION")
fi
export SOURCE_DATE_EPOCH

# Copies the release binary to $2, stripped as dh_strip would (symbols, .comment and .note; the build ID stays).
# Every release file ships this one binary, so it is checked here: glibc 2.28 and newer (scripts/check-binary.sh).
install_stripped_binary() {
    install -D -m 755 "$1" "$2"
    strip --remove-section=.comment --remove-section=.note "$2"
    bash "$repo_root/scripts/check-binary.sh" "$2"
}

# The binary must say the version it is shipped as: catches a stale build or a VERSION not copied to
# ClientVersion.swift. --version also loads libcurl when it can; either way the first two words are checked.
check_binary_version() {
    local said
    said=$("$1" --version) || { echo "$1 --version failed" >&2; exit 1; }
    if [[ $said != "orchestrator-client $version ("* ]]; then
        echo "$1 --version says \"$said\", VERSION says $version: update Sources/OrchestratorClientKit/ClientVersion.swift" >&2
        exit 1
    fi
}

# Stages what every package installs under ROOT: the stripped, checked binary, the completions (zsh's directory is
# the distribution's: Debian's vendor-completions, Fedora's site-functions), the man page gzipped with -9n, and the
# examples in DOC. The profile file is the administrator's: /etc/profile.d/orchestrator-client.sh is never shipped
# (so never replaced or removed, purge included); the example shows what it may hold.
#   stage_package_files BINARY ROOT ZSH_DIR DOC
stage_package_files() {
    local binary=$1 root=$2 zsh_dir=$3 doc=$4
    install_stripped_binary "$binary" "$root/usr/bin/orchestrator-client"
    check_binary_version "$root/usr/bin/orchestrator-client"
    install -D -m 644 "$repo_root/completions/orchestrator-client.bash" "$root/usr/share/bash-completion/completions/orchestrator-client"
    install -D -m 644 "$repo_root/completions/_orchestrator-client" "$root$zsh_dir/_orchestrator-client"
    install -D -m 644 "$repo_root/completions/orchestrator-client.fish" "$root/usr/share/fish/vendor_completions.d/orchestrator-client.fish"
    install -D -m 644 "$repo_root/man/orchestrator-client.1" "$root/usr/share/man/man1/orchestrator-client.1"
    gzip -9n "$root/usr/share/man/man1/orchestrator-client.1"
    install -D -m 644 "$repo_root/examples/profile.d/orchestrator-client.sh" "$doc/examples/orchestrator-client.sh"
    install -D -m 644 "$repo_root/examples/crontab" "$doc/examples/crontab"
}

# Prints what the binary needs from the system it runs on, for README's "runs on" and for people on other
# distributions: its shared libraries (NEEDED) and the newest glibc symbol version it binds. libcurl is not among
# the NEEDED libraries because it is loaded with dlopen on the first request.
print_runtime_requirements() {
    local needed glibc
    needed=$(readelf -d "$1" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
    glibc=$(objdump -T "$1" | grep -o 'GLIBC_[0-9.]*' | sort -u -V | tail -n 1)
    echo "runtime requirements of $(basename "$1") $version ($(architecture)):"
    echo "  shared libraries (NEEDED): ${needed% }"
    echo "  newest glibc symbol version: ${glibc:-none}"
    echo "  and at run time, through dlopen: libcurl.so.4 (libcurl 7.61.1 or later; Debian: libcurl4 or libcurl4t64; RHEL: libcurl or libcurl-minimal)"
}

# dist/SHA256SUMS over every release file in dist/, so `sha256sum -c SHA256SUMS` checks whatever was built.
write_checksums() {
    (
        cd "$1"
        shopt -s nullglob
        files=(orchestrator-client_*.deb orchestrator-client-*.rpm orchestrator-client-*.tar.gz)
        if [ ${#files[@]} -gt 0 ]; then sha256sum "${files[@]}" >SHA256SUMS; fi
    )
}
