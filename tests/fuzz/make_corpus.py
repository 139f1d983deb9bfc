#!/usr/bin/env python3
"""make_corpus.py - write the seed corpus of every fuzzer: tests/fuzz/corpus/<fuzzer>/.

A handful of small valid inputs per fuzzer, from which libFuzzer starts (tests/run_fuzz.sh
adds what it finds under .output/fuzz, not here).  Binary layouts follow the headers the
parsers read: bpf/events.h, linux/inet_diag.h and unix_diag.h, fallback/bsd/bsd_decode.h and
fallback/darwin/darwin_decode.h.  The ELF seeds are built with gcc.  Regression inputs for
fixed crashes are added by hand (named regress-*) and are not touched here.
"""
import os
import struct
import subprocess
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")


def put(fuzzer, name, data):
    d = os.path.join(CORPUS, fuzzer)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def patch(buf, off, fmt, *v):
    struct.pack_into(fmt, buf, off, *v)


# ---------------------------------------------------------------- bpf/events.h records
COMM = 16


def hdr(kind, size, cpu=1, ts=123456789):
    return struct.pack("<HHIQ", kind, size, cpu, ts)


def comm(s):
    return s.encode().ljust(COMM, b"\0")


def events():
    runq = hdr(1, 72) + struct.pack("<QIIII", 50000, 42, 43, 7, 7) + comm("worker") + comm("idle")
    oncpu = hdr(2, 48) + struct.pack("<QII", 900000, 42, 42) + comm("a,b\"c\nd")
    proc = (hdr(3, 304) + struct.pack("<IIIi", 42, 42, 1, 0) + comm("sh")
            + b"/bin/sh".ljust(256, b"\0"))
    tcp = bytearray(88)
    tcp[:16] = hdr(16, 88)
    tcp[16:20] = bytes([127, 0, 0, 1])
    tcp[32:36] = bytes([127, 0, 0, 1])
    patch(tcp, 48, "<QIHHHBBBB", 120000, 42, 40000, 80, 2, 2, 1, 0, 0)
    tcp[72:88] = comm("curl")
    bio = (hdr(32, 72) + struct.pack("<QQQIIIBBBB", 2048, 1000, 50000, 42, 4096, 8 << 20,
                                      1, 1, 0, 3) + comm("dd"))
    put("fuzz_decode", "runq", runq)
    put("fuzz_decode", "oncpu-hostile-comm", oncpu)
    put("fuzz_decode", "exec", proc)
    put("fuzz_decode", "tcp-connect", bytes(tcp))
    put("fuzz_decode", "bio", bio)


# ---------------------------------------------------------------- netlink sock_diag
NLMSG_DONE, NLMSG_ERROR, SOCK_DIAG_BY_FAMILY = 3, 2, 20


def nlmsg(typ, payload):
    n = 16 + len(payload)
    m = struct.pack("<IHHII", n, typ, 2, 1, 0) + payload
    return m + b"\0" * (-n % 4)


def inet_diag_msg(family, state, sport, dport, src, dst, inode):
    ident = struct.pack(">HH", sport, dport) + src.ljust(16, b"\0") + dst.ljust(16, b"\0")
    ident += struct.pack("<III", 0, 0x1234, 0)
    return (struct.pack("<BBBB", family, state, 0, 0) + ident
            + struct.pack("<IIIII", 0, 0, 0, 1000, inode))


def rta(typ, payload):
    n = 4 + len(payload)
    return struct.pack("<HH", n, typ) + payload + b"\0" * (-n % 4)


def tcp_info():
    ti = bytearray(232)
    ti[0] = 1  # ESTABLISHED
    patch(ti, 68, "<I", 250)  # tcpi_rtt
    patch(ti, 100, "<I", 3)  # tcpi_total_retrans
    patch(ti, 120, "<Q", 4096)  # tcpi_bytes_acked
    patch(ti, 128, "<Q", 8192)  # tcpi_bytes_received
    return bytes(ti)


