/**
 * Where each row of a log view sits when lines wrap: rows are monospace text broken at any
 * character (CSS `white-space: break-spaces; word-break: break-all`) with a hanging indent, so a
 * row's height follows from its length and the pane's width in characters alone, with no DOM
 * measuring. Tops are prefix sums kept up to date incrementally: appended rows add at the end,
 * rows leaving from the front shift everything once (rare: the buffer trims a tenth at a time),
 * only a new filter, a reset or a new width lays out every row again.
 */

/** The rows a layout needs: how many, each one's text length, and what a rebuild or trim changed. */
export interface LayoutRows {
  readonly length: number;
  /** Characters of the i-th row as drawn (columns and message). */
  textLength(i: number): number;
  /** Bumped when the rows were rebuilt from nothing (a filter or buffer reset). */
  readonly rebuilds: number;
  /** Rows that left from the front since the last rebuild. */
  readonly removedFront: number;
}

export class RowLayout {
  /** tops[i]: the top of row i in px; tops[length]: the height of all rows. */
  private tops: number[] = [0];
  private rebuilds = -1;
  private removed = 0;
  private cols = 0;
  private wrap = true;
  /** Height (px) of rows that left from the front since `takeShift` was last called. */
  private shifted = 0;

  constructor(
    /** One text line's height (px). */
    readonly lineHeight: number,
    /** Characters the continuation lines are indented by (the columns before the message). */
    readonly indent: number,
  ) {}

  /** Visual lines a row of `chars` characters takes in `cols` columns. */
  linesOf(chars: number): number {
    if (!this.wrap || chars <= this.cols) return 1;
    const rest = Math.max(8, this.cols - this.indent);
    return 1 + Math.ceil((chars - this.cols) / rest);
  }

  /**
   * Brings the layout up to date; true when the same rows were laid out again for another width
   * (or wrapping switched): a paused view keeps its top row in place then.
   */
  sync(rows: LayoutRows, cols: number, wrap: boolean): boolean {
    const width = Math.max(this.indent + 8, Math.floor(cols));
    const reflow = rows.rebuilds === this.rebuilds && (width !== this.cols || wrap !== this.wrap);
    if (rows.rebuilds !== this.rebuilds || width !== this.cols || wrap !== this.wrap) {
      this.rebuilds = rows.rebuilds;
      this.cols = width;
      this.wrap = wrap;
      this.removed = rows.removedFront;
      this.shifted = 0;
      this.tops = [0];
    } else if (rows.removedFront > this.removed) {
      const n = Math.min(rows.removedFront - this.removed, this.tops.length - 1);
      this.removed = rows.removedFront;
      const shift = this.tops[n];
      this.shifted += shift;
      this.tops = this.tops.slice(n).map((t) => t - shift);
    }
    for (let i = this.tops.length - 1; i < rows.length; i++)
      this.tops.push(this.tops[i] + this.linesOf(rows.textLength(i)) * this.lineHeight);
    return reflow;
  }

  /** How far (px) the rows moved up since the last call, as rows left from the front; a paused view scrolls back by it. */
  takeShift(): number {
    const s = this.shifted;
    this.shifted = 0;
    return s;
  }

  get length(): number {
    return this.tops.length - 1;
  }

  top(i: number): number {
    return this.tops[Math.max(0, Math.min(i, this.length))];
  }

  height(i: number): number {
    return this.tops[i + 1] - this.tops[i];
  }

  /** Height of all rows (px). */
  total(): number {
    return this.tops[this.length];
  }

  /** The row at a vertical position (px): the last row whose top is at or above it. */
  indexAt(y: number): number {
    let lo = 0;
    let hi = this.length - 1;
    if (hi < 0) return 0;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.tops[mid] <= y) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
