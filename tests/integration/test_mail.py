#!/usr/bin/python3
"""test_mail.py: vigil's e-mail (the notifier behind alerts, and `vigil report --mail`) against
a real SMTP server on loopback: aiosmtpd, started here in its own process, plain, with
STARTTLS required (a self-signed certificate made here by openssl) and AUTH, or with implicit
TLS. Every message it takes is written to a directory with the envelope and whether TLS and
AUTH were used. The tests parse what arrived with Python's `email` module: the parts, the
inline chart (a PNG of the size the HTML states, referenced by Content-ID), the CSV and SVG
attachments; and check the failures users meet: a wrong CA, a refused login, a server that
goes away mid-run and comes back (every message delivered exactly once, across a restart of
the sender too), and an unreachable server.
"""
import csv
import email
import email.policy
import glob
import io
import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import tempfile
import time
import xml.etree.ElementTree as ET

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402
from harness import check, skip, test  # noqa: E402

NOTIFY = os.path.join(harness.OUT, "tests", "integration", "mail_notify")
PY = "/usr/bin/python3"

SERVER = r'''
import asyncio, json, os, ssl, sys, time
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
out, port, mode = sys.argv[1], int(sys.argv[2]), sys.argv[3]
cert = sys.argv[4] if len(sys.argv) > 4 else None
class H:
    async def handle_DATA(self, server, session, envelope):
        n = len(os.listdir(out))
        meta = {"rcpt": envelope.rcpt_tos, "from": envelope.mail_from,
                "tls": server.transport.get_extra_info("ssl_object") is not None,
                "auth": session.authenticated}
        tmp = os.path.join(out, ".%d.tmp" % n)
        with open(tmp, "wb") as f:
            f.write(json.dumps(meta).encode() + b"\n" + envelope.original_content)
        os.rename(tmp, os.path.join(out, "%06d.eml" % n))
        return "250 OK queued"
def auth(server, session, envelope, mechanism, data):
    ok = data.login == b"vigil" and data.password == b"s3cret pass"
    # handled=False: aiosmtpd itself answers 535 to a refused login
    return AuthResult(success=ok, handled=False)
kw = {}
if mode in ("starttls", "smtps"):
    ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ctx.load_cert_chain(cert + ".crt", cert + ".key")
if mode == "starttls":
    kw = dict(tls_context=ctx, require_starttls=True, authenticator=auth, auth_require_tls=True)
elif mode == "smtps":
    kw = dict(ssl_context=ctx)
c = Controller(H(), hostname="127.0.0.1", port=port, **kw)
c.start()
print("READY", flush=True)
try:
    while True:
        time.sleep(3600)
finally:
    c.stop()
'''


class Smtp:
    """An aiosmtpd server in its own process; messages land in self.dir."""

    def __init__(self, tmp, mode="plain", cert=None, port=None):
        self.tmp, self.mode, self.cert = tmp, mode, cert
        self.dir = tempfile.mkdtemp(dir=tmp, prefix="inbox")
        self.port = port or free_port()
        self.proc = None
        with open(os.path.join(tmp, "smtpd.py"), "w") as f:
            f.write(SERVER)

    def start(self):
        args = [PY, os.path.join(self.tmp, "smtpd.py"), self.dir, str(self.port), self.mode]
        if self.cert:
            args.append(self.cert)
        self.proc = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True)
        line = self.proc.stdout.readline()
        if "READY" not in line:
            raise AssertionError("smtpd did not start: %s" % self.proc.stderr.read())
        return self

    def stop(self):
        if self.proc:
            self.proc.kill()
            self.proc.wait()
            self.proc = None

    def url(self):
        return "%s://127.0.0.1:%d" % ("smtps" if self.mode == "smtps" else "smtp", self.port)

    def messages(self):
        """[(meta, email.message.EmailMessage)], in arrival order."""
        res = []
        for path in sorted(glob.glob(os.path.join(self.dir, "*.eml"))):
            with open(path, "rb") as f:
                meta, raw = f.read().split(b"\n", 1)
            res.append((json.loads(meta),
                        email.message_from_bytes(raw, policy=email.policy.default)))
        return res

    def wait_count(self, n, timeout=60):
        deadline = time.time() + timeout
        while time.time() < deadline:
            if len(glob.glob(os.path.join(self.dir, "*.eml"))) >= n:
                return self.messages()
            time.sleep(0.05)
        raise AssertionError("smtpd: %d message(s) arrived, expected %d"
                             % (len(self.messages()), n))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def make_cert(tmp, name):
    """A self-signed certificate for 127.0.0.1 (its own CA): tmp/name.crt, tmp/name.key."""
    base = os.path.join(tmp, name)
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2",
                    "-subj", "/CN=vigil test " + name, "-addext",
                    "subjectAltName=IP:127.0.0.1,DNS:localhost", "-keyout", base + ".key",
                    "-out", base + ".crt"], check=True, capture_output=True)
    return base


