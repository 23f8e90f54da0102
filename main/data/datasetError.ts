// The one error type data loading throws: its message names the file and what is wrong with it.

/** A dataset file is missing, unreadable or malformed. The message is meant for the user as is. */
export class DatasetError extends Error {
  /** The file (or URL, or dataset name) the problem is about. */
  readonly source: string;

  constructor(source: string, problem: string, options?: { cause?: unknown }) {
    super(`${source}: ${problem}`, options);
    this.name = 'DatasetError';
    this.source = source;
  }
}