def unix_diag_msg(typ, ino, name=None):
    m = struct.pack("<BBBBIII", 1, typ, 1, 0, ino, 0, 0)
    if name is not None:
        m += rta(0, name)  # UNIX_DIAG_NAME
    return m


def netlink():
    lo4 = bytes([127, 0, 0, 1])
    lo6 = bytes(15) + b"\1"
    est4 = nlmsg(SOCK_DIAG_BY_FAMILY, inet_diag_msg(2, 1, 40000, 80, lo4, lo4, 1001))
    lis6 = nlmsg(SOCK_DIAG_BY_FAMILY, inet_diag_msg(10, 10, 8080, 0, lo6, bytes(16), 1002))
    info = nlmsg(SOCK_DIAG_BY_FAMILY,
                 inet_diag_msg(2, 1, 40001, 443, lo4, lo4, 1003) + rta(2, tcp_info()))
    done = nlmsg(NLMSG_DONE, struct.pack("<i", 0))
    err = nlmsg(NLMSG_ERROR, struct.pack("<i", -13) + bytes(16))
    # fuzz_net_diag: the first byte picks the dump (0 TCP both, 1 UDP v4, 2 TCP v6, 3 unix,
    # 4 TCP sockets with tcp_info)
    put("fuzz_net_diag", "tcp-both", b"\0" + est4 + lis6 + done)
    put("fuzz_net_diag", "udp4", b"\1" + est4)
    put("fuzz_net_diag", "tcp6-error", b"\2" + lis6 + err)
    put("fuzz_net_diag", "unix-names", b"\3"
        + nlmsg(SOCK_DIAG_BY_FAMILY, unix_diag_msg(1, 77, b"/run/x.sock\0"))
        + nlmsg(SOCK_DIAG_BY_FAMILY, unix_diag_msg(2, 78, b"\0abstract"))
        + nlmsg(SOCK_DIAG_BY_FAMILY, unix_diag_msg(5, 79)) + done)
    # mode 4: fb_tcp_sockets(), TCP of both families with tcp_info
    put("fuzz_net_diag", "tcp-sockets-two-sockets-done", b"\4" + est4 + lis6 + done)
    put("fuzz_net_diag", "tcp-sockets-tcp-info", b"\4" + info)
    put("fuzz_net_diag", "tcp-sockets-error", b"\4" + err)
    put("fuzz_net_diag", "tcp-sockets-short-info", b"\4"
        + nlmsg(SOCK_DIAG_BY_FAMILY,
                inet_diag_msg(2, 1, 1, 2, lo4, lo4, 5) + rta(2, tcp_info()[:72])))


# ---------------------------------------------------------------- text parsers
def texts():
    put("fuzz_schedstat", "task", "123456789 98765 42\n")
    put("fuzz_schedstat", "cpus", "version 15\ntimestamp 4295\n"
        "cpu0 0 0 0 0 0 0 1000 2000 30\ndomain0 3 1 2 3\ncpu1 0 0 0 0 0 0 4000 5000 60\n")
    put("fuzz_schedstat", "status", "Name:\tsh\nState:\tS\nvoluntary_ctxt_switches:\t10\n"
        "nonvoluntary_ctxt_switches:\t2\n")
    for i, s in enumerate(["name=vig*", "pid=42", "cpu_percent=1.5", "user=root", "status=sleeping",
                           "pid,name,rss", "bogus=1"]):
        put("fuzz_ps_filter", "seed%d" % i, s)
    for i, s in enumerate(["127.0.0.1:9464", "9464", ":9100", "[::1]:8080", "0.0.0.0:65535",
                           "[fe80::1%lo]:1", "host:80"]):
        put("fuzz_serve_listen", "seed%d" % i, s)
    argvs = [["--format", "json", "-o", "out.csv.gz"], ["-d", "10s", "-a", "--pid=42"],
             ["-vv", "--size", "4k", "pos1", "--", "-x"], ["--help"], ["-p"], ["--nope"],
             ["-an", "name", "--duration", "0"]]
    for i, a in enumerate(argvs):
        put("fuzz_cli", "seed%d" % i, "\0".join(a))


