# Builds and installs orchestrator-client, its shell completions and its man page.
#
#   make install PREFIX=/usr/local
#   make install PREFIX=/usr DESTDIR=$(pwd)/debian/tmp      # staging, for packages
#   make uninstall PREFIX=/usr/local
#   make deb                   # dist/orchestrator-client_<version>_<arch>.deb, checked by lintian
#   make rpm                   # dist/orchestrator-client-<version>-1.<arch>.rpm (rpmbuild), checked by rpmlint
#   make dist                  # dist/orchestrator-client-<version>-linux-<arch>.tar.gz and dist/SHA256SUMS
#
# completions/ and man/ are generated from the command and flag tables and checked in;
# `make generate` rewrites them after the tables change.

PREFIX ?= /usr/local
DESTDIR ?=
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man
BASH_COMPLETION_DIR ?= $(PREFIX)/share/bash-completion/completions
# Debian's zsh reads /usr/share/zsh/vendor-completions; elsewhere (/usr/local) site-functions is on $fpath.
ZSH_COMPLETION_DIR ?= $(PREFIX)/share/zsh/$(if $(filter /usr,$(PREFIX)),vendor-completions,site-functions)
FISH_COMPLETION_DIR ?= $(PREFIX)/share/fish/vendor_completions.d

SWIFT ?= swift
# e.g. SWIFT_BUILD_FLAGS="--static-swift-stdlib --scratch-path .build-release"
# The Swift runtime linked statically: ~1.5 ms less start-up and 7 fewer shared libraries per invocation.
# No $$ORIGIN run path: nothing is ever installed beside the binary, and a library dropped next to it must not load.
SWIFT_BUILD_FLAGS ?= --static-swift-stdlib --disable-local-rpath
# The release link, whenever SWIFT_BUILD_FLAGS links the Swift runtime statically (bench/run.sh uses the same flags,
# build-support/README.md says why each is there):
# - one binary for every supported host, glibc 2.28 (RHEL 8) and newer: linked against Debian 11's glibc 2.31 and
#   GCC 10's static runtime (SYSROOT, made by scripts/make-sysroot.sh from build-support/sysroot-packages.txt), plus
#   build-support/glibc-compat.c for the few symbols that would still bind newer versions. The shipping scripts check
#   the result (scripts/check-binary.sh). `make install SYSROOT=` links against this machine's own glibc instead:
#   the binary then runs here and on newer systems only.
# - libstdc++ and libgcc linked statically (a linker script in build-support/link-libs makes the runtime's own
#   `-lstdc++` take the archive; another keeps libutil out of NEEDED), and lld lays out the functions start-up runs
#   together (bench/profile-notes.md). lld skips names of build-support/startup-order.txt the binary no longer has,
#   and --no-warn-symbol-ordering keeps it from listing them at every build: a package test fails instead when more
#   than 5% are missing (build-support/README.md says how to regenerate the list). No packed relative relocations:
#   they need glibc 2.36.
SYSROOT ?= $(CURDIR)/.build-sysroot/bullseye-amd64
COMPAT_OBJECT = $(CURDIR)/.build-sysroot/glibc-compat.o
RELEASE_LINK_FLAGS = -Xswiftc -L -Xswiftc $(CURDIR)/build-support/link-libs \
	-Xswiftc -Xclang-linker -Xswiftc -static-libgcc -Xswiftc -use-ld=lld \
	-Xlinker --symbol-ordering-file=$(CURDIR)/build-support/startup-order.txt -Xlinker --no-warn-symbol-ordering \
	$(if $(SYSROOT),-Xswiftc -Xclang-linker -Xswiftc --sysroot=$(SYSROOT) -Xlinker $(COMPAT_OBJECT))
STATIC_RUNTIME = $(filter --static-swift-stdlib,$(SWIFT_BUILD_FLAGS))
BUILD_FLAGS = $(SWIFT_BUILD_FLAGS) $(if $(STATIC_RUNTIME),$(RELEASE_LINK_FLAGS))
# What the release link needs before it runs (nothing when the runtime is linked dynamically, or SYSROOT is empty).
LINK_INPUTS = $(if $(and $(STATIC_RUNTIME),$(SYSROOT)),sysroot)
INSTALL ?= install

# Release files go here; scripts/build-{deb,rpm,dist}.sh say what they hold and why. They take the
# version from the file VERSION, the one place it is written (ClientVersion.swift must match: a test checks, and so
# do the scripts, on the binary they ship).
DIST_DIR ?= dist
BIN_PATH = $$($(SWIFT) build -c release $(BUILD_FLAGS) --show-bin-path)

.PHONY: all build generate install uninstall deb rpm dist clean-dist print-build-flags sysroot check-binary

all: build

build: $(LINK_INPUTS)
	$(SWIFT) build -c release --product orchestrator-client $(BUILD_FLAGS)

# The sysroot and the compatibility object (both under .build-sysroot/, which git ignores). make-sysroot.sh does
# nothing when SYSROOT already holds build-support/sysroot-packages.txt's packages.
# Silent, and nothing on standard output: `make print-build-flags` runs this first, and its output is read.
sysroot:
	@bash scripts/make-sysroot.sh "$(SYSROOT)"
	@mkdir -p "$(dir $(COMPAT_OBJECT))"
	@$(CC) -O2 -fPIC -fno-builtin -fno-stack-protector -c build-support/glibc-compat.c -o "$(COMPAT_OBJECT)"

# Whether the release binary runs on glibc 2.28 and newer (make deb, rpm and dist check it on what they ship).
check-binary: build
	bash scripts/check-binary.sh "$(BIN_PATH)/orchestrator-client"

generate:
	$(SWIFT) run generate-files .

# The flags of the release build, for bench/run.sh and bench/startup-order.sh (one place for them).
print-build-flags: $(LINK_INPUTS)
	@echo $(BUILD_FLAGS)

install: build
	$(INSTALL) -D -m 755 "$(BIN_PATH)/orchestrator-client" \
		"$(DESTDIR)$(BINDIR)/orchestrator-client"
	$(INSTALL) -D -m 644 completions/orchestrator-client.bash "$(DESTDIR)$(BASH_COMPLETION_DIR)/orchestrator-client"
	$(INSTALL) -D -m 644 completions/_orchestrator-client "$(DESTDIR)$(ZSH_COMPLETION_DIR)/_orchestrator-client"
	$(INSTALL) -D -m 644 completions/orchestrator-client.fish "$(DESTDIR)$(FISH_COMPLETION_DIR)/orchestrator-client.fish"
	$(INSTALL) -D -m 644 man/orchestrator-client.1 "$(DESTDIR)$(MANDIR)/man1/orchestrator-client.1"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/orchestrator-client" \
		"$(DESTDIR)$(BASH_COMPLETION_DIR)/orchestrator-client" \
		"$(DESTDIR)$(ZSH_COMPLETION_DIR)/_orchestrator-client" \
		"$(DESTDIR)$(FISH_COMPLETION_DIR)/orchestrator-client.fish" \
		"$(DESTDIR)$(MANDIR)/man1/orchestrator-client.1"

# The release files all start from the binary `install` installs; the scripts strip it and check its --version.
deb: build
	bash scripts/build-deb.sh "$(BIN_PATH)/orchestrator-client" "$(DIST_DIR)"

rpm: build
	bash scripts/build-rpm.sh "$(BIN_PATH)/orchestrator-client" "$(DIST_DIR)"

dist: build
	bash scripts/build-dist.sh "$(BIN_PATH)/orchestrator-client" "$(DIST_DIR)"

clean-dist:
	rm -rf "$(DIST_DIR)"
