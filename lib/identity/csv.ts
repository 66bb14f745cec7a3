/**
 * CSV for the identity-map table: parse what spreadsheets write (Excel in Spanish uses ";" because
 * "," is the decimal separator; UTF-8 files may start with a BOM; quoted fields may hold the
 * separator, doubled quotes and line breaks). Values stay strings: "000123" keeps its zeros.
 * The editor writes its CSV export itself.
 */
import { errorMessage, isRecord } from '../types';
import { TableEntry, TableIssue, validateTable } from './table';

export type Separator = ',' | ';' | '\t';

export interface CsvRows {
    rows: string[][];
    separator: Separator;
}

const SEPARATORS: Separator[] = [';', ',', '\t'];

/** Counts each candidate separator outside quotes on the first non-blank line; ";" wins ties. */
export function detectSeparator(text: string): Separator {
    const counts = new Map<Separator, number>(SEPARATORS.map((s) => [s, 0]));
    let quoted = false;
    let seen = false;
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (ch === '"') {
            quoted = !quoted;
            seen = true;
        } else if (!quoted && (ch === '\n' || ch === '\r')) {
            if (seen) break;
        } else if (!quoted && counts.has(ch as Separator)) {
            counts.set(ch as Separator, (counts.get(ch as Separator) ?? 0) + 1);
            seen = true;
        } else if (ch.trim() !== '') {
            seen = true;
        }
    }
    let best: Separator = ';';
    let bestCount = 0;
    for (const s of SEPARATORS) {
        const c = counts.get(s) ?? 0;
        if (c > bestCount) {
            best = s;
            bestCount = c;
        }
    }
    return best;
}

/** Excel's text-forcing form ="000123" becomes 000123. */
function unwrapExcelText(cell: string): string {
    const m = /^="(.*)"$/s.exec(cell);
    return m ? m[1].replace(/""/g, '"') : cell;
}

/**
 * Splits CSV text into rows of cells. Handles a UTF-8 BOM, an Excel "sep=;" first line, quoted
 * fields (separators, "" and line breaks inside), CRLF / LF / CR line ends. Rows whose cells are
 * all blank are dropped. `separator` forces one; otherwise it is detected.
 */
export function parseCsv(input: string, separator?: Separator): CsvRows {
    let text = input.replace(/^\uFEFF/, '');
    const sepLine = /^sep=(.)\r?\n/i.exec(text);
    if (sepLine) {
        text = text.slice(sepLine[0].length);
        if (!separator && (SEPARATORS as string[]).includes(sepLine[1])) separator = sepLine[1] as Separator;
    }
    const sep = separator ?? detectSeparator(text);
    const rows: string[][] = [];
    let row: string[] = [];
    let cell = '';
    let quoted = false;
    let wasQuoted = false;
    const endCell = () => {
        row.push(wasQuoted ? cell : unwrapExcelText(cell.trim()));
        cell = '';
        wasQuoted = false;
    };
    const endRow = () => {
        endCell();
        if (row.some((c) => c.trim() !== '')) rows.push(row);
        row = [];
    };
    for (let i = 0; i < text.length; i++) {
        const ch = text[i];
        if (quoted) {
            if (ch === '"') {
                if (text[i + 1] === '"') {
                    cell += '"';
                    i++;
                } else {
                    quoted = false;
                }
            } else {
                cell += ch;
            }
        } else if (ch === '"' && cell.trim() === '' && !wasQuoted) {
            // A quote opening a field (spaces before it are dropped, as spreadsheets do).
            cell = '';
            quoted = true;
            wasQuoted = true;
        } else if (ch === sep) {
            endCell();
        } else if (ch === '\r' || ch === '\n') {
            if (ch === '\r' && text[i + 1] === '\n') i++;
            endRow();
        } else if (wasQuoted) {
            // Text after a closing quote ("a"b): keep it rather than lose it.
            if (ch.trim() !== '') cell += ch;
        } else {
            cell += ch;
        }
    }
    if (cell !== '' || row.length > 0 || wasQuoted) endRow();
    return { rows, separator: sep };
}

const HEADER_WORDS = new Set([
    'source', 'sourceid', 'origen', 'idorigen', 'iddeorigen', 'person', 'personid', 'personcode', 'persona', 'idpersona',
    'code', 'codigo', 'codigopersona', 'key', 'clave', 'user', 'username', 'usuario', 'name', 'nombre', 'email', 'correo',
    'employeeid', 'employeeinternalid', 'employee', 'empleado', 'idempleado', 'humand', 'humandid', 'humandemployeeid',
    'idhumand', 'legajo', 'target', 'destino', 'iddestino', 'dni',
]);

function headerWord(cell: string): string {
    return cell
        .normalize('NFD')
        .replace(/[\u0300-\u036f]/g, '')
        .toLowerCase()
        .replace(/[^a-z0-9]/g, '');
}

/** A first row is a header when one of its first two cells is a known column name (either language). */
export function looksLikeHeader(row: string[]): boolean {
    return row.slice(0, 2).some((c) => HEADER_WORDS.has(headerWord(c)));
}

export interface MappingCsv {
    entries: TableEntry[];
    separator: Separator;
    header: boolean;
    /** 1-based line numbers (of data rows) that had fewer than two cells; they are still returned with a blank target. */
    shortRows: number[];
}

/** Reads a two-column mapping (source id, Humand employee id). Extra columns are ignored. */
export function parseMappingCsv(text: string, separator?: Separator): MappingCsv {
    const { rows, separator: sep } = parseCsv(text, separator);
    const header = rows.length > 0 && looksLikeHeader(rows[0]);
    const data = header ? rows.slice(1) : rows;
    const shortRows: number[] = [];
    const entries = data.map((r, i) => {
        if (r.length < 2) shortRows.push(i + 1);
        return { source: (r[0] ?? '').trim(), target: (r[1] ?? '').trim() };
    });
    return { entries, separator: sep, header, shortRows };
}

/** The answer of the editor's CSV import route: the parsed rows and the table's problems, or why not. */
export type CsvImportAnswer = ({ ok: true; issues: TableIssue[] } & MappingCsv) | { ok: false; message: string };

/** Parses the body of the editor's CSV import ({text, separator?}): one parser for editor and tests. */
export function csvImport(body: unknown): CsvImportAnswer {
    try {
        const b = isRecord(body) ? body : {};
        const text = typeof b.text === 'string' ? b.text : '';
        const sep = b.separator === ';' || b.separator === ',' || b.separator === '\t' ? b.separator : undefined;
        const parsed = parseMappingCsv(text, sep);
        return { ok: true, ...parsed, issues: validateTable(parsed.entries) };
    } catch (err) {
        return { ok: false, message: errorMessage(err) };
    }
}
