# vigil: the one entry point. `make` builds .output/vigil (BPF objects -> skeletons -> one
# binary); `make test` runs the unit tests, then the integration and comparison tests;
# `make bench` prints benchmark ratios against peers; `make fuzz` runs the parsers' fuzzers.
# The platform folder of fallback/ and user/port/ is picked here, never with #ifdef in .c files,
# and so are the optional modules: what a platform or a build lacks is a module, not a program.

OUTPUT := .output
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
PLATFORM ?= linux
VERSION := 0.1.0

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wshadow -Wconversion -Wmissing-prototypes \
	-Werror=implicit-function-declaration
CPPFLAGS := -Iuser -Iuser/port/$(PLATFORM) -Ibpf -Ifallback -isystem $(OUTPUT) -D_GNU_SOURCE \
	-DVIGIL_VERSION='"$(VERSION)"'
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -Ibpf/vmlinux/$(ARCH)

# Optional modules, each a set of files with a *_none.c twin that says what is missing:
#   WITH_BPF   the tracer (libbpf, libelf, the BPF skeletons, libmicrohttpd): trace, hist, top,
#              serve, profile, biotop, doctor and the main job; without it, commands_none.c
#              (and a trace that polls the fallback library, cmd_trace_poll.c)
#   WITH_ZLIB  gzip output (--output FILE.gz): sink_gz.c; without it, sink_gz_none.c
#   WITH_MHD   within the tracer, serve's HTTP endpoint (libmicrohttpd) with its TLS and basic
#              auth (gnutls, libyaml, libcrypt): prom/serve.c, prom/web_config.c; without it,
#              prom/serve_none.c, prom/web_config_none.c
WITH_BPF ?= 1
WITH_ZLIB ?= 1
WITH_MHD ?= 1

# The CLI every platform builds: the fallback library's commands (snapshot, ps, proc, pidof,
# net, sys, kill) on the shared option parsing and output stack.  The platform's own bits are in
# user/port/$(PLATFORM).  Everything else in user/ is the tracer module.
USER_BASE := user/cli/cli.c user/cli/parse.c user/cli/status.c \
	$(addprefix user/cli/cmd_,snapshot.c ps.c proc.c net.c sys.c kill.c) \
	$(addprefix user/export/,escape.c export.c export_csv.c export_json.c export_table.c \
		fbjson.c human.c json.c output.c services_out.c sink.c sysctl_out.c) \
	$(addprefix user/core/,log.c record.c stop.c wallclock.c) \
	user/view/net_rate.c user/view/proc_dict.c user/view/ps_table.c user/net/net_addrset.c \
	user/cli/addr_opts.c
USER_NONE := $(wildcard user/*/*_none.c)
USER_MHD := user/prom/serve.c user/prom/web_config.c user/prom/http_dl.c \
	user/probe/probe_modules.c
USER_MHD_NONE := user/prom/serve_none.c user/prom/web_config_none.c \
	user/probe/probe_modules_none.c
USER_TRACER := $(filter-out user/cli/main.c $(USER_BASE) $(USER_NONE) user/export/sink_gz.c \
	$(USER_MHD) user/cli/cmd_trace_poll.c, \
	$(wildcard user/*/*.c))
USER_TRACER_NONE := $(filter-out user/export/sink_gz_none.c $(USER_MHD_NONE),$(USER_NONE)) \
	user/cli/cmd_trace_poll.c
