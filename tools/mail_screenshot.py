#!/usr/bin/python3
"""mail_screenshot.py MESSAGE.eml OUT.png [HEIGHT]: render a received e-mail's HTML part as a mail reader
shows it, with chromium headless: each cid: image is replaced by its part (a data: URI), and the
headers (From, To, Subject, Date, attachments) are shown above the body. For docs/mail.md.
"""
import base64
import email
import email.policy
import os
import re
import subprocess
import sys
import tempfile
from html import escape


def main():
    src, out = sys.argv[1], sys.argv[2]
    with open(src, "rb") as f:
        raw = f.read()
    if raw.startswith(b"{"):  # test_mail.py's inbox: a JSON line of envelope first
        raw = raw.split(b"\n", 1)[1]
    msg = email.message_from_bytes(raw, policy=email.policy.default)
    html = msg.get_body(("html",)).get_content()
    for part in msg.walk():
        cid = (part.get("Content-ID") or "").strip("<>")
        if cid:
            uri = "data:%s;base64,%s" % (part.get_content_type(),
                                         base64.b64encode(part.get_content()).decode())
            html = html.replace("cid:" + cid, uri)
    atts = ", ".join(p.get_filename() for p in msg.iter_attachments() if p.get_filename())
    head = "".join("<div><b>%s:</b> %s</div>" % (k, escape(str(msg[k] or "")))
                   for k in ("From", "To", "Subject", "Date"))
    if atts:
        head += "<div><b>Attachments:</b> %s</div>" % escape(atts)
    page = ('<div style="font-family:sans-serif;font-size:13px;background:#f2f2f2;'
            'padding:8px 12px;border-bottom:1px solid #ccc">%s</div>' % head)
    html = re.sub(r"<body([^>]*)>", lambda m: "<body%s>%s" % (m.group(1), page), html, 1)
    with tempfile.TemporaryDirectory() as tmp:
        path = os.path.join(tmp, "m.html")
        with open(path, "w") as f:
            f.write(html)
        subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=760,%s" % sys.argv[3]
                        if len(sys.argv) > 3 else "--window-size=760,900",
                        "--screenshot=" + os.path.abspath(out), "file://" + path],
                       check=True, capture_output=True, timeout=120)


if __name__ == "__main__":
    main()