def require_tools():
    if not os.path.exists(NOTIFY):
        skip("%s is not built (make)" % NOTIFY)
    try:
        import aiosmtpd  # noqa: F401
    except ImportError:
        skip("python3-aiosmtpd is not installed (tools/deps.sh)")


def notify(n, server_url, state, *extra, gap=0, wait=30, timeout=120):
    args = [NOTIFY, str(n), str(gap), str(wait), "--smtp", server_url, "--from",
            "vigil@example.org", "--mail-to", "ops@example.org,oncall@example.org",
            "--state-dir", state, *extra]
    return subprocess.run(args, capture_output=True, text=True, timeout=timeout)


def counts(p):
    """{'sent': S, 'failed': F, 'queued': Q} from mail_notify's last line."""
    w = p.stdout.split("\n")[-2].split()
    check(w[0] == "sent", "mail_notify's output: %r %r" % (p.stdout, p.stderr))
    return {w[0]: int(w[1]), w[2]: int(w[3]), w[4]: int(w[5])}


def png_size(data):
    check(data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR", "not a PNG")
    return struct.unpack(">II", data[16:24])


def check_message(msg, meta):
    """The parts every alert mail has: text, HTML naming an inline PNG of its stated size by
    Content-ID, the CSV records and the flame graph SVG."""
    check(msg["From"] == "vigil@example.org", "From: %s" % msg["From"])
    check("ops@example.org" in msg["To"] and "oncall@example.org" in msg["To"], msg["To"])
    check(sorted(meta["rcpt"]) == ["oncall@example.org", "ops@example.org"], meta)
    check(msg["Subject"].startswith("[FIRING:1] DiskFull"), msg["Subject"])
    check(msg["Date"] and msg["Message-ID"].startswith("<vigil."), msg["Message-ID"])
    types = [p.get_content_type() for p in msg.walk()]
    check("text/plain" in types and "text/html" in types, types)
    text = msg.get_body(("plain",)).get_content()
    check("DiskFull" in text and "threshold 50%" in text, text)
    html = msg.get_body(("html",)).get_content()
    import re
    img = re.search(r'<img src="cid:([^"]+)" width="(\d+)" height="(\d+)"', html)
    check(img, "no inline image in the HTML: %s" % html[:500])
    cid, w, h = img.group(1), int(img.group(2)), int(img.group(3))
    parts = {p.get("Content-ID"): p for p in msg.walk() if p.get("Content-ID")}
    check("<%s>" % cid in parts, "no part with Content-ID <%s>: %s" % (cid, list(parts)))
    check(png_size(parts["<%s>" % cid].get_content()) == (w, h),
          "PNG size %s, HTML says %dx%d" % (png_size(parts["<%s>" % cid].get_content()), w, h))
    atts = {p.get_filename(): p for p in msg.iter_attachments()}
    csvs = [p for n, p in atts.items() if n and n.endswith(".csv")]
    svgs = [p for n, p in atts.items() if n and n.endswith(".svg")]
    check(len(csvs) == 1 and len(svgs) == 1, "attachments: %s" % list(atts))
    rows = list(csv.DictReader(io.StringIO(csvs[0].get_content())))
    check(len(rows) == 2 and rows[1]["used_percent"] == "91", rows)
    svg = svgs[0].get_content()
    root = ET.fromstring(svg if isinstance(svg, (bytes, str)) else bytes(svg))
    check(root.tag.endswith("svg"), root.tag)


@test
def alert_mail_has_text_html_inline_chart_csv_and_svg():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp).start()
    try:
        p = notify(1, srv.url(), os.path.join(tmp, "state"), "--smtp-starttls", "never")
        check(counts(p) == {"sent": 1, "failed": 0, "queued": 0}, p.stdout + p.stderr)
        (meta, msg), = srv.wait_count(1)
        check_message(msg, meta)
        check(not os.listdir(os.path.join(tmp, "state", "mail")), "the spool is not empty")
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def starttls_with_a_ca_file_and_auth():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    cert = make_cert(tmp, "server")
    srv = Smtp(tmp, "starttls", cert).start()
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("s3cret pass\n")
    try:
        p = notify(1, srv.url(), os.path.join(tmp, "state"), "--cacert", cert + ".crt",
                   "--smtp-user", "vigil", "--smtp-password-file", pw)
        check(counts(p) == {"sent": 1, "failed": 0, "queued": 0}, p.stdout + p.stderr)
        (meta, msg), = srv.wait_count(1)
        check(meta["tls"] and meta["auth"], "the server saw %s" % meta)
        check_message(msg, meta)
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def implicit_tls_smtps():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    cert = make_cert(tmp, "server")
    srv = Smtp(tmp, "smtps", cert).start()
    try:
        p = notify(1, srv.url(), os.path.join(tmp, "state"), "--cacert", cert + ".crt")
        check(counts(p) == {"sent": 1, "failed": 0, "queued": 0}, p.stdout + p.stderr)
        (meta, msg), = srv.wait_count(1)
        check(meta["tls"], "the server saw %s" % meta)
    finally:
        srv.stop()
        shutil.rmtree(tmp)


