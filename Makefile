# vigil: the one entry point. `make` builds .output/vigil (BPF objects -> skeletons -> one
# binary); `make test` runs the unit tests, then the integration and comparison tests;
# `make bench` prints benchmark ratios against peers; `make fuzz` runs the parsers' fuzzers.
# The platform folder of fallback/ is picked here, never with #ifdef in .c files.

OUTPUT := .output
CC ?= cc
CLANG ?= clang
BPFTOOL ?= bpftool
LLVM_STRIP ?= llvm-strip
ARCH := $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/')
PLATFORM ?= linux
VERSION := 0.1.0

CFLAGS ?= -O2 -g
WARNINGS := -Wall -Wextra -Wmissing-prototypes -Werror=implicit-function-declaration
CPPFLAGS := -Iuser -Ibpf -Ifallback -I$(OUTPUT) -D_GNU_SOURCE -DVIGIL_VERSION='"$(VERSION)"'
BPF_CFLAGS := -g -O2 -Wall -target bpf -D__TARGET_ARCH_$(ARCH) -Ibpf -Ibpf/vmlinux/$(ARCH)
LDLIBS := -lbpf -lelf -lz -lm

BPF_SRCS := $(wildcard bpf/*.bpf.c)
SKELS := $(patsubst bpf/%.bpf.c,$(OUTPUT)/%.skel.h,$(BPF_SRCS))
USER_SRCS := $(filter-out user/main.c,$(wildcard user/*.c))
USER_OBJS := $(patsubst %.c,$(OUTPUT)/%.o,$(USER_SRCS))
FB_SRCS := $(wildcard fallback/common/*.c fallback/$(PLATFORM)/*.c)
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

.PHONY: all deps test unit integration bench fuzz clean fmt asan-bins
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

$(OUTPUT)/%.o: %.c | $(OUTPUT)
	$(call msg,CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -MMD -MP -c $< -o $@

# Userspace objects include the skeletons; build those first.
$(USER_OBJS) $(OUTPUT)/user/main.o: | $(SKELS)

$(CORE_LIB): $(USER_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/libvigilfb.a: $(FB_OBJS)
	$(call msg,AR,$@)
	$(Q)rm -f $@ && ar rcs $@ $^

$(OUTPUT)/vigil: $(OUTPUT)/user/main.o $(CORE_LIB) $(FB_LIB)
	$(call msg,LINK,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)

$(OUTPUT)/tests/%: tests/unit/%.c $(CORE_LIB) $(FB_LIB) | $(SKELS)
	$(call msg,TEST-CC,$@)
	$(Q)mkdir -p $(@D)
	$(Q)$(CC) $(CPPFLAGS) $(CFLAGS) $(WARNINGS) -Wno-missing-prototypes -MMD -MP $< -o $@ \
		$(CORE_LIB) $(FB_LIB) -lcmocka $(LDLIBS)

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

# Unit tests (plain and sanitized), then integration and comparison tests, then one line
# with the totals.
test: deps all $(TEST_BINS) asan-bins
	$(Q)tests/run.sh $(TEST_BINS) $(ASAN_BINS)

bench: all
	$(Q)tools/bench.sh

# libFuzzer over the parsers and the record read path; FUZZ_SECONDS each (default 60).
FUZZ_SECONDS ?= 60
FUZZ_OUTPUT := $(OUTPUT)/fuzz
FUZZ_SRCS := $(wildcard tests/fuzz/fuzz_*.c)
fuzz:
	$(Q)$(MAKE) --no-print-directory OUTPUT=$(FUZZ_OUTPUT) CC=clang \
		CFLAGS="-O1 -g -fsanitize=fuzzer-no-link,address,undefined" $(FUZZ_OUTPUT)/libvigil.a
	$(Q)for f in $(FUZZ_SRCS); do \
		n=$$(basename $$f .c); \
		clang $(CPPFLAGS) -I$(FUZZ_OUTPUT) -O1 -g -fsanitize=fuzzer,address,undefined $$f \
			$(FUZZ_OUTPUT)/libvigil.a $(LDLIBS) -o $(FUZZ_OUTPUT)/$$n || exit 1; \
		mkdir -p $(FUZZ_OUTPUT)/corpus-$$n; \
		echo "fuzz: $$n for $(FUZZ_SECONDS)s"; \
		$(FUZZ_OUTPUT)/$$n -max_total_time=$(FUZZ_SECONDS) -max_len=512 \
			$(FUZZ_OUTPUT)/corpus-$$n 2>&1 | tail -2 || exit 1; \
	done

fmt:
	clang-format -i $(wildcard user/*.[ch] bpf/*.[ch] fallback/*/*.[ch] tests/*/*.c)

clean:
	rm -rf $(OUTPUT)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
