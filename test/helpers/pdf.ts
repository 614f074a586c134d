import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface PdfFacts {
  /** The PDF version from the file's header, e.g. "1.3". */
  version: string;
  pages: number;
  /** The text as poppler's pdftotext extracts it (what a person copies or a search finds), UTF-8. */
  text: string;
  /** The same with every run of white space (line ends, wraps, page breaks) as one space. */
  flat: string;
  /** The fonts the PDF uses, as pdffonts lists them (name, type, embedded). */
  fonts: { name: string; type: string; embedded: boolean }[];
}

/**
 * Reads a PDF back with poppler-utils (pdftotext, pdfinfo, pdffonts: Debian's poppler-utils,
 * installed by .ci/run), an implementation independent of the one that wrote it.
 */
export function readPdf(bytes: Buffer): PdfFacts {
  const version = /^%PDF-(\d\.\d)/.exec(bytes.subarray(0, 16).toString('latin1'))?.[1];
  if (!version) throw new Error('no %PDF header');
  const path = join(mkdtempSync(join(tmpdir(), 'bulkhub-pdf-')), 'read.pdf');
  writeFileSync(path, bytes);
  const text = execFileSync('pdftotext', ['-enc', 'UTF-8', path, '-'], { encoding: 'utf8' });
  const info = execFileSync('pdfinfo', [path], { encoding: 'utf8' });
  const pages = Number(/^Pages:\s+(\d+)/m.exec(info)?.[1]);
  const fonts = execFileSync('pdffonts', [path], { encoding: 'utf8' })
    .split('\n')
    .slice(2)
    .filter((line) => line.trim() !== '')
    .map((line) => {
      const [name = '', type = '', ...rest] = line.trim().split(/\s+/);
      // columns after the type: encoding, emb, sub, uni, object, generation (the type may be two words)
      const flags = rest.slice(-5);
      return { name, type: type + (rest.length > 6 ? ` ${rest[0]}` : ''), embedded: flags[0] === 'yes' };
    });
  return { version, pages, text, flat: text.replace(/\s+/g, ' ').trim(), fonts };
}