def errors(p, what):
    return [line for line in p.stderr.splitlines() if what in line]


@test
def wrong_ca_is_one_clear_error_counted_and_queued():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    cert = make_cert(tmp, "server")
    other = make_cert(tmp, "other")
    srv = Smtp(tmp, "starttls", cert).start()
    state = os.path.join(tmp, "state")
    try:
        # 3 s of retries (1 s, 2 s backoff): more tries, still one message
        p = notify(1, srv.url(), state, "--cacert", other + ".crt", wait=3)
        c = counts(p)
        check(c["sent"] == 0 and c["failed"] >= 2 and c["queued"] == 1, c)
        errs = errors(p, "authentication or TLS failed")
        check(len(errs) == 1, "want one error line, got: %r" % p.stderr)
        check(srv.url() in errs[0] and "certificate" in errs[0].lower(), errs[0])
        check(len(os.listdir(os.path.join(state, "mail"))) == 1, "not queued")
        check(not srv.messages(), "a message went through with the wrong CA")
        # the right CA (as after fixing the configuration): the queued message goes out
        p = notify(0, srv.url(), state, "--cacert", cert + ".crt")
        check(counts(p)["sent"] == 1, p.stdout + p.stderr)
        check(len(srv.wait_count(1)) == 1, "delivered more than once")
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def refused_login_is_one_clear_error():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    cert = make_cert(tmp, "server")
    srv = Smtp(tmp, "starttls", cert).start()
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("wrong\n")
    try:
        p = notify(1, srv.url(), os.path.join(tmp, "state"), "--cacert", cert + ".crt",
                   "--smtp-user", "vigil", "--smtp-password-file", pw, wait=2)
        c = counts(p)
        check(c["sent"] == 0 and c["failed"] >= 1 and c["queued"] == 1, c)
        errs = errors(p, "authentication or TLS failed")
        check(len(errs) == 1 and srv.url() in errs[0], p.stderr)
        check("535" in errs[0] or "login" in errs[0].lower(), errs[0])
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def unreachable_server_is_a_clear_error_and_the_mail_is_queued():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    state = os.path.join(tmp, "state")
    url = "smtp://127.0.0.1:%d" % free_port()  # nothing listens there
    try:
        p = notify(1, url, state, "--smtp-starttls", "never", wait=1.5)
        c = counts(p)
        check(c == {"sent": 0, "failed": c["failed"], "queued": 1} and c["failed"] >= 1, c)
        errs = errors(p, "not delivered")
        check(len(errs) == 1 and url in errs[0] and "connect" in errs[0].lower(), p.stderr)
        files = os.listdir(os.path.join(state, "mail"))
        check(len(files) == 1 and files[0].endswith(".msg"), files)
    finally:
        shutil.rmtree(tmp)


