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

.PHONY: all deps test unit integration bench fuzz clean fmt
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

# Unit tests, then integration and comparison tests, then one line with the totals.
test: deps all $(TEST_BINS)
	$(Q)tests/run.sh $(TEST_BINS)

bench: all
	$(Q)tools/bench.sh

fmt:
	clang-format -i $(wildcard user/*.[ch] bpf/*.[ch] fallback/*/*.[ch] tests/*/*.c)

clean:
	rm -rf $(OUTPUT)

-include $(shell find $(OUTPUT) -name '*.d' 2>/dev/null)