# ---------------------------------------------------------------- ELF images
def elf():
    src = ("int counter;\nint add(int a) { return a + counter; }\n"
           "int main(void) { return add(1); }\n")
    with tempfile.TemporaryDirectory() as t:
        c = os.path.join(t, "s.c")
        with open(c, "w") as f:
            f.write(src)
        rwx = ["-Wl,-N", "-Wl,--no-warn-rwx-segments"]
        builds = [("object", ["-c"]),
                  ("static-nostdlib", ["-nostdlib", "-static", "-Wl,-e,main",
                                       "-Wl,--build-id=sha1"] + rwx),
                  ("pie-dynsym", ["-nostdlib", "-shared", "-fPIC", "-Wl,--build-id=none"] + rwx)]
        for name, flags in builds:
            o = os.path.join(t, name)
            subprocess.run(["gcc", "-Os", "-fno-asynchronous-unwind-tables"] + flags + [c, "-o", o],
                           check=True)
            subprocess.run(["strip", "--strip-debug", "-R", ".comment", o], check=True)
            with open(o, "rb") as f:
                put("fuzz_elf_syms", name, f.read())
        o = os.path.join(t, "pie-dynsym")
        subprocess.run(["strip", "--strip-all", o], check=True)  # .dynsym only
        with open(o, "rb") as f:
            put("fuzz_elf_syms", "stripped", f.read())
        # MiniDebugInfo: an xz-compressed ELF with .symtab in .gnu_debugdata
        o, mini = os.path.join(t, "static-nostdlib"), os.path.join(t, "mini")
        subprocess.run(["objcopy", "--only-keep-debug", o, mini], check=True)
        subprocess.run(["xz", "-f", mini], check=True)
        subprocess.run(["strip", "--strip-all", o], check=True)
        subprocess.run(["objcopy", "--add-section", ".gnu_debugdata=" + mini + ".xz", o],
                       check=True)
        with open(o, "rb") as f:
            put("fuzz_elf_syms", "minidebuginfo", f.read())
        # a .gnu_debuglink naming a file that is not there
        subprocess.run(["objcopy", "--remove-section", ".gnu_debugdata", o], check=True)
        subprocess.run(["objcopy", "--add-gnu-debuglink=" + mini + ".xz", o], check=True)
        with open(o, "rb") as f:
            put("fuzz_elf_syms", "debuglink", f.read())
    for name, s in (("vec", "alloc::vec::Vec$LT$T$C$A$GT$::push"),
                    ("escapes", "_$LT$std..path..PathBuf$u20$as$u20$core..fmt..Debug$GT$::fmt"),
                    ("hash-only", "::h0123456789abcdef"), ("bad-escape", "a::$u$::$uffff$::$")):
        put("fuzz_demangle", name, s)