@test
def a_full_spool_disk_still_sends_and_says_what_was_lost():
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp).start()
    state = os.path.join(tmp, "state")
    os.mkdir(state)

    def run(url):
        # the state dir on a 4 KiB tmpfs, in a mount namespace of its own: no room for a message
        cmd = "mount -t tmpfs -o size=4k vigil-full %s && exec %s 1 0 2 --smtp %s " \
              "--smtp-starttls never --from vigil@example.org --mail-to ops@example.org " \
              "--state-dir %s" % (state, NOTIFY, url, state)
        return subprocess.run(["unshare", "-m", "--propagation", "private", "sh", "-c", cmd],
                              capture_output=True, text=True, timeout=60)
    try:
        p = run(srv.url())
        check(counts(p) == {"sent": 1, "failed": 0, "queued": 0}, p.stdout + p.stderr)
        check("cannot queue" in p.stderr and "No space left" in p.stderr, p.stderr)
        check(len(srv.wait_count(1)) == 1, "not delivered")
        srv.stop()
        p = run(srv.url())
        check(counts(p) == {"sent": 0, "failed": 1, "queued": 0}, p.stdout + p.stderr)
        check("lost: it could not be queued" in p.stderr and "send 0 refused" in p.stderr,
              p.stderr)
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def server_stopped_mid_run_every_message_delivered_exactly_once():
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp).start()
    state = os.path.join(tmp, "state")
    spool = os.path.join(state, "mail")
    args = [NOTIFY, "8", "0.3", "120", "--smtp", srv.url(), "--smtp-starttls", "never",
            "--from", "vigil@example.org", "--mail-to", "ops@example.org", "--state-dir",
            state, "--smtp-retry-max", "1s"]
    try:
        p = subprocess.Popen(args, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        srv.wait_count(2)
        srv.stop()
        # wait until two messages are queued while the server is down
        deadline = time.time() + 60
        while time.time() < deadline and len(glob.glob(spool + "/*.msg")) < 2:
            time.sleep(0.05)
        check(len(glob.glob(spool + "/*.msg")) >= 2, "nothing queued while the server was down")
        srv.start()
        out, err = p.communicate(timeout=120)
        c = counts(subprocess.CompletedProcess(args, 0, out, err))
        check(c["sent"] == 8 and c["queued"] == 0, (c, err))
        ids = [m["Message-ID"] for _, m in srv.wait_count(8)]
        check(len(ids) == 8 and len(set(ids)) == 8, "Message-IDs: %s" % ids)

        # across a restart of the sender: killed with mail queued, the next run sends it
        srv.stop()
        p = subprocess.Popen(args[:1] + ["3", "0", "120"] + args[4:], stdout=subprocess.PIPE,
                             stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and len(glob.glob(spool + "/*.msg")) < 3:
            time.sleep(0.05)
        p.kill()
        p.wait()
        queued = len(glob.glob(spool + "/*.msg"))
        check(queued == 3, "queued before the kill: %d" % queued)
        srv.start()
        p = notify(0, srv.url(), state, "--smtp-starttls", "never")
        check(counts(p)["sent"] == 3, p.stdout + p.stderr)
        ids = [m["Message-ID"] for _, m in srv.wait_count(11)]
        time.sleep(0.5)  # nothing more may come
        ids = [m["Message-ID"] for _, m in srv.messages()]
        check(len(ids) == 11 and len(set(ids)) == 11, "Message-IDs: %s" % ids)
        check(not glob.glob(spool + "/*"), "the spool is not empty")
    finally:
        srv.stop()
        shutil.rmtree(tmp)


def report_images(msg):
    """{cid: (width, height)} of the HTML's images, checked against their PNG parts."""
    import re
    html = msg.get_body(("html",)).get_content()
    parts = {p.get("Content-ID"): p for p in msg.walk() if p.get("Content-ID")}
    res = {}
    for cid, w, h in re.findall(r'<img src="cid:([^"]+)" width="(\d+)" height="(\d+)"', html):
        check("<%s>" % cid in parts, "no part for cid:%s" % cid)
        size = png_size(parts["<%s>" % cid].get_content())
        check(size == (int(w), int(h)), "%s: PNG %s, HTML %sx%s" % (cid, size, w, h))
        res[cid] = size
    return res


@test
def report_prints_the_summary_and_disks_as_df_does():
    harness.require_root()
    p = harness.vigil("report", "--duration", "1s")
    out = p.stdout
    for want in ("vigil report:", "run queue latency", "top processes", "disks:"):
        check(want in out, "%r missing from:\n%s" % (want, out))
    root = [line.split() for line in out.split("disks:")[1].splitlines()
            if line.split()[:1] == ["/"]]
    check(root, "no / in the disks:\n%s" % out)
    df = subprocess.run(["df", "--output=pcent", "/"], capture_output=True, text=True,
                        check=True).stdout.split()[-1]
    check(abs(int(root[0][-1].rstrip("%")) - int(df.rstrip("%"))) <= 1,
          "use of /: report %s, df %s" % (root[0][-1], df))


@test
def report_without_privilege_uses_the_fallbacks():
    harness.require_root()  # to become uid 65534
    tmp, exe = harness.unprivileged_vigil()
    try:
        p = subprocess.run(["setpriv", "--reuid", "65534", "--regid", "65534",
                            "--clear-groups", exe, "report", "--duration", "1s"],
                           capture_output=True, text=True, timeout=120, cwd="/")
        check(p.returncode == 0, "exit %d: %s" % (p.returncode, p.stderr))
        check("missing privilege" in p.stdout and "(schedstat)" in p.stdout
              and "disks:" in p.stdout, p.stdout)
    finally:
        shutil.rmtree(tmp)


@test
def report_mailed_with_histogram_charts_and_the_json_summary():
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp).start()
    try:
        harness.vigil("report", "--duration", "1s", "--mail", "ops@example.org,b@example.org",
                      "--smtp", srv.url(), "--smtp-starttls", "never", "--from",
                      "vigil@example.org")
        (meta, msg), = srv.wait_count(1)
        check(sorted(meta["rcpt"]) == ["b@example.org", "ops@example.org"], meta)
        check(msg["Subject"] == "vigil report: %s" % socket.gethostname(), msg["Subject"])
        text = msg.get_body(("plain",)).get_content()
        check("run queue latency" in text and "disks:" in text, text)
        imgs = report_images(msg)
        check(set(imgs) == {"runq.png", "oncpu.png"}, imgs)
        atts = {p.get_filename(): p for p in msg.iter_attachments()}
        summary = json.loads(atts["summary.json"].get_content())
        check(summary["runq"]["count"] > 0, summary["runq"])
    finally:
        srv.stop()
        shutil.rmtree(tmp)


@test
def report_bad_flags_exit_2_naming_the_flag():
    for args, flag in ((["--mail", "nobody"], "--mail"),
                       (["--mail", "a@b.c", "--smtp", "smtp://h"], "--from"),
                       (["--smtp", "http://h", "--mail", "a@b.c", "--from", "x@y.z"], "--smtp"),
                       (["--mail", "a@b.c", "--smtp", "smtps://h", "--from", "x@y.z",
                         "--smtp-starttls", "try"], "--smtp-starttls"),
                       (["--mail", "a@b.c", "--smtp", "smtp://h", "--from", "x@y.z",
                         "--smtp-user", "u"], "--smtp-password-file")):
        p = harness.vigil("report", *args, check=False)
        check(p.returncode == 2 and flag in p.stderr, "%s: %d %s" % (args, p.returncode,
                                                                     p.stderr))


@test
def report_to_an_unreachable_server_is_queued_then_sent_by_the_next():
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp)
    state = os.path.join(tmp, "state")
    args = ["report", "--duration", "1s", "--mail", "ops@example.org", "--smtp", srv.url(),
            "--smtp-starttls", "never", "--from", "vigil@example.org", "--state-dir", state]
    try:
        p = harness.vigil(*args, check=False)
        check(p.returncode == 1, "exit %d" % p.returncode)
        check("not delivered: %s" % srv.url() in p.stderr and "connect" in p.stderr.lower(),
              p.stderr)
        check(len(glob.glob(state + "/mail/*.msg")) == 1, "not queued: %s" % p.stderr)
        srv.start()
        p = harness.vigil(*args)
        check("1 queued message(s) sent" in p.stderr, p.stderr)
        ids = [m["Message-ID"] for _, m in srv.wait_count(2)]
        check(len(set(ids)) == 2, ids)
        check(not glob.glob(state + "/mail/*"), "the spool is not empty")
    finally:
        srv.stop()
        shutil.rmtree(tmp)


