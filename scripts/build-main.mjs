// Bundles the Node side for Electron: the main process, the sandboxed preload and the
// training worker, each one CommonJS file in dist/main. Electron and the packages that load
// native or wasm files at run time stay external, and so does tfjs-core: the wasm backend
// (external) requires it, and one shared copy keeps a single tfjs engine and kernel registry
// in each process. The external packages are package.json's `dependencies`; everything else
// is bundled and is a devDependency.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', '@tensorflow/tfjs-node', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-core', 'h5wasm'],
  // Code that locates files relative to itself uses import.meta.url; in a CommonJS bundle
  // that is the bundle's own file URL.
  banner: { js: "const __importMetaUrl = require('node:url').pathToFileURL(__filename).href;" },
  define: { 'import.meta.url': '__importMetaUrl' },
};

await Promise.all([
  build({ ...common, entryPoints: ['main/electron/main.ts'], outfile: 'dist/main/electron.cjs' }),
  build({ ...common, entryPoints: ['main/electron/preload.ts'], outfile: 'dist/main/preload.cjs' }),
  build({ ...common, entryPoints: ['main/worker/trainingWorker.ts'], outfile: 'dist/main/trainingWorker.cjs' }),
  // A sweep pool's task process (main/experiments/taskMain.ts).
  build({ ...common, entryPoints: ['main/experiments/taskMain.ts'], outfile: 'dist/main/taskMain.cjs' }),
  // The fast engine's thread workers, found next to the bundle that starts them (an ES module,
  // so import.meta works as in the sources). Bundled CommonJS code calls require() for Node's
  // modules and the externals; an ES module has none, so the banner makes one.
  build({
    ...common,
    format: 'esm',
    banner: {
      js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);",
    },
    define: {},
    entryPoints: ['main/engine/fast/worker.ts'],
    outfile: 'dist/main/worker.js',
  }),
]);
console.log('built dist/main (electron.cjs, preload.cjs, trainingWorker.cjs, taskMain.cjs, worker.js)');
