import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { prepareStartKit } from '../../cli/commands/start-kit-build.ts';
import { REPO_ROOT, runGridline } from '../support/processes.ts';

const RANDOM_PROBLEM = path.resolve(REPO_ROOT, 'bench', 'lorr2024', 'random.domain', 'random_32_32_20_100.json');

/**
 * A stand-in for the start kit's `lifelong`, taking its command line: it runs Gridline's greedy
 * entry (`gridline bench lorr --entry greedy`), whose result file has the start kit's format.
 * `tamper` changes the file afterwards, as a broken entry's or a broken file's would be.
 */
function fakeStartKit(dir: string, name: string, tamper = ''): string {
  const file = path.join(dir, name);
  writeFileSync(
    file,
    `#!${process.execPath}
const { spawnSync } = require('node:child_process');
const fs = require('node:fs');
const args = process.argv.slice(2);
const arg = (name) => args[args.indexOf(name) + 1];
const run = spawnSync(process.execPath, [${JSON.stringify(path.join(REPO_ROOT, 'bin', 'gridline.js'))}, 'bench', 'lorr', arg('--inputFile'), '--steps', arg('--simulationTime'),
  '--plan-time-limit-ms', arg('--planTimeLimit'), '--entry', 'greedy', '--output', arg('--output')], { stdio: 'inherit' });
const out = JSON.parse(fs.readFileSync(arg('--output'), 'utf8'));
${tamper}
fs.writeFileSync(arg('--output'), JSON.stringify(out));
process.exit(run.status);
`,
  );
  chmodSync(file, 0o755);
  return file;
}

describe('gridline bench lorr-vs-startkit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-lorr-vs-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('runs the start kit and Gridline on one problem, replays both and prints both counts and the ratio', async () => {
    const startKit = fakeStartKit(dir, 'lifelong');
    const outDir = path.join(dir, 'out');
    const bench = runGridline(['bench', 'lorr-vs-startkit', RANDOM_PROBLEM, '--steps', '100', '--plan-time-limit-ms', '100', '--start-kit-binary', startKit, '--out-dir', outDir]);
    expect(await bench.exited).toBe(0);
    const text = bench.lines.join('\n');
    const counts = text.match(/tasks finished\s+(\d+)\s+(\d+)/);
    expect(counts).not.toBeNull();
    const [reference, gridline] = [Number(counts![1]), Number(counts![2])];
    expect(reference).toBeGreaterThan(0);
    expect(text).toMatch(new RegExp(`independent replay\\s+agrees \\(${reference}\\)\\s+agrees \\(${gridline}\\)`));
    expect(text).toContain(`ratio                     ${(gridline / reference).toFixed(2)}x`);
    expect(text).toMatch(/timeouts\s+0\s+0/);
  }, 120_000);

  it('fails when a result file claims tasks its paths do not finish', async () => {
    const startKit = fakeStartKit(dir, 'lifelong-boasting', 'out.numTaskFinished += 5;');
    const bench = runGridline(['bench', 'lorr-vs-startkit', RANDOM_PROBLEM, '--steps', '50', '--plan-time-limit-ms', '100', '--start-kit-binary', startKit, '--out-dir', path.join(dir, 'out-2')]);
    expect(await bench.exited).toBe(1);
    expect(bench.lines.join('\n')).toMatch(/independent replay\s+\d+ errors: .*numTaskFinished/);
  }, 120_000);

  it('says so, without a stack trace, when the start kit is killed (as by the out-of-memory killer)', async () => {
    const startKit = fakeStartKit(dir, 'lifelong-killed', "process.kill(process.pid, 'SIGKILL');");
    const bench = runGridline(['bench', 'lorr-vs-startkit', RANDOM_PROBLEM, '--steps', '20', '--plan-time-limit-ms', '100', '--start-kit-binary', startKit, '--out-dir', path.join(dir, 'out-killed')]);
    expect(await bench.exited).toBe(2);
    const text = bench.lines.join('\n');
    expect(text).toMatch(/the start kit was killed \(SIGKILL: out of memory\?/);
    expect(text).not.toMatch(/\n\s+at /);
  }, 120_000);

  it('says how to get the start kit when none is named', async () => {
    const bench = runGridline(['bench', 'lorr-vs-startkit', RANDOM_PROBLEM, '--steps', '10']);
    expect(await bench.exited).toBe(2);
    expect(bench.lines.join('\n')).toMatch(/--start-kit DIR or GRIDLINE_LORR_START_KIT.*github\.com\/MAPF-Competition\/Start-Kit/);
  }, 30_000);
});

describe('prepareStartKit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'gridline-start-kit-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const lines: string[] = [];

  it('refuses a folder that is not the start kit', async () => {
    await expect(prepareStartKit({ startKit: dir }, {}, (line) => lines.push(line))).rejects.toThrow(/not the start kit's source/);
  });

  it('reuses a build made from the same checkout, without building again', async () => {
    const source = path.join(dir, 'Start-Kit');
    mkdirSync(path.join(source, 'src'), { recursive: true });
    writeFileSync(path.join(source, 'CMakeLists.txt'), '');
    writeFileSync(path.join(source, 'src', 'driver.cpp'), '');
    writeFileSync(path.join(source, 'version.txt'), '2.1.2\n');
    const cache = path.join(dir, 'cache');
    const buildDir = path.join(cache, 'gridline', 'lorr-start-kit-2.1.2');
    mkdirSync(buildDir, { recursive: true });
    writeFileSync(path.join(buildDir, 'lifelong'), '');
    writeFileSync(path.join(buildDir, 'gridline-source.txt'), source);
    // An empty CMakeLists.txt would fail to build: being handed the binary proves no build ran.
    const startKit = await prepareStartKit({}, { GRIDLINE_LORR_START_KIT: source, XDG_CACHE_HOME: cache }, (line) => lines.push(line));
    expect(startKit).toEqual({ binary: path.join(buildDir, 'lifelong'), version: '2.1.2' });
    expect(lines.at(-1)).toMatch(/using the build in/);
  });
});