RULES = """
groups:
  - name: disk
    rules:
      - alert: SmallDiskFull
        expr: disk_used_percent{mount="%(mnt)s"} > 50
        for: 0s
        labels:
          severity: page
        annotations:
          summary: "{{ $labels.mount }} is {{ $value }}%% full"
          description: a file fills the test's own file system
route:
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1s
  repeat_interval: 1h
  send_resolved: true
"""


def metric(port, name):
    import urllib.request
    text = urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=10).read()
    for line in text.decode().splitlines():
        if line.startswith(name + " ") or line.startswith(name + "{"):
            return float(line.split()[-1])
    return None


class Serve:
    """vigil serve --rules in a mount namespace of its own, where a 32 MiB ext4 image is
    mounted at tmp/small; run() runs a command in that namespace."""

    def __init__(self, tmp, srv, *mail_args, rules_text=RULES):
        self.tmp, self.mnt = tmp, os.path.join(tmp, "small")
        img = os.path.join(tmp, "small.img")
        if not os.path.exists(img):
            os.mkdir(self.mnt)
            with open(img, "wb") as f:
                f.truncate(32 << 20)
            subprocess.run(["mkfs.ext4", "-q", "-F", "-m", "0", img], check=True,
                           capture_output=True)
        rules = os.path.join(tmp, "rules.yml")
        with open(rules, "w") as f:
            f.write(rules_text % {"mnt": self.mnt})
        self.port = free_port()
        cmd = ("mount -o loop %s %s && exec %s serve --listen 127.0.0.1:%d --rules %s "
               "--eval-interval 200ms --smtp %s --from vigil@example.org "
               "--mail-to ops@example.org --state-dir %s/state --smtp-retry-max 1s %s"
               % (img, self.mnt, harness.VIGIL, self.port, rules, srv.url(), tmp,
                  " ".join(mail_args)))
        self.p = subprocess.Popen(["unshare", "-m", "--propagation", "private", "sh", "-c",
                                   cmd], stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  text=True)
        deadline = time.time() + 60
        while time.time() < deadline and self.p.poll() is None:
            try:
                if metric(self.port, "vigil_notifications_failed_total") is not None:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise AssertionError("serve did not start: %s" % self.stop())

    def run(self, *args):
        subprocess.run(["nsenter", "-t", str(self.p.pid), "-m", *args], check=True,
                       capture_output=True)

    def failed(self):
        return metric(self.port, 'vigil_notifications_failed_total{kind="mail"}')

    def stop(self):
        """Stop serve; its stderr."""
        self.p.terminate()
        try:
            _, err = self.p.communicate(timeout=30)
        except subprocess.TimeoutExpired:
            self.p.kill()
            _, err = self.p.communicate()
        return err


