# Builds and installs orchestrator-client, its shell completions and its man page.
#
#   make install PREFIX=/usr/local
#   make install PREFIX=/usr DESTDIR=$(pwd)/debian/tmp      # staging, for packages
#   make uninstall PREFIX=/usr/local
#   make deb                   # dist/orchestrator-client_<version>_<arch>.deb, checked by lintian
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
# Issue 14, the command line at the floor (bench/profile-notes.md, build-support/README.md): with the Swift runtime
# static, libstdc++ and libgcc are linked statically too (a linker script makes the runtime's own `-lstdc++` take
# the archive), and lld lays out the functions start-up runs together. Added whenever SWIFT_BUILD_FLAGS links the
# runtime statically (a dynamic libswiftCore.so loads libstdc++.so itself); bench/run.sh uses the same flags.
RELEASE_LINK_FLAGS = -Xswiftc -L -Xswiftc $(CURDIR)/build-support/static-libstdc++ \
	-Xswiftc -Xclang-linker -Xswiftc -static-libgcc -Xswiftc -use-ld=lld \
	-Xlinker --symbol-ordering-file=$(CURDIR)/build-support/startup-order.txt -Xlinker --no-warn-symbol-ordering \
	$(if $(GLIBC_HAS_RELR),-Xlinker -z -Xlinker pack-relative-relocs)
# Packed relative relocations (DT_RELR): the 25,000 pointers the loader relocates at start are described in 5 KB
# rather than 600 KB that every invocation reads (0.7 MiB of RSS). Such a binary needs glibc 2.36 or later, so they
# are used only when the building machine's glibc has them: a binary runs where it was built, or on a newer glibc.
GLIBC_HAS_RELR := $(shell getconf GNU_LIBC_VERSION 2>/dev/null | \
	awk '{ split($$2, v, "."); if (v[1] > 2 || (v[1] == 2 && v[2] >= 36)) print "yes" }')
BUILD_FLAGS = $(SWIFT_BUILD_FLAGS) $(if $(filter --static-swift-stdlib,$(SWIFT_BUILD_FLAGS)),$(RELEASE_LINK_FLAGS))
INSTALL ?= install

# Release files go here; scripts/build-deb.sh and scripts/build-dist.sh say what they hold and why. They take the
# version from the file VERSION, the one place it is written (ClientVersion.swift must match: a test checks, and so
# do the scripts, on the binary they ship).
DIST_DIR ?= dist
BIN_PATH = $$($(SWIFT) build -c release $(BUILD_FLAGS) --show-bin-path)

.PHONY: all build generate install uninstall deb dist clean-dist print-build-flags

all: build

build:
	$(SWIFT) build -c release --product orchestrator-client $(BUILD_FLAGS)

generate:
	$(SWIFT) run generate-files .

# The flags of the release build, for bench/run.sh and bench/startup-order.sh (one place for them).
print-build-flags:
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

# Both release files start from the binary `install` installs; the scripts strip it and check its --version.
deb: build
	bash scripts/build-deb.sh "$(BIN_PATH)/orchestrator-client" "$(DIST_DIR)"

dist: build
	bash scripts/build-dist.sh "$(BIN_PATH)/orchestrator-client" "$(DIST_DIR)"

clean-dist:
	rm -rf "$(DIST_DIR)"
