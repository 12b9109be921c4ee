import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import path from 'node:path';
import { UsageError } from '../errors.ts';

/**
 * Finding and building the League of Robot Runners 2024 start kit (C++, MIT licence), so that
 * its default entry can run beside Gridline's on the same machine. The project ships none of
 * its code: the user names a checkout of github.com/MAPF-Competition/Start-Kit (`--start-kit
 * DIR` or GRIDLINE_LORR_START_KIT), and it is built once, with Debian's cmake and Boost, into a
 * cache folder that later runs reuse.
 */
export interface StartKit {
  /** The `lifelong` program. */
  readonly binary: string;
  /** `version.txt` of the checkout ("2.1.2"), or "prebuilt" for a program named directly. */
  readonly version: string;
}

const DEPENDENCIES_HINT = "it needs cmake and Boost's program_options, system, filesystem and log (on Debian: apt-get install cmake libboost-program-options-dev libboost-system-dev libboost-filesystem-dev libboost-log-dev)";

/** Seconds between "still building" lines. */
const BUILD_HEARTBEAT_S = 30;

/**
 * The start kit to run: `--start-kit-binary` names a built `lifelong` as is; otherwise the
 * checkout from `--start-kit` (or the environment) is built into `--build-dir` (default
 * `~/.cache/gridline/lorr-start-kit-VERSION`) unless a build of that checkout is there.
 */
export async function prepareStartKit(values: { startKit?: string; startKitBinary?: string; buildDir?: string }, env: NodeJS.ProcessEnv, progress: (line: string) => void): Promise<StartKit> {
  if (values.startKitBinary) {
    const binary = path.resolve(values.startKitBinary);
    if (!existsSync(binary)) throw new UsageError(`--start-kit-binary ${binary} does not exist`);
    return { binary, version: 'prebuilt' };
  }
  const sourceOption = values.startKit ?? env.GRIDLINE_LORR_START_KIT;
  if (!sourceOption) {
    throw new UsageError(
      'bench lorr-vs-startkit needs the League of Robot Runners start kit: --start-kit DIR or GRIDLINE_LORR_START_KIT=DIR, a checkout of https://github.com/MAPF-Competition/Start-Kit (tag v2.1.2, the 2024 competition), or --start-kit-binary for a lifelong program already built',
    );
  }
  const source = path.resolve(sourceOption);
  if (!existsSync(path.join(source, 'CMakeLists.txt')) || !existsSync(path.join(source, 'src', 'driver.cpp'))) {
    throw new UsageError(`${source} is not the start kit's source: it has no CMakeLists.txt and src/driver.cpp`);
  }
  const version = existsSync(path.join(source, 'version.txt')) ? readFileSync(path.join(source, 'version.txt'), 'utf8').trim() : 'unknown';
  const buildDir = path.resolve(values.buildDir ?? path.join(env.XDG_CACHE_HOME ?? path.join(homedir(), '.cache'), 'gridline', `lorr-start-kit-${version}`));
  const binary = path.join(buildDir, 'lifelong');
  // The build remembers which checkout it was made from: another checkout is built afresh.
  const stampPath = path.join(buildDir, 'gridline-source.txt');
  if (existsSync(binary) && existsSync(stampPath) && readFileSync(stampPath, 'utf8') === source) {
    progress(`start kit ${version}: using the build in ${buildDir}`);
    return { binary, version };
  }
  mkdirSync(buildDir, { recursive: true });
  const logPath = path.join(buildDir, 'build.log');
  progress(`start kit ${version}: building ${source} into ${buildDir} (once; a few minutes on 2 cores; log in ${logPath})`);
  const started = Date.now();
  const heartbeat = setInterval(() => progress(`start kit: still building (${Math.round((Date.now() - started) / 1000)} s)`), BUILD_HEARTBEAT_S * 1000);
  try {
    await runLogged('cmake', ['-S', source, '-B', buildDir, '-DPYTHON=false', '-DCMAKE_BUILD_TYPE=Release'], logPath);
    await runLogged('make', ['-C', buildDir, `-j${Math.max(1, cpus().length)}`, 'lifelong'], logPath);
  } finally {
    clearInterval(heartbeat);
  }
  if (!existsSync(binary)) throw new Error(`the start kit's build ended without ${binary}; see ${logPath}`);
  writeFileSync(stampPath, source);
  progress(`start kit ${version}: built in ${Math.round((Date.now() - started) / 1000)} s`);
  return { binary, version };
}

/** Runs a build tool with its output appended to `logPath`; fails with the log's tail. */
function runLogged(command: string, args: string[], logPath: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const log = openSync(logPath, 'a');
    const child = spawn(command, args, { stdio: ['ignore', log, log] });
    child.once('error', (error: NodeJS.ErrnoException) => {
      closeSync(log);
      reject(error.code === 'ENOENT' ? new UsageError(`${command} is not installed: building the start kit needs it; ${DEPENDENCIES_HINT}`) : error);
    });
    child.once('exit', (code) => {
      closeSync(log);
      if (code === 0) resolve();
      else {
        const tail = readFileSync(logPath, 'utf8').trimEnd().split('\n').slice(-15).join('\n');
        reject(new Error(`${command} ${args.join(' ')} failed (exit code ${code}); ${DEPENDENCIES_HINT}. The end of ${logPath}:\n${tail}`));
      }
    });
  });
}