@test
def serve_rule_fires_on_a_filling_disk_mail_with_chart_and_csv_then_resolved():
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    srv = Smtp(tmp).start()
    sv = None
    try:
        sv = Serve(tmp, srv, "--smtp-starttls", "never")
        mnt = sv.mnt
        check(not srv.messages(), "mail before the disk filled")
        sv.run("dd", "if=/dev/zero", "of=%s/fill" % mnt, "bs=1M", "count=24", "conv=fsync")
        (meta, msg), = srv.wait_count(1)
        check(msg["Subject"].startswith("[FIRING:1] SmallDiskFull"), msg["Subject"])
        text = msg.get_body(("plain",)).get_content()
        check("%s is" % mnt in text and "> 50" in text, text)
        imgs = report_images(msg)
        check(len(imgs) == 1 and list(imgs.values())[0] == (640, 240), imgs)
        atts = {a.get_filename(): a for a in msg.iter_attachments()}
        csvs = [a for n, a in atts.items() if n.endswith(".csv")]
        check(len(csvs) == 1, list(atts))
        rows = list(csv.DictReader(io.StringIO(csvs[0].get_content())))
        check(any(r["mount"] == mnt and float(r["used_percent"]) > 50 for r in rows), rows)

        sv.run("rm", "%s/fill" % mnt)
        msgs = srv.wait_count(2)
        check(msgs[1][1]["Subject"].startswith("[RESOLVED] SmallDiskFull"),
              msgs[1][1]["Subject"])
        check(msgs[0][1]["Message-ID"] != msgs[1][1]["Message-ID"], "the same Message-ID")
        check(sv.failed() == 0, "failed notifications")
        check(not glob.glob(tmp + "/state/mail/*"), "the spool is not empty")
    finally:
        if sv:
            sv.stop()
        srv.stop()
        shutil.rmtree(tmp)