# $(call user_srcs,PLATFORM,WITH_BPF,WITH_ZLIB,WITH_MHD): the user/ files of such a build
user_srcs = $(USER_BASE) $(wildcard user/port/$(1)/*.c) \
	$(if $(filter 1,$(2)),$(USER_TRACER) \
		$(if $(filter 1,$(4)),$(USER_MHD),$(USER_MHD_NONE)),$(USER_TRACER_NONE)) \
	$(if $(filter 1,$(3)),user/export/sink_gz.c,user/export/sink_gz_none.c)

LIBS := $(if $(filter 1,$(WITH_BPF)),-lbpf -lelf -lprotobuf-c) \
	$(if $(filter 1,$(WITH_ZLIB) $(WITH_BPF)),-lz)
# libbpf, libelf and zlib are linked from their static archives and only libc is loaded at
# exec: mapping and relocating four more shared objects cost every command ~30 page faults and
# ~1.5 ms before main() on the development VM, more than `vigil iostat -x` spends on its
# report (docs/benchmarks.md). libm is linked --as-needed (vigil calls none of it now) and not
# statically: its archive's ifunc resolvers need glibc's private _dl_x86_cpu_features, which
# only a fully static link has (the sanitizers' runtimes pull them in). make STATIC_ARCHIVES=
# links them all shared.
STATIC_ARCHIVES ?= 1
LIBS_STATIC := -Wl,-Bstatic $(LIBS) -Wl,-Bdynamic
LDLIBS := $(if $(STATIC_ARCHIVES),$(LIBS_STATIC),$(LIBS)) -Wl,--as-needed -lm -lpthread
# serve's libmicrohttpd, gnutls, libyaml and libcrypt are not linked: user/prom/http_dl.c
# dlopen()s them when serve first needs them, so no other command pays for them at exec.

# `make static`: $(OUTPUT)/vigil-static, one statically linked binary (the fleet command copies
# it to hosts). A static binary cannot dlopen() reliably, so every loader user/*/*_dl.c is left
# out and the libraries it loads are linked from their static archives instead: each loader
# has one STATIC_LIBS_<file> line below (the wrappers have the libraries' own names and
# prototypes, so nothing else changes). A loader without such a line stops the build.
# serve's HTTP endpoint is not in it (WITH_MHD=0 there): Debian's libgnutls.a, which its
# libmicrohttpd.a calls, needs libp11-kit, which Debian ships only as a shared library.
STATIC_MHD ?= 0
# The profiler's libdw and liblzma (user/profile/dw_dl.c, lzma_dl.c): loaded by `vigil profile`
# alone, as libdw's architecture backends added ~11 page faults to every command's exec.
STATIC_LIBS_dw_dl := -ldw -lelf -lbz2 -llzma -lz
STATIC_LIBS_lzma_dl := -llzma
STATIC_LIBS_http_dl := -lmicrohttpd -lgnutls -lhogweed -lnettle -lgmp -ltasn1 -lidn2 \
	-lunistring -lp11-kit -lyaml -lcrypt
# The loaders of libraries only the controlling host needs (libcurl, libldns: probes, mail;
# libssh, Jansson: the fleet; libgit2, libcrypto: diff) stay in: Debian has no static libssh, and libcurl's
# archive needs a dozen more; there dlopen() works only with the build's glibc, and otherwise
# fails as a missing library does, with its message. libyaml (config files) is linked.
STATIC_KEEP_DL := curl_dl ldns_dl ssh_dl jansson_dl diff_dl
# profile's C++ demangler is libstdc++'s: kept dlopen'd, as linking libstdc++ statically into
# a C program for one function is not worth it.
STATIC_KEEP_DL += cxxabi_dl
# mail's charts: cairo, dlopen'd as libcurl is (only the mail needs it).
STATIC_KEEP_DL += cairo_dl
STATIC_SRCS := $(call user_srcs,$(PLATFORM),$(WITH_BPF),$(WITH_ZLIB),$(STATIC_MHD))
STATIC_DL_SRCS := $(filter-out $(patsubst %,user/\%/%.c,$(STATIC_KEEP_DL)), \
	$(filter user/%_dl.c,$(STATIC_SRCS)))
STATIC_DL := $(basename $(notdir $(STATIC_DL_SRCS)))
STATIC_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(filter-out $(STATIC_DL_SRCS),$(STATIC_SRCS))) \
	$(if $(filter 1,$(WITH_BPF)),$(OUTPUT)/pprof.pb-c.o)
STATIC_LDLIBS := -static $(foreach d,$(STATIC_DL),$(STATIC_LIBS_$(d))) \
	$(if $(filter 1,$(STATIC_MHD)),,-lyaml) $(LIBS) -lm -lpthread

