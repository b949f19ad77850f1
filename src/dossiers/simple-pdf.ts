/**
 * A one-page PDF of plain text lines (Helvetica, WinAnsi), written by hand: the demo documents and
 * the tests' KBIS and RIB need real PDFs that `pdftotext` reads, without a browser. Not a layout
 * engine — contracts and letters are rendered from templates in Chromium.
 */

/** Characters outside Latin-1 are dropped; \, ( and ) are escaped. */
function pdfString(text: string): string {
  let out = "";
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (ch === "\\" || ch === "(" || ch === ")") out += `\\${ch}`;
    else if (code >= 32 && code < 127) out += ch;
    else if (code >= 160 && code < 256) out += `\\${code.toString(8).padStart(3, "0")}`;
  }
  return out;
}

export function simplePdf(title: string, lines: string[]): Buffer {
  const content = [
    "BT", "/F1 16 Tf", "56 780 Td", `(${pdfString(title)}) Tj`, "/F1 11 Tf", "0 -28 Td",
    ...lines.flatMap((l) => [`(${pdfString(l)}) Tj`, "0 -16 Td"]), "ET",
  ].join("\n");
  const objects = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
    "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    `<< /Length ${Buffer.byteLength(content, "latin1")} >>\nstream\n${content}\nendstream`,
  ];
  let body = "%PDF-1.4\n%\xE2\xE3\xCF\xD3\n";
  const offsets: number[] = [];
  objects.forEach((o, i) => {
    offsets.push(Buffer.byteLength(body, "latin1"));
    body += `${i + 1} 0 obj\n${o}\nendobj\n`;
  });
  const xref = Buffer.byteLength(body, "latin1");
  body += `xref\n0 ${objects.length + 1}\n0000000000 65535 f \n${offsets.map((o) => `${String(o).padStart(10, "0")} 00000 n \n`).join("")}`;
  body += `trailer\n<< /Size ${objects.length + 1} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(body, "latin1");
}