# ---------------------------------------------------------------- FreeBSD decoders
def bsd():
    # fuzz_bsd_decode: first byte = decoder (see its switch)
    put("fuzz_bsd_decode", "uint", b"\0" + struct.pack("<Q", 123456))
    put("fuzz_bsd_decode", "cp-times", b"\1" + struct.pack("<10q", *range(10, 20)))
    put("fuzz_bsd_decode", "clockinfo", b"\2" + struct.pack("<5i", 1000, 1000, 0, 128, 1024))
    put("fuzz_bsd_decode", "loadavg", b"\2" + struct.pack("<3Iiq", 2048, 1024, 512, 0, 2048))
    put("fuzz_bsd_decode", "timeval", b"\3" + struct.pack("<qq", 1700000000, 500000))
    # physmem, page size, free, active, inactive, wire, cache, laundry, bufspace
    put("fuzz_bsd_decode", "vmem", b"\3" + struct.pack("<9Q", 1 << 34, 4096, 1000, 2000, 3000, 400,
                                                       10, 0, 1 << 20))
    ifd = bytearray(152)
    patch(ifd, 8, "<I", 1500)
    patch(ifd, 16, "<Q", 1000000000)
    patch(ifd, 24, "<Q", 10)
    patch(ifd, 64, "<Q", 1500)
    put("fuzz_bsd_decode", "if-data", b"\4" + bytes(ifd))
    kp = bytearray(1088)
    patch(kp, 0, "<i", 1088)
    patch(kp, 72, "<ii", 42, 1)
    patch(kp, 388, "<Bb", 2, 0)
    kp[447:447 + 5] = b"sshd\0"
    put("fuzz_bsd_decode", "kinfo-proc", b"\5" + bytes(kp))
    sf = bytearray(2344)
    patch(sf, 0, "<I", 0x20140518)
    patch(sf, 8, "<Q", 1)
    sf[280:284] = b"ufs\0"
    sf[296:306] = b"/dev/ada0\0"
    sf[1320:1322] = b"/\0"
    put("fuzz_bsd_decode", "statfs", b"\6" + bytes(sf))

    def xinpgen(gen):
        g = bytearray(64)
        patch(g, 0, "<QI", 64, 1)
        patch(g, 16, "<Q", gen)
        return bytes(g)

    xi = bytearray(400)
    patch(xi, 0, "<Q", 400)
    patch(xi, 16, "<Q", 0xfffff80001234000)
    patch(xi, 252, ">HH", 443, 40000)
    xi[256 + 12:256 + 16] = bytes([10, 0, 0, 1])
    xi[272 + 12:272 + 16] = bytes([10, 0, 0, 2])
    xi[392] = 1
    put("fuzz_bsd_decode", "udp-pcblist", b"\x08" + xinpgen(7) + bytes(xi) + xinpgen(7))
    xt = bytearray(744)
    patch(xt, 0, "<Q", 744)
    xt[8:8 + 400] = xi
    patch(xt, 568, "<i", 4)
    put("fuzz_bsd_decode", "tcp-pcblist", b"\x07" + xinpgen(9) + bytes(xt) + xinpgen(9))
    xf = bytearray(128)
    patch(xf, 0, "<Qii", 128, 42, 0)
    patch(xf, 16, "<i", 3)
    patch(xf, 32, "<h", 2)
    patch(xf, 56, "<Q", 0xfffff80001234000)
    tcp = xinpgen(9) + bytes(xt) + xinpgen(9)
    files = bytes(xf)
    # case 9 splits the buffer in halves: pad the pcblist to the files' length
    if len(tcp) > len(files):
        files = files * ((len(tcp) + len(files) - 1) // len(files))
    put("fuzz_bsd_decode", "tcp-pcblist-owners", b"\x09" + tcp.ljust(len(files), b"\0") + files)
    ds = bytearray(288)
    ds[44:47] = b"ada"
    patch(ds, 96 + 8, "<QQ", 10, 20)
    put("fuzz_bsd_decode", "devstat", b"\x0a" + struct.pack("<q", 5) + bytes(ds) + bytes(ds))
    ug = bytearray(32)
    patch(ug, 0, "<QI", 32, 1)
    patch(ug, 16, "<Q", 3)
    xu = bytearray(904)
    patch(xu, 0, "<Q", 904)
    xu[152 + 2:152 + 12] = b"/tmp/sock\0"
    put("fuzz_bsd_decode", "unix-pcblist", b"\x0b" + bytes(ug) + bytes(xu) + bytes(ug))


# ---------------------------------------------------------------- macOS decoders
def darwin():
    put("fuzz_darwin_decode", "cpu-load",
        b"\0" + struct.pack("<8I", 100, 50, 1000, 5, 90, 40, 900, 3))
    vm = bytearray(152)
    patch(vm, 0, "<IIII", 1000, 2000, 3000, 400)
    patch(vm, 32, "<QQ", 7, 8)
    put("fuzz_darwin_decode", "vmstat", b"\1" + bytes(vm))
    put("fuzz_darwin_decode", "xsw-usage",
        b"\2" + struct.pack("<QQQIi", 1 << 30, 1 << 29, 1 << 29, 4096, 1))
    put("fuzz_darwin_decode", "timeval", b"\2" + struct.pack("<qi4x", 1700000000, 250000))
    ifm = bytearray(160)
    patch(ifm, 0, "<HBB", 160, 5, 0x12)
    patch(ifm, 12, "<H", 1)
    patch(ifm, 32 + 8, "<I", 1500)
    other = struct.pack("<HBB", 8, 5, 0x0e) + bytes(4)
    put("fuzz_darwin_decode", "iflist2", b"\3" + bytes(ifm) + other + bytes(ifm))
    kp = bytearray(648)
    patch(kp, 0, "<qi", 1700000000, 0)
    kp[36] = 2
    patch(kp, 40, "<i", 42)
    kp[243:243 + 7] = b"launchd"
    patch(kp, 560, "<i", 1)
    put("fuzz_darwin_decode", "kinfo-proc", b"\4" + bytes(kp))
    sf = bytearray(2168)
    sf[72:76] = b"apfs"
    sf[88:90] = b"/\0"
    sf[1112:1124] = b"/dev/disk1s1"
    put("fuzz_darwin_decode", "statfs", b"\5" + bytes(sf))
    ti = bytearray(96)
    patch(ti, 0, "<QQQQ", 1 << 32, 1 << 24, 1000000, 500000)
    patch(ti, 84, "<i", 4)
    put("fuzz_darwin_decode", "taskinfo", b"\6" + bytes(ti))
    put("fuzz_darwin_decode", "procargs2",
        b"\7" + struct.pack("<i", 2) + b"/bin/ls\0\0\0ls\0-l\0HOME=/\0")

    def gen(g):
        return struct.pack("<IIQQ", 24, 1, g, 0)

    def item(kind, body_len, fill=None):
        b = bytearray(body_len)
        patch(b, 0, "<II", body_len, kind)
        if fill:
            fill(b)
        return bytes(b) + b"\0" * (-body_len % 8)

    def inpcb(b):
        patch(b, 16, ">HH", 443, 50000)
        b[44] = 1
        b[48 + 12:48 + 16] = bytes([1, 1, 1, 1])
        b[64 + 12:64 + 16] = bytes([192, 168, 1, 2])

    def sock(b):
        patch(b, 68, "<i", 42)

    def tcpcb(b):
        patch(b, 36, "<i", 4)

    pcb = (item(0x10, 104, inpcb) + item(0x1, 80, sock) + item(0x2, 32) + item(0x4, 32)
           + item(0x8, 64))
    put("fuzz_darwin_decode", "tcp-pcblist-n",
        b"\x08" + gen(5) + pcb + item(0x20, 40, tcpcb) + gen(5))
    put("fuzz_darwin_decode", "udp-pcblist-n", b"\x09" + gen(6) + pcb + gen(6))


# ---------------------------------------------------------------- POSIX decoders
def posix():
    # fuzz_posix_decode: format string, NUL, value bytes
    put("fuzz_posix_decode", "int", b"I\0" + struct.pack("<ii", -5, 7))
    put("fuzz_posix_decode", "string", b"A\0FreeBSD\0")
    put("fuzz_posix_decode", "ulong", b"LU\0" + struct.pack("<Q", 1 << 40))
    put("fuzz_posix_decode", "struct", b"S,timeval\0" + bytes(16))
    sdl = (bytes([20, 18, 1, 0, 6, 3, 6, 0]) + b"em0"
           + bytes([0, 0x1b, 0x21, 0xaa, 0xbb, 0xcc]) + bytes(1))
    put("fuzz_posix_decode", "sockaddr-dl", b"C\0" + sdl)


def legacy():
    put("fuzz_parse", "duration", "250ms")
    put("fuzz_parse", "size", "4KiB")
    put("fuzz_parse", "escapes", "a\"b\\c\n\x01\xc3\xa9")
    put("fuzz_tcp_addr", "cidr4", "10.0.0.0/8")
    put("fuzz_tcp_addr", "cidr6", "fe80::/10")
    put("fuzz_tcp_addr", "ports", "80,443,8000-8080")
    put("fuzz_fb_parse", "stat", "42 (a (b) c) S 1 42 42 0 -1 4194560 100 0 0 0 5 3 0 0 20 0 1 0 "
        "12345 1048576 200 18446744073709551615 1 1 0 0 0 0 0 0 0 0 0 0 17 3 0 0 0 0 0\n")
    put("fuzz_fb_parse", "statm", "1000 200 100 10 0 300 0\n")
    put("fuzz_fb_parse", "diskstats",
        "   8       0 sda 100 2 3000 40 50 6 700 80 0 90 120 1 2 3 4 5 6\n")
    put("fuzz_fb_parse", "net-dev", "  eth0: 1000 10 0 0 0 0 0 0 2000 20 0 0 0 0 0 0\n")
    put("fuzz_fb_parse", "smaps", "00400000-00452000 r-xp 00000000 08:02 173521 /usr/bin/dbus\n"
        "Size: 328 kB\nRss: 300 kB\nPss: 150 kB\nSwap: 0 kB\n")
    put("fuzz_fb_parse", "addr4", "0100007F:1F90")
    put("fuzz_fb_parse", "addr6", "00000000000000000000000001000000:0050")
    put("fuzz_fb_parse", "cgroup", "12:memory:/user.slice\n4:cpu,cpuacct:/a\n0::/init.scope\n")
    put("fuzz_fb_parse", "meminfo", "MemTotal: 16000 kB\nDEVNAME=sda\n")
    put("fuzz_profile", "maps",
        "7f0000000000-7f0000021000 r-xp 00001000 08:01 1234 /lib/libc.so.6\n")
    put("fuzz_profile", "kallsyms", "ffffffff81000000 T _text\nffffffff81000100 t do_one [mod]\n")
    put("fuzz_profile", "folded", "main;work;spin 42\n")


# ---------------------------------------------------------------- traceroute replies
def ip4(src, dst, proto, tot, ihl=5):
    return struct.pack(">BBHHHBBH4s4s", 0x40 | ihl, 0, tot, 0, 0, 64, proto, 0, bytes(src),
                       bytes(dst)) + b"\0" * (4 * ihl - 20)


def traceroute():
    """Packets as the raw sockets read them (IPv4 header first); the fuzzer's flow is taken
    from the input itself, so these replies are all 'ours'."""
    me, tgt, rtr = (10, 77, 1, 2), (10, 77, 4, 2), (10, 77, 2, 2)
    syn = struct.pack(">HHI", 40000, 443, 0xdeadbeef)
    full = syn + struct.pack(">IBBHHH", 0, 0x60, 2, 64240, 0, 0) + b"\x02\x04\x05\xb4"
    quote = ip4(me, tgt, 6, 44) + full
    put("fuzz_traceroute_reply", "time-exceeded",
        ip4(rtr, me, 1, 28 + len(quote)) + bytes([11, 0, 0, 0, 0, 0, 0, 0]) + quote)
    short = ip4(me, tgt, 6, 44) + syn
    put("fuzz_traceroute_reply", "time-exceeded-rfc792",
        ip4(rtr, me, 1, 28 + len(short)) + bytes([11, 0, 0, 0, 0, 0, 0, 0]) + short)
    put("fuzz_traceroute_reply", "unreachable-host",
        ip4(rtr, me, 1, 28 + len(quote)) + bytes([3, 1, 0, 0, 0, 0, 0, 0]) + quote)
    opts = ip4(me, tgt, 6, 48, ihl=6) + syn
    put("fuzz_traceroute_reply", "quote-with-options",
        ip4(rtr, me, 1, 28 + len(opts)) + bytes([11, 0, 0, 0, 0, 0, 0, 0]) + opts)
    for name, flags in (("syn-ack", 0x12), ("rst-ack", 0x14)):
        put("fuzz_traceroute_reply", name, ip4(tgt, me, 6, 40) +
            struct.pack(">HHIIBBHHH", 443, 40000, 0, 0xdeadbef0, 0x50, flags, 0, 0, 0))
    src6 = bytes([0xfd, 0x77, 0, 1] + [0] * 11 + [2])
    dst6 = bytes([0xfd, 0x77, 0, 4] + [0] * 11 + [2])
    ip6 = struct.pack(">IHBB", 0x60000000, 24, 6, 1) + src6 + dst6
    put("fuzz_traceroute_reply", "icmp6-time-exceeded", bytes([3, 0, 0, 0, 0, 0, 0, 0]) + ip6 + full)
    put("fuzz_traceroute_reply", "truncated", (ip4(rtr, me, 1, 68) + bytes([11, 0]))[:24])


def taskstats():
    """Generic netlink replies: the TASKSTATS family id, and a TASKSTATS_CMD_GET answer
    (AGGR_TGID holding TGID and a struct taskstats with its delay totals)."""
    genl = struct.pack("=BBH", 1, 2, 0)
    fam = genl + rta(1, b"TASKSTATS\0") + rta(2, struct.pack("=H", 23))  # NAME, ID
    put("fuzz_taskstats", "family", b"F" + nlmsg(16, fam))
    stats = bytearray(352)  # struct taskstats, version 13
    patch(stats, 0, "=H", 13)
    patch(stats, 40, "=Q", 5000000)   # blkio_delay_total
    patch(stats, 56, "=Q", 1000)      # swapin_delay_total
    aggr = rta(2, struct.pack("=I", 4321)) + rta(3, bytes(stats))  # TGID, STATS
    put("fuzz_taskstats", "delays", b"D" + nlmsg(23, genl + rta(5, aggr)))
    put("fuzz_taskstats", "short-stats",
        b"D" + nlmsg(23, genl + rta(5, rta(2, struct.pack("=I", 1)) + rta(3, bytes(40)))))
    put("fuzz_taskstats", "error", b"D" + nlmsg(2, struct.pack("=i", -3) + bytes(16)))


def lsof_netlink():
    head = "sk               Eth Pid        Groups   Rmem     Wmem     Dump  Locks    Drops    Inode\n"
    put("fuzz_lsof_netlink", "table", head +
        "00000000a547559d 0   30417      00000000 0        0        0     2        0        4790197 \n"
        "000000009f35d56e 15  0          00000001 0        0        0     2        0        156     \n")
    put("fuzz_lsof_netlink", "header-only", head)


# ---------------------------------------------------------------- DNS messages


def dns_name(name):
    out = b""
    for label in name.split(".") if name else []:
        out += bytes([len(label)]) + label.encode()
    return out + b"\0"


def dns():
    hdr = lambda qid, flags, qd, an: struct.pack("!HHHHHH", qid, flags, qd, an, 0, 0)
    q = dns_name("www.example.test") + struct.pack("!HH", 1, 1)
    a = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\x0a\x00\x00\x01"
    aaaa = b"\xc0\x0c" + struct.pack("!HHIH", 28, 1, 60, 16) + bytes(range(16))
    put("fuzz_dns_msg", "response-a-aaaa", hdr(1, 0x8180, 1, 2) + q + a + aaaa)
    put("fuzz_dns_msg", "query", hdr(2, 0x0100, 1, 0) + q)
    here = 12 + len(q)
    loop = struct.pack("!H", 0xc000 | here) + struct.pack("!HHIH", 1, 1, 60, 4) + b"abcd"
    put("fuzz_dns_msg", "compression-loop-self", hdr(3, 0x8180, 1, 1) + q + loop)
    two = b"\x01a\xc0\x20\x01b\xc0\x1c"  # two names pointing at each other
    put("fuzz_dns_msg", "compression-loop-pair", hdr(4, 0x8180, 1, 0) + b"\0" * 16 + two)
    fwd = b"\xc0\xff" + struct.pack("!HHIH", 1, 1, 60, 4) + b"abcd"
    put("fuzz_dns_msg", "compression-forward", hdr(5, 0x8180, 1, 1) + q + fwd)
    past = b"\xc0\x0c" + struct.pack("!HHIH", 1, 1, 60, 400) + b"abcd"
    put("fuzz_dns_msg", "rdlength-past-end", hdr(6, 0x8180, 1, 1) + q + past)
    put("fuzz_dns_msg", "label-past-end", hdr(7, 0x0100, 1, 0) + b"\x3fabc")
    put("fuzz_dns_msg", "ancount-lies", hdr(8, 0x8180, 1, 65535) + q + a)
    put("fuzz_dns_msg", "zero-length-label-root", hdr(9, 0x8180, 1, 1) + b"\0\0\1\0\1" +
        b"\0" + struct.pack("!HHIH", 1, 1, 60, 4) + b"\1\2\3\4")
    put("fuzz_dns_msg", "reserved-label-type", hdr(10, 0x0100, 1, 0) + b"\x41abc\0\0\1\0\1")
    long_name = b"".join(b"\x3f" + b"x" * 63 for _ in range(4)) + b"\0"  # 257 bytes: too long
    put("fuzz_dns_msg", "name-too-long", hdr(11, 0x0100, 1, 0) + long_name + b"\0\1\0\1")
    put("fuzz_dns_msg", "header-only", hdr(12, 0x8183, 0, 0))
    put("fuzz_dns_msg", "short", b"\x00\x01\x81")
    put("fuzz_dns_msg", "escapes", hdr(13, 0x0100, 1, 0) + b"\x03a\\." + b"\x02\x00\xff\0" +
        struct.pack("!HH", 16, 1))
    # IP packets as the packet socket reads them (the fallback)
    udp = struct.pack("!HHHH", 40000, 53, 8 + 12 + len(q), 0) + hdr(14, 0x0100, 1, 0) + q
    ip4 = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 0, 0, 64, 17, 0,
                      b"\x0a\0\0\1", b"\x0a\0\0\2")
    put("fuzz_dns_msg", "packet-udp4", ip4 + udp)
    tcp = struct.pack("!HHIIBBHHH", 53, 40000, 0, 0, 0x50, 0x18, 0, 0, 0)
    msg = hdr(15, 0x8180, 1, 1) + q + a
    ip6 = struct.pack("!IHBB16s16s", 0x60000000, len(tcp) + 2 + len(msg), 6, 64,
                      bytes(15) + b"\1", bytes(15) + b"\2")
    put("fuzz_dns_msg", "packet-tcp6", ip6 + tcp + struct.pack("!H", len(msg) + 100) + msg)
    # a vg_dns record as the ring buffer would carry it (880 bytes), lengths that lie
    rec = bytearray(880)
    patch(rec, 0, "<HHIQ", 40, 880, 0, 1)
    patch(rec, 24 + 54, "<H", 999)  # qname_len past the array
    patch(rec, 360, "<HHH", 70, 900, 3)  # resp_len, msg_len past the array, ancount
    put("fuzz_dns_msg", "record-lying-lengths", bytes(rec))


if __name__ == "__main__":
    dns()
    events()
    netlink()
    texts()
    elf()
    bsd()
    darwin()
    posix()
    legacy()
    traceroute()
    taskstats()
    lsof_netlink()
