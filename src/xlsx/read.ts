import { StringDecoder } from 'node:string_decoder';
import type { Readable } from 'node:stream';
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import yauzl, { type Entry, type ZipFile } from 'yauzl';
import { RunRefused } from '../domain/codes.js';
import { booleanText, columnIndex, columnName, numberText, unescapeXstring } from './cell-text.js';
import { SharedStrings } from './shared-strings.js';

/**
 * Reads one sheet of an Excel workbook (.xlsx, .xlsm: Office Open XML, ECMA-376 Part 1) a row at
 * a time, every cell as text. The archive is read with yauzl, which finds every part through the
 * zip's central directory, so the workbook, its relationships and the shared strings are read
 * before the sheet whatever order the writing program stored them in; the XML is parsed as a
 * stream with saxes. Memory holds a few rows and the shared strings' offsets (see shared-strings.ts).
 *
 * A cell's text: a text cell as typed (leading zeros and `+` kept); a number cell by `numberText`;
 * a TRUE/FALSE cell as `TRUE`/`FALSE`; an error cell as Excel's words (`#N/A`). A formula is
 * never evaluated: its cached result (what Excel last showed) is read, and a formula without one
 * refuses the workbook (FORMULA_WITHOUT_VALUE).
 */

export interface SheetRow {
  /** The sheet's row number (the first row is 1). */
  line: number;
  /** Cells by column (A is 0); a column with no cell is ''. */
  cells: string[];
}

export interface OpenedSheet {
  /** The sheet read, and every sheet of the workbook in tab order. */
  sheet: string;
  sheets: string[];
  /** The sheet's rows in order, rows without cells left out; can be iterated once. */
  rows: AsyncIterable<SheetRow>;
  /** How much of the sheet has been read, 0 to 1. */
  progress(): number;
  /** Stops reading and releases the file, for a caller that will not finish `rows`. */
  close(): void;
}

/** Excel's own limit: columns A to XFD. */
const MAX_COLUMNS = 16384;

const SAVE_AS = 'Open it in Excel (or another spreadsheet) and save it as an Excel Workbook (.xlsx) or as "CSV UTF-8", then retry.';

/** Opens the workbook at `path` and the sheet to read: `sheet` by name, else the first visible one. */
export async function openSheet(path: string, options: { sheet?: string } = {}): Promise<OpenedSheet> {
  const zip = await openZip(path);
  let strings: SharedStrings | undefined;
  try {
    const entries = await listEntries(zip);
    const workbookPath = await officeDocument(zip, entries);
    const workbook = await readWorkbook(zip, entries, workbookPath);
    const chosen = chooseSheet(workbook.sheets, options.sheet);
    const sheetEntry = entries.get(chosen.path);
    if (!sheetEntry) throw notAWorkbook(`the sheet "${chosen.name}" names the part ${chosen.path}, which the archive does not hold`);
    strings = workbook.sharedStrings && entries.has(workbook.sharedStrings) ? await readSharedStrings(zip, entries.get(workbook.sharedStrings)!) : undefined;
    const reader = new SheetReader(zip, sheetEntry, strings);
    return {
      sheet: chosen.name,
      sheets: workbook.sheets.map((s) => s.name),
      rows: reader.rows(),
      progress: () => reader.progress(),
      close: () => reader.close(),
    };
  } catch (error) {
    strings?.close();
    zip.close();
    throw error;
  }
}

function openZip(path: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(path, { lazyEntries: true, autoClose: false, strictFileNames: false, validateEntrySizes: true }, (error, zip) => {
      if (error) reject(notAWorkbook(`it cannot be opened as a ZIP archive (${error.message}); it may be damaged or cut short`));
      else resolve(zip);
    });
  });
}

function listEntries(zip: ZipFile): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on('entry', (entry: Entry) => {
      entries.set(entry.fileName.replace(/\\/g, '/'), entry);
      zip.readEntry();
    });
    zip.once('end', () => resolve(entries));
    zip.once('error', (error: Error) => reject(notAWorkbook(`its ZIP directory is damaged (${error.message})`)));
    zip.readEntry();
  });
}

