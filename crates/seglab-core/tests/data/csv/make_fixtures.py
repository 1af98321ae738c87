"""Writes the CSV fixtures whose bytes are awkward to type: encodings, line ends, NUL bytes, workbooks.

Run from this folder: python3 make_fixtures.py. The plain-text fixtures beside it are written by hand.
"""
import io
import random
import zipfile

def write(name, data):
    with open(name, "wb") as f:
        f.write(data)

crm = (
    "user_id,name,city,plan,mrr\n"
    "u001,Åsa Öberg,Malmö,pro,1200.50\n"
    "u002,José Núñez,Göteborg,free,0\n"
    "u003,Zoë Müller,Umeå,team,350.00\n"
    "u004,François Lefèvre,Västerås,pro,980.25\n"
)
write("utf8_bom.csv", b"\xef\xbb\xbf" + crm.encode("utf-8"))
write("utf16le_bom.csv", b"\xff\xfe" + crm.replace("\n", "\r\n").encode("utf-16-le"))
write("utf16le_no_bom.csv", crm.encode("utf-16-le"))
write("utf16be_bom.csv", b"\xfe\xff" + crm.encode("utf-16-be"))
write("windows1252.csv", crm.replace(",", ";").replace("1200.50", "1200,50").replace("350.00", "350,00")
      .replace("980.25", "980,25").replace("\n", "\r\n").encode("cp1252"))
write("crlf.csv", crm.replace("\n", "\r\n").encode())
write("cr_only.csv", crm.replace("\n", "\r").encode())
write("nul_and_invalid.csv",
      b"id,comment,score\n1,fine,3\n2,bad\x00byte,4\n3,stray \xff byte,5\n4,caf\xc3\xa9,6\n5,ok,7\n")

# A column of 2000 amounts with one stray value: stays numeric, the stray value is reported.
rng = random.Random(7)
lines = ["order_id,amount,status"]
for i in range(2000):
    amount = "n/k" if i == 1234 else f"{rng.uniform(1, 500):.2f}"
    lines.append(f"o{i:05d},{amount},{rng.choice(['paid', 'refunded', 'open'])}")
write("stray_value.csv", ("\n".join(lines) + "\n").encode())

def zip_with(names):
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for n in names:
            z.writestr(n, "<x/>")
    return buf.getvalue()

write("bad/book.xlsx", zip_with(["[Content_Types].xml", "xl/workbook.xml"]))
write("bad/sheet.numbers", zip_with(["Index/Document.iwa", "Metadata/Properties.plist"]))
write("bad/archive.zip", zip_with(["users.csv"]))
write("bad/old.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504))
write("bad/report.pdf", b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n")
write("bad/users.csv.gz", b"\x1f\x8b\x08\x00" + bytes(range(256)) * 4)
write("bad/random.bin", bytes(rng.randrange(256) for _ in range(4096)))
write("one_data_line.csv", b"1,2.5,2025-03-01")
write("bad/empty.csv", b"")
write("bad/blank_lines.csv", b"\n\r\n  \n")
