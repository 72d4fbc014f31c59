# wbpf.mk - build glue for wbpf guests, with Debian's clang-16, wasm-ld-16 and wasi-libc only.
#
#   NAME.bpf.c --clang-16 -target bpf--> NAME.bpf.o --wbpf gen skeleton--> NAME.skel.h
#   NAME.c + NAME.skel.h + wbpf.h --clang-16 --target=wasm32-wasi--> NAME.wasm
#
# Use from an example directory:
#   APP := execsnoop
#   include ../../wbpf.mk
#
# Packages: clang-16 lld-16 llvm-16 wasi-libc libbpf-dev linux-libc-dev bpftool.
# vmlinux.h is generated once from the running kernel's BTF into bpf-guest/build/ (not committed);
# CO-RE relocations make the objects portable to other kernels.

WBPF_GUEST_DIR := $(patsubst %/,%,$(dir $(abspath $(lastword $(MAKEFILE_LIST)))))
WBPF_ROOT ?= $(abspath $(WBPF_GUEST_DIR)/..)
WBPF ?= $(WBPF_ROOT)/wbpf
CLANG ?= clang-16
LLVM_STRIP ?= llvm-strip-16
BPFTOOL ?= bpftool
WASI_SYSROOT ?= /usr
VMLINUX_BTF ?= /sys/kernel/btf/vmlinux
WBPF_BUILD ?= $(WBPF_GUEST_DIR)/build
VMLINUX_H := $(WBPF_BUILD)/vmlinux.h

ARCH ?= $(shell uname -m | sed -e 's/x86_64/x86/' -e 's/aarch64/arm64/' -e 's/ppc64le/powerpc/' -e 's/s390x/s390/')
MULTIARCH ?= $(shell uname -m)-linux-gnu

APP ?= $(notdir $(CURDIR))

BPF_CFLAGS ?= -g -O2 -Wall
# BTF line info records source paths: map them so a module does not depend on the checkout path.
BPF_CFLAGS += -ffile-prefix-map=$(CURDIR)=. -ffile-prefix-map=$(WBPF_GUEST_DIR)=bpf-guest
BPF_CPPFLAGS := -target bpf -D__TARGET_ARCH_$(ARCH) -I$(WBPF_BUILD) -I. -I$(WBPF_GUEST_DIR)/include -idirafter /usr/include/$(MULTIARCH)
WASM_CFLAGS ?= -O2 -Wall
WASM_CPPFLAGS := --target=wasm32-wasi --sysroot=$(WASI_SYSROOT) -I$(WBPF_GUEST_DIR)/include -I.
# --export-table: callbacks are passed to the host as function table indices
WASM_LDFLAGS ?= -fuse-ld=lld -mexec-model=command -Wl,--export-table -Wl,--strip-all

.PHONY: all clean
.SECONDARY: $(APP).bpf.o $(APP).skel.h
all: $(APP).wasm

$(VMLINUX_H):
	@mkdir -p $(WBPF_BUILD)
	$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp
	mv $@.tmp $@

# DWARF is stripped (.BTF and .BTF.ext stay): it would only make the embedded image larger.
%.bpf.o: %.bpf.c $(filter-out %.skel.h,$(wildcard *.h)) $(VMLINUX_H)
	$(CLANG) $(BPF_CFLAGS) $(BPF_CPPFLAGS) -c $< -o $@
	$(LLVM_STRIP) -g $@

%.skel.h: %.bpf.o
	$(WBPF) gen skeleton $< -n $* -o $@

$(APP).wasm: $(APP).c $(APP).skel.h $(wildcard *.h) $(WBPF_GUEST_DIR)/include/wbpf.h
	$(CLANG) $(WASM_CPPFLAGS) $(WASM_CFLAGS) $(WASM_LDFLAGS) $(APP).c $(EXTRA_SRCS) -o $@

clean:
	rm -f $(APP).wasm $(APP).bpf.o $(APP).skel.h