function entryStream(zip: ZipFile, entry: Entry): Promise<Readable> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error) reject(notAWorkbook(`its part ${entry.fileName} cannot be read (${error.message})`));
      else resolve(stream);
    });
  });
}

/** Element and attribute names without their namespace prefix (`x:row` is `row`). */
const local = (name: string): string => {
  const colon = name.indexOf(':');
  return colon < 0 ? name : name.slice(colon + 1);
};

interface XmlHandlers {
  open?(name: string, attributes: Record<string, string>): void;
  text?(text: string): void;
  close?(name: string): void;
}

/** A streaming XML parser fed with bytes: UTF-8 sequences split between chunks are joined first. */
function xmlParser(part: string, handlers: XmlHandlers): { write(chunk: Buffer): void; end(): void } {
  const parser = new SaxesParser({ position: false });
  const decoder = new StringDecoder('utf8');
  let failure: Error | undefined;
  parser.on('error', (error) => {
    failure ??= error;
  });
  if (handlers.open) {
    const open = handlers.open;
    parser.on('opentag', (tag) => open(local(tag.name), (tag as SaxesTagPlain).attributes));
  }
  if (handlers.text) {
    parser.on('text', handlers.text);
    parser.on('cdata', handlers.text);
  }
  if (handlers.close) {
    const close = handlers.close;
    parser.on('closetag', (tag) => close(local(tag.name)));
  }
  const check = (): void => {
    if (failure) throw notAWorkbook(`its part ${part} is not well-formed XML (${failure.message})`);
  };
  return {
    write(chunk) {
      parser.write(decoder.write(chunk));
      check();
    },
    end() {
      parser.write(decoder.end());
      parser.close();
      check();
    },
  };
}

/** Parses a whole (small) part. */
async function parsePart(zip: ZipFile, entry: Entry, handlers: XmlHandlers): Promise<void> {
  const parser = xmlParser(entry.fileName, handlers);
  for await (const chunk of await entryStream(zip, entry)) parser.write(chunk as Buffer);
  parser.end();
}

/** The relationships of a part: id → target path inside the archive, with its type. */
async function readRelationships(zip: ZipFile, entries: Map<string, Entry>, of: string): Promise<Map<string, { target: string; type: string }>> {
  const slash = of.lastIndexOf('/');
  const dir = slash < 0 ? '' : of.slice(0, slash + 1);
  const relsPath = `${dir}_rels/${of.slice(slash + 1)}.rels`;
  const rels = new Map<string, { target: string; type: string }>();
  const entry = entries.get(relsPath);
  if (!entry) return rels;
  await parsePart(zip, entry, {
    open(name, attributes) {
      if (name !== 'Relationship' || attributes.TargetMode === 'External' || !attributes.Id || !attributes.Target) return;
      rels.set(attributes.Id, { target: resolvePartPath(dir, attributes.Target), type: attributes.Type ?? '' });
    },
  });
  return rels;
}

/** A relationship target relative to its part's folder (or absolute, from the archive's root). */
function resolvePartPath(dir: string, target: string): string {
  const parts = (target.startsWith('/') ? target.slice(1) : dir + target).split('/');
  const out: string[] = [];
  for (const part of parts) {
    if (part === '..') out.pop();
    else if (part !== '.' && part !== '') out.push(part);
  }
  return out.join('/');
}

/** The workbook part, found through the package's relationships (`xl/workbook.xml` in practice). */
async function officeDocument(zip: ZipFile, entries: Map<string, Entry>): Promise<string> {
  const root = await readRelationships(zip, entries, '');
  const found = [...root.values()].find((r) => r.type.endsWith('/officeDocument'))?.target ?? 'xl/workbook.xml';
  if (entries.has(found) && found.endsWith('.xml')) return found;
  if (entries.has('xl/workbook.bin') || found.endsWith('.bin')) {
    throw notAWorkbook('it is an Excel binary workbook (.xlsb), which is not read');
  }
  if (entries.has('mimetype') && entries.has('content.xml')) {
    throw notAWorkbook('it is an OpenDocument file (.ods), not an Excel workbook');
  }
  if (entries.has('word/document.xml')) throw notAWorkbook('it is a Word document (.docx), not a workbook');
  throw notAWorkbook('it is a ZIP archive without a workbook in it');
}