BPF_SRCS := $(if $(filter 1,$(WITH_BPF)),$(wildcard bpf/*.bpf.c))
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(call user_srcs,$(PLATFORM),$(WITH_BPF),$(WITH_ZLIB),$(WITH_MHD))
# profile's pprof writer: protobuf-c code generated from user/profile/pprof.proto.
PROTO_OBJS := $(if $(filter 1,$(WITH_BPF)),$(OUTPUT)/pprof.pb-c.o)
USER_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(USER_SRCS)) $(PROTO_OBJS)
# fallback/ is layered as psutil is (all -> posix -> os), one folder per layer: common/ (OS-free),
# posix/ (Linux, FreeBSD, macOS), sysctl/ (FreeBSD, macOS), nonlinux/ (every OS but Linux:
# -ENOTSUP for what only Linux interfaces give), then the OS's own folder.
FB_LAYERS_linux := common posix linux
FB_LAYERS_bsd := common posix sysctl nonlinux bsd
FB_LAYERS_darwin := common posix sysctl nonlinux darwin
FB_LAYERS_win32 := common nonlinux win32
FB_SRCS := $(wildcard $(patsubst %,fallback/%/*.c,$(FB_LAYERS_$(PLATFORM))))
FB_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(FB_SRCS))
FB_LIB := $(if $(FB_SRCS),$(OUTPUT)/libvigilfb.a)
CORE_LIB := $(OUTPUT)/libvigil.a
TEST_SRCS := $(wildcard tests/unit/test_*.c)
TEST_BINS := $(patsubst tests/unit/%.c,$(OUTPUT)/tests/%,$(TEST_SRCS))
HELPER_SRCS := $(wildcard tests/integration/*.c tests/live/*.c tools/bench/*.c)
HELPER_BINS := $(patsubst %.c,$(OUTPUT)/%,$(HELPER_SRCS))

ifeq ($(V),1)
Q =
msg =
else
Q = @
msg = @printf '  %-8s %s\n' "$(1)" "$(2)";
endif

.PHONY: all static deps test unit integration bench fuzz fuzz-bins clean fmt asan-bins win \
	bsd-check install uninstall man completions deb
.DELETE_ON_ERROR:
.SECONDARY:

all: $(OUTPUT)/vigil $(HELPER_BINS)

$(OUTPUT)/%.bpf.o: bpf/%.bpf.c bpf/*.h | $(OUTPUT)
	$(call msg,BPF,$@)
	$(Q)$(CLANG) $(BPF_CFLAGS) -c $< -o $@
	$(Q)$(LLVM_STRIP) -g $@

$(OUTPUT)/%.skel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-SKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton $< name $*_bpf > $@

# The iterators run once per listing command, and the probes' kernel view once per probe
# command: a light skeleton, whose loader program has the kernel do the CO-RE relocations
# against the BTF it already holds, spares each run libbpf's parse of the 5 MB vmlinux BTF
# (most of a `vigil ps` otherwise).
$(OUTPUT)/iter.lskel.h $(OUTPUT)/iter_net.lskel.h $(OUTPUT)/iter_files.lskel.h \
		$(OUTPUT)/iter_vmas.lskel.h $(OUTPUT)/kview.lskel.h: \
		$(OUTPUT)/%.lskel.h: $(OUTPUT)/%.bpf.o
	$(call msg,GEN-LSKEL,$@)
	$(Q)$(BPFTOOL) gen skeleton -L $< name $*_lskel > $@

$(OUTPUT)/%.o: %.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -MMD -MP -c $< -o $@

$(OUTPUT)/%.pb-c.c $(OUTPUT)/%.pb-c.h: user/profile/%.proto | $(OUTPUT)
	$(call msg,PROTOC-C,$@)
	$(Q)protoc-c -Iuser/profile --c_out=$(OUTPUT) $<

# Generated code: built without vigil's warning set, which it was not written for.
$(OUTPUT)/pprof.pb-c.o: $(OUTPUT)/pprof.pb-c.c $(OUTPUT)/pprof.pb-c.h
	$(call msg,CC,$@)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -c $< -o $@
$(OUTPUT)/user/profile/pprof_out.o: $(OUTPUT)/pprof.pb-c.h

# Userspace objects include the skeletons; build those first.
$(USER_OBJS) $(STATIC_OBJS) $(OUTPUT)/user/cli/main.o: | $(SKELS)
# -MMD leaves out headers found through -isystem, the skeletons among them: without these
# lines a changed BPF program is not rebuilt into vigil.
$(OUTPUT)/user/sched/sched.o: $(OUTPUT)/sched.skel.h
$(OUTPUT)/user/blkio/blkio.o: $(OUTPUT)/blkio.skel.h
$(OUTPUT)/user/tcp/tcp.o: $(OUTPUT)/tcp.skel.h
$(OUTPUT)/user/dns/dns.o: $(OUTPUT)/dns.skel.h
$(OUTPUT)/user/iter/iter_task.o: $(OUTPUT)/iter.lskel.h
$(OUTPUT)/user/iter/iter_sock.o: $(OUTPUT)/iter_net.lskel.h
$(OUTPUT)/user/iter/iter_files.o: $(OUTPUT)/iter_files.lskel.h
$(OUTPUT)/user/iter/iter_vmas.o: $(OUTPUT)/iter_vmas.lskel.h
$(OUTPUT)/user/probe/probe_kview.o: $(OUTPUT)/kview.lskel.h
$(OUTPUT)/user/profile/profile.o $(OUTPUT)/user/profile/profile_offcpu.o \
	$(OUTPUT)/user/profile/profile_stacks.o: $(OUTPUT)/profile.skel.h

$(CORE_LIB): $(USER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/libvigilfb.a: $(FB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/vigil: $(OUTPUT)/user/cli/main.o $(CORE_LIB) $(FB_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

static: $(OUTPUT)/vigil-static

$(OUTPUT)/vigil-static: $(OUTPUT)/user/cli/main.o $(STATIC_OBJS) $(FB_LIB)
	$(foreach d,$(STATIC_DL),$(if $(STATIC_LIBS_$(d)),,$(error make static: $(d).c has no \
		STATIC_LIBS_$(d) line in the Makefile)))
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(STATIC_LDLIBS)

# The BSD and macOS decoders are plain C: their unit tests link them in on Linux.
# (the shared decoders of fallback/posix are in the Linux library already)
BSD_DECODE_SRCS := $(wildcard fallback/bsd/decode*.c)
DARWIN_DECODE_SRCS := $(wildcard fallback/darwin/decode*.c)
# test_web_config makes bcrypt hashes itself: libcrypt directly (vigil dlopen()s it).
$(OUTPUT)/tests/test_web_config: TEST_EXTRA := -lcrypt
$(OUTPUT)/tests/test_bsd_%: TEST_EXTRA := $(BSD_DECODE_SRCS)
$(OUTPUT)/tests/test_darwin_%: TEST_EXTRA := $(DARWIN_DECODE_SRCS)
$(filter $(OUTPUT)/tests/test_bsd_%,$(TEST_BINS)): $(BSD_DECODE_SRCS)
$(filter $(OUTPUT)/tests/test_darwin_%,$(TEST_BINS)): $(DARWIN_DECODE_SRCS)

$(OUTPUT)/tests/%: tests/unit/%.c $(CORE_LIB) $(FB_LIB) | $(SKELS)
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -Wno-missing-prototypes -MMD -MP $< $(TEST_EXTRA) \
		-o $@ $(CORE_LIB) $(FB_LIB) -lcmocka $(LDLIBS)

$(OUTPUT)/tests/integration/% $(OUTPUT)/tests/live/% $(OUTPUT)/tools/bench/%: | $(SKELS)
$(OUTPUT)/%: %.c $(CORE_LIB) $(FB_LIB)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -Wno-missing-prototypes -MMD -MP $< -o $@ \
		$(CORE_LIB) $(FB_LIB) -lpthread $(LDLIBS)

# The profiler's test workload: its stacks must walk (frame pointers) and its hot functions
# must stay apart (no inlining), whatever CFLAGS says. Later flags win over CFLAGS' -O2.
$(OUTPUT)/tests/integration/profile_burn: CFLAGS += -O1 -fno-omit-frame-pointer -fno-inline

$(OUTPUT):
	$(Q)mkdir -p $@

deps:
	$(Q)sh tools/deps.sh

unit: deps $(TEST_BINS)
	$(Q)tests/run_unit.sh $(TEST_BINS)

integration: deps all
	$(Q)tests/run_integration.sh

# The unit tests again, built with AddressSanitizer and UndefinedBehaviorSanitizer.
ASAN_OUTPUT := $(OUTPUT)/asan
ASAN_BINS := $(patsubst tests/unit/%.c,$(ASAN_OUTPUT)/tests/%,$(TEST_SRCS))
SANITIZE := -O1 -g -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=all

asan-bins:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(ASAN_OUTPUT) CFLAGS="$(SANITIZE)" \
		$(patsubst $(OUTPUT)/%,$(ASAN_OUTPUT)/%,$(TEST_BINS))

# The BSD/macOS compile check, unit tests (plain and sanitized), then integration and
# comparison tests (with the Windows build under wine, tests/run_win.sh), then every fuzzer for
# FUZZ_SECONDS (default 20, tests/run_fuzz.sh), then the totals.
test: deps all $(TEST_BINS) asan-bins win bsd-check fuzz-bins
	$(Q)tests/run.sh $(TEST_BINS) $(ASAN_BINS)

bench: all
	$(Q)tools/bench.sh

# make install [PREFIX=/usr/local] [DESTDIR=]: the binary, a man page per command and bash and
# zsh completions (both made from the binary's own --help, so they match it), the systemd unit
# for `vigil serve`, and its config file (kept if one is there: it is the admin's).
PREFIX ?= /usr/local
SYSCONFDIR ?= $(if $(filter /usr,$(PREFIX)),/etc,$(PREFIX)/etc)
BINDIR := $(PREFIX)/bin
MAN1DIR := $(PREFIX)/share/man/man1
UNITDIR := $(PREFIX)/lib/systemd/system

man: $(OUTPUT)/vigil
	$(call msg,MAN,$(OUTPUT)/man)
	$(Q)rm -rf $(OUTPUT)/man && tools/gen_man.sh $(OUTPUT)/vigil $(OUTPUT)/man

completions: $(OUTPUT)/vigil
	$(call msg,COMPL,$(OUTPUT)/completions)
	$(Q)tools/gen_completions.sh $(OUTPUT)/vigil $(OUTPUT)/completions

install: $(OUTPUT)/vigil man completions
	$(Q)install -D -m 0755 $(OUTPUT)/vigil $(DESTDIR)$(BINDIR)/vigil
	$(Q)install -d $(DESTDIR)$(MAN1DIR)
	$(Q)install -m 0644 $(OUTPUT)/man/*.1 $(DESTDIR)$(MAN1DIR)
	$(Q)install -D -m 0644 $(OUTPUT)/completions/vigil \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vigil
	$(Q)install -D -m 0644 $(OUTPUT)/completions/_vigil \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_vigil
	$(Q)install -d $(DESTDIR)$(UNITDIR)
	$(Q)sed -e 's|@BINDIR@|$(BINDIR)|g' -e 's|@SYSCONFDIR@|$(SYSCONFDIR)|g' \
		dist/vigil.service.in >$(DESTDIR)$(UNITDIR)/vigil.service
	$(Q)[ -e $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml ] || \
		install -D -m 0644 dist/vigil.yaml $(DESTDIR)$(SYSCONFDIR)/vigil/vigil.yaml
	@echo "installed vigil under $(DESTDIR)$(PREFIX) (config: $(DESTDIR)$(SYSCONFDIR)/vigil)"

# make deb: a Debian package from debian/ (dpkg-buildpackage, without cleaning first, so a
# built tree is reused), moved from the parent folder, where dpkg puts it, to $(OUTPUT)/deb.
deb:
	$(Q)dpkg-buildpackage -b -us -uc -nc >$(OUTPUT)/deb.log 2>&1 || \
		{ tail -30 $(OUTPUT)/deb.log; exit 1; }
	$(Q)mkdir -p $(OUTPUT)/deb && mv ../vigil_$(VERSION)_* ../vigil-dbgsym_$(VERSION)_* $(OUTPUT)/deb/
	@ls $(OUTPUT)/deb/*.deb

uninstall:
	$(Q)rm -f $(DESTDIR)$(BINDIR)/vigil $(DESTDIR)$(MAN1DIR)/vigil.1 \
		$(DESTDIR)$(MAN1DIR)/vigil-*.1 \
		$(DESTDIR)$(PREFIX)/share/bash-completion/completions/vigil \
		$(DESTDIR)$(PREFIX)/share/zsh/vendor-completions/_vigil $(DESTDIR)$(UNITDIR)/vigil.service

# BSD/macOS: no sysroot exists here, so the backends are compile-checked (not linked, not run)
# with clang for each target against the project's stub headers (tests/stubs), with the layers
# below them (FB_LAYERS_bsd, FB_LAYERS_darwin).  As nothing links them, the check itself fails
# on an fb_ symbol defined twice or used and never defined (a hook an OS forgot).  Their
# decoders are unit-tested on Linux (test_bsd_*, test_darwin_*).
BSD_CHECK_FLAGS := -nostdlibinc -isystem tests/stubs/common -Ifallback -Wall -Wextra -Werror \
	-Wmissing-prototypes -std=gnu11 -O1
BSD_TARGETS := x86_64-unknown-freebsd13:freebsd:bsd x86_64-apple-macos11:darwin:darwin \
	arm64-apple-macos12:darwin:darwin

bsd-check:
	$(Q)set -e; for t in $(BSD_TARGETS); do \
		target=$${t%%:*}; rest=$${t#*:}; stubs=$${rest%%:*}; dir=$${rest#*:}; \
		out=$(OUTPUT)/bsd-check/$$target; rm -rf $$out; mkdir -p $$out; \
		case $$dir in bsd) layers="$(FB_LAYERS_bsd)";; *) layers="$(FB_LAYERS_darwin)";; esac; \
		for f in $$(for l in $$layers; do echo fallback/$$l/*.c; done); do \
			$(CLANG) --target=$$target -isystem tests/stubs/$$stubs $(BSD_CHECK_FLAGS) \
				-c $$f -o $$out/$$(echo $$f | tr / _ | sed 's/\.c$$/.o/'); \
		done; \
		echo "  BSD-CHK  $$target: fallback/{$$(echo $$layers | tr ' ' ,)} ($$(ls $$out | wc -l) objects)"; \
		dup=$$(llvm-nm -g --defined-only $$out/*.o | awk 'NF >= 3 { print $$3 }' | sort | uniq -d); \
		[ -z "$$dup" ] || { echo "bsd-check: $$target: defined twice: $$dup"; exit 1; }; \
		def=$$(llvm-nm -g --defined-only $$out/*.o | awk 'NF >= 3 { print $$3 }' | sort -u); \
		use=$$(llvm-nm -u $$out/*.o | awk '{ print $$NF }' | grep -E '^_?fb_' | sort -u || true); \
		miss=$$(printf '%s\n' "$$use" | grep -vxF "$$def" || true); \
		[ -z "$$miss" ] || { echo "bsd-check: $$target: used, never defined: $$miss"; exit 1; }; \
	done
	@# the contract: each defines every function fallback.h declares (-ENOTSUP counts)
	$(Q)tools/fb_coverage.sh | sed -n '/^freebsd/,$$p' | tee $(OUTPUT)/bsd-check/coverage.txt
	$(Q)! grep -qE 'missing|twice' $(OUTPUT)/bsd-check/coverage.txt || \
		{ echo "bsd-check: a fallback.h function lacks a FreeBSD/macOS definition, or has two"; exit 1; }

# Windows: vigil.exe, the same CLI as Linux's without the modules Windows cannot have (the
# tracer: no BPF there; zlib), and the Win32 backend's test programs, cross-compiled with
# mingw-w64 and -Werror.  The platform is picked by the source lists: fallback/common and
# fallback/win32 (FB_LAYERS_win32), and user/port/win32.
WIN_CC ?= x86_64-w64-mingw32-gcc
WIN_OUTPUT := $(OUTPUT)/win
WIN_CFLAGS := -std=gnu11 -O2 -g $(WARNINGS) -Werror -D_WIN32_WINNT=0x0A00 \
	-D__USE_MINGW_ANSI_STDIO=1 -Iuser -Iuser/port/win32 -Ibpf -Ifallback \
	-DVIGIL_VERSION='"$(VERSION)"'
WIN_LDLIBS := -static -liphlpapi -lws2_32 -lpsapi -lntdll -ladvapi32 -lshell32 -lwtsapi32 \
	-lpthread
WIN_FB_SRCS := $(wildcard $(patsubst %,fallback/%/*.c,$(FB_LAYERS_win32)))
WIN_USER_SRCS := $(call user_srcs,win32,0,0,0)
WIN_FB_OBJS := $(patsubst %.c,$(WIN_OUTPUT)/%.o,$(WIN_FB_SRCS))
WIN_USER_OBJS := $(patsubst %.c,$(WIN_OUTPUT)/%.o,$(WIN_USER_SRCS))
WIN_TEST_BINS := $(patsubst tests/win/%.c,$(WIN_OUTPUT)/tests/%.exe,$(wildcard tests/win/test_*.c))

win: $(WIN_OUTPUT)/vigil.exe $(WIN_TEST_BINS)

$(WIN_OUTPUT)/%.o: %.c
	$(call msg,WIN-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(WIN_CC) $(WIN_CFLAGS) -MMD -MP -c $< -o $@

$(WIN_OUTPUT)/libvigilfb.a: $(WIN_FB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && x86_64-w64-mingw32-ar rcs $@ $^

$(WIN_OUTPUT)/vigil.exe: $(WIN_OUTPUT)/user/cli/main.o $(WIN_USER_OBJS) $(WIN_OUTPUT)/libvigilfb.a
	$(call msg,WIN-LD,$@)
	$(Q)$(WIN_CC) -o $@ $^ $(WIN_LDLIBS)

# test_port.exe checks user/port/win32/libc.c (glob, qsort_r) and port.h against glibc's answers
WIN_PORT_OBJS := $(WIN_OUTPUT)/user/port/win32/libc.o
$(WIN_OUTPUT)/tests/test_port.exe: WIN_TEST_EXTRA := $(WIN_PORT_OBJS)
$(WIN_OUTPUT)/tests/test_port.exe: $(WIN_PORT_OBJS)

$(WIN_OUTPUT)/tests/%.exe: tests/win/%.c tests/win/wtest.h $(WIN_OUTPUT)/libvigilfb.a
	$(call msg,WIN-TEST,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(WIN_CC) $(WIN_CFLAGS) -Wno-missing-prototypes -o $@ $< $(WIN_TEST_EXTRA) \
		$(WIN_OUTPUT)/libvigilfb.a $(WIN_LDLIBS)

# libFuzzer over every parser (tests/fuzz/fuzz_<name>.c, seeds in tests/fuzz/corpus/<name>/),
# with ASan and UBSan (any report aborts), built by clang apart from the normal outputs, in
# $(OUTPUT)/fuzz. `make fuzz` builds them and runs each for FUZZ_SECONDS (tests/run_fuzz.sh).
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
FUZZ_BINS := $(patsubst tests/fuzz/%.c,$(OUTPUT)/fuzz/tests/fuzz/%,$(FUZZ_SRCS))
FUZZ_CFLAGS := -O1 -g -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined \
	-fno-sanitize-recover=all

fuzz-bins:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(OUTPUT)/fuzz CC=clang CFLAGS="$(FUZZ_CFLAGS)" \
		$(FUZZ_BINS)

fuzz:
	$(Q)tests/run_fuzz.sh

# A fuzzer links both libraries, and the BSD, macOS or POSIX decoders it drives (plain C).
$(OUTPUT)/tests/fuzz/fuzz_bsd_%: FUZZ_EXTRA := $(BSD_DECODE_SRCS)
$(OUTPUT)/tests/fuzz/fuzz_darwin_%: FUZZ_EXTRA := $(DARWIN_DECODE_SRCS)
$(OUTPUT)/tests/fuzz/fuzz_posix_%: FUZZ_EXTRA := $(wildcard fallback/posix/decode*.c)
$(OUTPUT)/tests/fuzz/%: tests/fuzz/%.c $(CORE_LIB) $(FB_LIB) | $(SKELS)
	$(call msg,FUZZ-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) -fsanitize=fuzzer $(WARNINGS) -Wno-missing-prototypes -MMD \
		-MP $< $(FUZZ_EXTRA) -o $@ $(CORE_LIB) $(FB_LIB) $(LDLIBS)

check-style:
	$(Q)sh tools/check_style.sh

fmt:
	clang-format -i $(shell git ls-files '*.c' '*.h' | grep -v -e '^bpf/vmlinux/' -e '^tests/stubs/')

clean:
	rm -rf $(OUTPUT)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
