// `npm start`: the desktop app where Electron's binary is installed; otherwise (an offline
// install, a headless box) it says so and starts web mode, printing the URL to open.
import { spawn, spawnSync } from 'node:child_process';

function electronBinary() {
  // Asking the electron package for its path downloads the binary when it is missing; run it
  // in a child so a failed download prints nothing but our own message.
  const probe = spawnSync(process.execPath, ['-e', "process.stdout.write(require('electron'))"], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  return probe.status === 0 && probe.stdout ? probe.stdout : null;
}

const binary = process.env.SPIKEWRIGHT_WEB === '1' ? null : electronBinary();
if (binary) {
  const child = spawn(binary, ['.'], { stdio: 'inherit' });
  child.on('exit', (code) => process.exit(code ?? 0));
} else {
  console.log(
    process.env.SPIKEWRIGHT_WEB === '1'
      ? 'Spikewright: starting web mode (SPIKEWRIGHT_WEB=1).'
      : "Spikewright: Electron's binary is not installed here (it could not be downloaded), so the desktop window cannot open.\n" +
          'Starting web mode instead: open the URL below in a browser on this machine.',
  );
  const child = spawn(process.execPath, ['--import', 'tsx', 'main/server/cli.ts', ...process.argv.slice(2)], {
    stdio: 'inherit',
  });
  const forward = (signal) => child.kill(signal);
  process.on('SIGINT', forward);
  process.on('SIGTERM', forward);
  child.on('exit', (code) => process.exit(code ?? 0));
}
