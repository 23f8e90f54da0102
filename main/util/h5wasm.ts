// The one place h5wasm (HDF5 compiled to WebAssembly) is loaded, for the dataset reader and the
// NIR code alike. Two builds:
// - `loadH5wasm()`: h5wasm's Node build, which opens host paths directly (large SHD/SSC files
//   are read in place, never copied);
// - `loadH5wasmInMemory()`: the ES module build, whose files live in Emscripten's in-memory
//   filesystem, so NIR bytes are read and written without touching the disk (nothing is left
//   behind in the temp folder, even when the process is killed mid-import).
// The HDF5 library prints its error stack (dozens of "HDF5-DIAG" lines) to stderr on every
// failed call. Both builds bind their stderr writer to `console.error` when they are
// evaluated, so we evaluate them with a writer of our own that keeps the lines instead of
// printing them; `hdf5Failure` turns them into one line for our error messages.

type H5Module = typeof import('h5wasm');

/** The most recent library messages (HDF5-DIAG traces and the like), newest last. */
const diagnostics: string[] = [];
const MAX_DIAGNOSTIC_LINES = 200;

function keep(...args: unknown[]) {
  diagnostics.push(args.map(String).join(' '));
  if (diagnostics.length > MAX_DIAGNOSTIC_LINES) diagnostics.splice(0, diagnostics.length - MAX_DIAGNOSTIC_LINES);
}

/** Imports a build with console.error/console.log redirected into `diagnostics` while it binds them. */
async function quietly(load: () => Promise<H5Module>): Promise<H5Module> {
  const { error, log } = console;
  console.error = keep;
  console.log = keep;
  let h5: H5Module;
  try {
    h5 = await load();
  } finally {
    console.error = error;
    console.log = log;
  }
  await h5.ready;
  return h5;
}

let nodeBuild: Promise<H5Module> | undefined;
let memoryBuild: Promise<H5Module> | undefined;

/** h5wasm's Node build, loaded once: `new h5.File(path)` opens a host path. */
export function loadH5wasm(): Promise<H5Module> {
  nodeBuild ??= quietly(async () => (await import('h5wasm/node')) as unknown as H5Module);
  return nodeBuild;
}

/** h5wasm's in-memory build, loaded once: paths are in Emscripten's MEMFS (`h5.FS`). */
export function loadH5wasmInMemory(): Promise<H5Module & { FS: NonNullable<H5Module['FS']> }> {
  memoryBuild ??= quietly(async () => (await import('h5wasm')) as unknown as H5Module);
  return memoryBuild as Promise<H5Module & { FS: NonNullable<H5Module['FS']> }>;
}

/** Forgets the library messages kept so far; call before an operation whose failure you will report. */
export function clearHdf5Diagnostics(): void {
  diagnostics.length = 0;
}

/**
 * One line saying why the HDF5 library failed: the error h5wasm threw, plus the innermost
 * reason of the library's own trace ("minor: ..."), never the trace itself.
 */
export function hdf5Failure(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const minors = diagnostics
    .map((line) => /^\s*minor:\s*(.+)$/.exec(line)?.[1]?.trim())
    .filter((m): m is string => !!m && m.toLowerCase() !== 'no error');
  const reason = minors[minors.length - 1];
  const first = message.split('\n')[0]?.trim() || 'the HDF5 library failed';
  return reason && !first.toLowerCase().includes(reason.toLowerCase()) ? `${first} (${reason.toLowerCase()})` : first;
}

/** The kept library messages, for tests. */
export function hdf5Diagnostics(): readonly string[] {
  return diagnostics;
}