interface SheetInfo {
  name: string;
  path: string;
  visible: boolean;
}

async function readWorkbook(zip: ZipFile, entries: Map<string, Entry>, workbookPath: string): Promise<{ sheets: SheetInfo[]; sharedStrings?: string }> {
  const rels = await readRelationships(zip, entries, workbookPath);
  const listed: { name: string; rid: string; state: string }[] = [];
  await parsePart(zip, entries.get(workbookPath)!, {
    open(name, attributes) {
      if (name !== 'sheet') return;
      const rid = Object.entries(attributes).find(([key]) => key.endsWith(':id'))?.[1] ?? '';
      listed.push({ name: attributes.name ?? '', rid, state: attributes.state ?? 'visible' });
    },
  });
  // Chart sheets have no cells: only worksheets can be read.
  const sheets = listed.flatMap(({ name, rid, state }) => {
    const rel = rels.get(rid);
    return rel && rel.type.endsWith('/worksheet') ? [{ name, path: rel.target, visible: state === 'visible' }] : [];
  });
  if (sheets.length === 0) throw notAWorkbook('the workbook has no worksheet');
  const sharedStrings = [...rels.values()].find((r) => r.type.endsWith('/sharedStrings'))?.target;
  return sharedStrings === undefined ? { sheets } : { sheets, sharedStrings };
}

function chooseSheet(sheets: SheetInfo[], wanted: string | undefined): SheetInfo {
  if (wanted === undefined) return sheets.find((s) => s.visible) ?? sheets[0]!;
  const found = sheets.find((s) => s.name === wanted) ?? sheets.find((s) => s.name.trim().toLowerCase() === wanted.trim().toLowerCase());
  if (found) return found;
  throw new RunRefused(
    'SHEET_NOT_FOUND',
    `The workbook has no sheet "${wanted}". Its sheets: ${sheets.map((s) => `"${s.name}"`).join(', ')}. Pass one of them with --sheet.`,
  );
}

async function readSharedStrings(zip: ZipFile, entry: Entry): Promise<SharedStrings> {
  const strings = new SharedStrings();
  let text = '';
  let collecting = false;
  let phonetic = 0;
  try {
    await parsePart(zip, entry, {
      open(name) {
        if (name === 'si') text = '';
        else if (name === 'rPh') phonetic++;
        else if (name === 't' && phonetic === 0) collecting = true;
      },
      text(value) {
        if (collecting) text += value;
      },
      close(name) {
        if (name === 't') collecting = false;
        else if (name === 'rPh') phonetic--;
        // Rich text: the runs' texts joined. Phonetic guides (rPh, Japanese furigana) are not the text.
        else if (name === 'si') strings.add(unescapeXstring(text));
      },
    });
    strings.seal();
    return strings;
  } catch (error) {
    strings.close();
    throw error;
  }
}

/** The rows of one worksheet part, parsed as they are inflated. */
class SheetReader {
  private stream: Readable | undefined;
  private inflated = 0;
  private closed = false;
  private readonly ready: SheetRow[] = [];
  private failure: RunRefused | undefined;
  // The cell being read.
  private line = 0;
  private cells: string[] = [];
  private column = -1;
  private type = 'n';
  private formula: string | undefined;
  private value: string | undefined;
  private collecting: 'v' | 't' | 'f' | undefined;
  private inline = false;
  private phonetic = 0;

  constructor(
    private readonly zip: ZipFile,
    private readonly entry: Entry,
    private readonly strings: SharedStrings | undefined,
  ) {}

  progress(): number {
    return this.entry.uncompressedSize > 0 ? Math.min(1, this.inflated / this.entry.uncompressedSize) : 1;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stream?.destroy();
    this.strings?.close();
    this.zip.close();
  }