CPU_RULES = """
groups:
  - name: cpu
    rules:
      - alert: Busy
        expr: cpu_percent > 30
        for: 0s
route:
  group_by: [alertname]
  group_wait: 0s
  group_interval: 1h
  repeat_interval: 1h
"""


@test
def serve_cpu_alert_mail_carries_a_flame_graph_of_the_busy_process():
    """A CPU alert's mail attaches a short profile's flame graph, titled with the rule and
    host, in which the process that burns the CPU is a frame."""
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    burner = os.path.join(tmp, "vigilburn")
    shutil.copy("/bin/dash", burner)
    srv = Smtp(tmp).start()
    sv, burn = None, []
    try:
        sv = Serve(tmp, srv, "--smtp-starttls", "never", rules_text=CPU_RULES)
        burn = [subprocess.Popen([burner, "-c", "while :; do :; done"]) for _ in range(2)]
        (meta, msg), = srv.wait_count(1)
        check(msg["Subject"].startswith("[FIRING:1] Busy"), msg["Subject"])
        svgs = [a for a in msg.iter_attachments()
                if a.get_content_type() == "image/svg+xml"]
        check(len(svgs) == 1, [a.get_filename() for a in msg.iter_attachments()])
        svg = svgs[0].get_content()
        root = ET.fromstring(svg)
        text = "".join(root.itertext())
        check(root.tag.endswith("svg") and "Busy on %s" % socket.gethostname() in text,
              text[:300])
        check("vigilburn" in text, "the burner is not in the flame graph: %s" % text[:600])
    finally:
        for b in burn:
            b.kill()
            b.wait()
        if sv:
            sv.stop()
        srv.stop()
        shutil.rmtree(tmp)


@test
def serve_with_a_wrong_ca_logs_once_counts_failures_and_delivers_after_a_restart():
    harness.require_root()
    require_tools()
    tmp = tempfile.mkdtemp(prefix="vigil-mail-")
    cert, other = make_cert(tmp, "server"), make_cert(tmp, "other")
    srv = Smtp(tmp, "starttls", cert).start()
    spool = os.path.join(tmp, "state", "mail")
    sv = None
    try:
        sv = Serve(tmp, srv, "--cacert", other + ".crt")
        sv.run("dd", "if=/dev/zero", "of=%s/fill" % sv.mnt, "bs=1M", "count=24", "conv=fsync")
        deadline = time.time() + 60
        while time.time() < deadline and (sv.failed() or 0) < 3:
            time.sleep(0.1)
        check(sv.failed() >= 3, "vigil_notifications_failed_total: %s" % sv.failed())
        queued = [os.path.basename(f)[:-4] for f in glob.glob(spool + "/*.msg")]
        check(len(queued) == 1, "queued: %s" % queued)
        err = sv.stop()
        sv = None
        lines = [line for line in err.splitlines() if "authentication or TLS failed" in line]
        check(len(lines) == 1 and srv.url() in lines[0], "want one error line: %r" % err)
        check(not srv.messages(), "a message went through with the wrong CA")
        # the CA fixed, serve restarted: what was queued goes, once
        sv = Serve(tmp, srv, "--cacert", cert + ".crt")
        srv.wait_count(1)
        deadline = time.time() + 30
        while time.time() < deadline and glob.glob(spool + "/%s.msg" % queued[0]):
            time.sleep(0.1)
        ids = [m["Message-ID"] for _, m in srv.messages()]
        check(ids.count("<%s>" % queued[0]) == 1, "queued %s, received %s" % (queued, ids))
    finally:
        if sv:
            sv.stop()
        srv.stop()
        shutil.rmtree(tmp)


if __name__ == "__main__":
    harness.main()
