import { GlueFormatError } from './errors.js';
import type { TaskDefinition, TsvLayout } from './task-definition.js';
import { getSplit, getTask, type TaskName } from './task-registry.js';
import { tsvLines } from './tsv.js';

/** One example of a task: one sentence or a sentence pair, and its label where the split has labels. */
export interface GlueExample {
  /** The file's id column (`index`, `id`), or the row's 0-based position among data rows where there is none. */
  readonly id: string;
  readonly textA: string;
  /** Second sentence of a pair task. */
  readonly textB?: string;
  /** Class id (an index into the task's `labels`) or, for regression, the gold score. Absent in test splits. */
  readonly label?: number;
}

/** A row left out because it is one of the known-bad rows of the official data (QQP). */
export interface SkippedRow {
  readonly line: number;
  readonly reason: string;
}

export interface SplitData {
  readonly task: string;
  readonly split: string;
  /** Where the text came from; named in errors as `source:line`. */
  readonly source: string;
  readonly examples: GlueExample[];
  readonly skipped: SkippedRow[];
}

/** Reads one split of a task from text in the task's official layout. */
export function parseTaskSplit(task: TaskName | TaskDefinition, split: string, text: string, source?: string): SplitData {
  const definition = getTask(task);
  const reader = new SplitReader(definition, split, source ?? `${definition.directory}/${getSplit(definition, split).file}`);
  for (const line of tsvLines(text)) reader.addLine(line);
  return reader.finish();
}

/** Column positions, known once the header row (or the layout's fixed column list) has been seen. */
interface ColumnPositions {
  readonly names: readonly string[];
  readonly id?: number;
  readonly textA: number;
  readonly textB?: number;
  readonly label?: number;
}

/** Collects the rows of one split, line by line, from text in memory or a file read in pieces. */
export class SplitReader {
  private readonly examples: GlueExample[] = [];
  private readonly skipped: SkippedRow[] = [];
  private readonly layout: TsvLayout;
  private columns: ColumnPositions | undefined;
  private lineNumber = 0;
  private rowNumber = 0;

  constructor(
    private readonly task: TaskDefinition,
    private readonly split: string,
    private readonly source: string,
  ) {
    this.layout = getSplit(task, split).layout;
    if (this.layout.columns !== undefined) this.columns = this.locateColumns(this.layout.columns);
  }

  addLine(line: string): void {
    this.lineNumber++;
    if (this.columns === undefined) {
      this.columns = this.locateColumns(line.split('\t'));
      return;
    }
    this.addRow(this.columns, line.split('\t'));
  }

  finish(): SplitData {
    if (this.columns === undefined) {
      throw new GlueFormatError(this.source, 1, `expected a header row naming ${this.requiredColumns().join(', ')}, got an empty file`);
    }
    return { task: this.task.name, split: this.split, source: this.source, examples: this.examples, skipped: this.skipped };
  }

  private requiredColumns(): string[] {
    const { idColumn, labelColumn } = this.layout;
    return [idColumn, ...this.task.sentenceColumns, labelColumn].filter((name): name is string => name !== undefined);
  }

  private locateColumns(names: readonly string[]): ColumnPositions {
    const missing = this.requiredColumns().filter((name) => !names.includes(name));
    if (missing.length > 0) {
      throw new GlueFormatError(
        this.source,
        1,
        `expected a header row naming ${this.requiredColumns().join(', ')}; missing ${missing.join(', ')} in ${JSON.stringify(names.join('\t'))}`,
      );
    }
    const { idColumn, labelColumn } = this.layout;
    const [textA, textB] = this.task.sentenceColumns;
    return {
      names,
      id: idColumn === undefined ? undefined : names.indexOf(idColumn),
      textA: names.indexOf(textA),
      textB: textB === undefined ? undefined : names.indexOf(textB),
      label: labelColumn === undefined ? undefined : names.indexOf(labelColumn),
    };
  }

  private addRow(columns: ColumnPositions, fields: string[]): void {
    const rowNumber = this.rowNumber++;
    if (fields.length !== columns.names.length) {
      const problem = `expected ${columns.names.length} tab-separated fields (${columns.names.join(', ')}), got ${fields.length}`;
      if (this.layout.wrongFieldCount === 'skip') {
        this.skipped.push({ line: this.lineNumber, reason: problem });
        return;
      }
      throw new GlueFormatError(this.source, this.lineNumber, problem);
    }
    const example: { id: string; textA: string; textB?: string; label?: number } = {
      id: columns.id === undefined ? String(rowNumber) : fields[columns.id],
      textA: fields[columns.textA],
    };
    if (columns.textB !== undefined) example.textB = fields[columns.textB];
    if (columns.label !== undefined) example.label = this.parseLabel(fields[columns.label], columns.names[columns.label]);
    this.examples.push(example);
  }

  private parseLabel(value: string, column: string): number {
    if (this.task.kind === 'regression') {
      const score = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(value) ? Number(value) : Number.NaN;
      const [low, high] = this.task.scoreRange ?? [-Infinity, Infinity];
      if (!(score >= low && score <= high)) {
        throw new GlueFormatError(this.source, this.lineNumber, `expected a score from ${low} to ${high} in column ${column}, got ${JSON.stringify(value)}`);
      }
      return score;
    }
    const classId = this.task.fileLabels.indexOf(value);
    if (classId === -1) {
      const expected = this.task.fileLabels.map((label) => JSON.stringify(label)).join(' or ');
      throw new GlueFormatError(this.source, this.lineNumber, `expected label ${expected} in column ${column}, got ${JSON.stringify(value)}`);
    }
    return classId;
  }
}