  async *rows(): AsyncGenerator<SheetRow> {
    try {
      const parser = xmlParser(this.entry.fileName, {
        open: (name, attributes) => this.open(name, attributes),
        text: (text) => this.text(text),
        close: (name) => this.closeTag(name),
      });
      this.stream = await entryStream(this.zip, this.entry);
      for await (const chunk of this.stream) {
        this.inflated += (chunk as Buffer).length;
        parser.write(chunk as Buffer);
        if (this.failure) throw this.failure;
        while (this.ready.length > 0) yield this.ready.shift()!;
      }
      parser.end();
      if (this.failure) throw this.failure;
      while (this.ready.length > 0) yield this.ready.shift()!;
    } finally {
      this.close();
    }
  }

  private open(name: string, attributes: Record<string, string>): void {
    switch (name) {
      case 'row': {
        const r = Number(attributes.r);
        this.line = Number.isInteger(r) && r > this.line ? r : this.line + 1;
        this.cells = [];
        this.column = -1;
        break;
      }
      case 'c': {
        const at = attributes.r === undefined ? -1 : columnIndex(attributes.r);
        this.column = at >= 0 ? at : this.column + 1;
        this.type = attributes.t ?? 'n';
        this.formula = undefined;
        this.value = undefined;
        this.inline = false;
        break;
      }
      case 'f':
        this.formula = '';
        this.collecting = 'f';
        break;
      case 'v':
        this.value = '';
        this.collecting = 'v';
        break;
      case 'is':
        this.inline = true;
        this.value = '';
        break;
      case 'rPh':
        this.phonetic++;
        break;
      case 't':
        if (this.inline && this.phonetic === 0) this.collecting = 't';
        break;
    }
  }

  private text(text: string): void {
    if (this.collecting === 'v' || this.collecting === 't') this.value += text;
    else if (this.collecting === 'f' && this.formula!.length < 200) this.formula += text;
  }

  private closeTag(name: string): void {
    switch (name) {
      case 'v':
      case 't':
      case 'f':
        this.collecting = undefined;
        break;
      case 'rPh':
        this.phonetic--;
        break;
      case 'is':
        this.inline = false;
        break;
      case 'c':
        if (this.failure === undefined && this.column >= 0 && this.column < MAX_COLUMNS) {
          const text = this.cellText();
          if (text !== '') this.cells[this.column] = text;
        }
        break;
      case 'row':
        if (this.cells.length > 0) {
          for (let i = 0; i < this.cells.length; i++) this.cells[i] ??= '';
          this.ready.push({ line: this.line, cells: this.cells });
        }
        this.cells = [];
        break;
    }
  }

  private cellText(): string {
    const where = `${columnName(this.column)}${this.line}`;
    if (this.value === undefined) {
      if (this.formula !== undefined) {
        this.failure = new RunRefused(
          'FORMULA_WITHOUT_VALUE',
          `Cell ${where} holds a formula (=${this.formula}) with no saved result: the program that wrote the workbook did not calculate it, and bulkhub never runs formulas. ` +
            'Open the workbook in Excel or LibreOffice and save it again (that stores every result), or replace the formulas by their values.',
          { line: this.line },
        );
      }
      return '';
    }
    const stored = this.value;
    switch (this.type) {
      case 's': {
        const text = this.strings?.get(Number(stored));
        if (text === undefined) {
          this.failure = notAWorkbook(`cell ${where} points at shared text number ${stored}, which the workbook does not hold`, this.line);
          return '';
        }
        return text;
      }
      case 'inlineStr':
      case 'str':
        return unescapeXstring(stored);
      case 'b':
        return booleanText(stored);
      case 'e':
      case 'd':
        return stored;
      default:
        return stored.trim() === '' ? '' : numberText(stored);
    }
  }
}

function notAWorkbook(reason: string, line?: number): RunRefused {
  return new RunRefused('NOT_A_WORKBOOK', `The file cannot be read as an Excel workbook: ${reason}. ${SAVE_AS}`, line === undefined ? {} : { line });
}
