#!/usr/bin/env node
// Makes @tensorflow/tfjs-node loadable on a machine that reaches only package registries.
//
// The package's own install script downloads libtensorflow from a host we cannot reach, so the
// workspace installs it with scripts ignored and this script finishes the job:
//   1. libtensorflow (TF 2.10.1) from the Maven Central jar org.tensorflow:tensorflow-core-api:0.5.0
//      (classifier linux-x86_64), checked against Maven's .sha1;
//   2. the TensorFlow C headers from the PyPI wheel tensorflow-cpu==2.9.1 (checked against the index's
//      sha256); no jar ships them, and the C functions the addon calls are unchanged between 2.9 and 2.10;
//   3. links both into the package's deps/ and builds the addon with node-gyp against Node's local headers;
//   4. loads the package in a child process and runs an op on the `tensorflow` backend.
// Downloads and extracted files are cached in ${TRIBUTARY_CACHE:-~/.cache/tributary}/tfjs, so a second
// run only relinks, and a run on an installed package only checks. Node built-ins only.
//
// Usage: node services/regime-classifier/scripts/install-tfjs-node.mjs [--force]
// Exit codes: 0 installed (or already), 1 a step failed (named on stderr), 2 bad usage.
// If this fails, the classifier still works: it falls back to @tensorflow/tfjs-backend-wasm.

import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream, existsSync } from 'node:fs';
import * as fs from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism, homedir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createInflateRaw } from 'node:zlib';

const MAVEN_BASE = 'https://repo1.maven.org/maven2';
const JAR = {
  group: 'org.tensorflow',
  artifact: 'tensorflow-core-api',
  version: '0.5.0',
  classifier: 'linux-x86_64',
  libDir: 'org/tensorflow/internal/c_api/linux-x86_64/',
  libs: ['libtensorflow_cc.so.2', 'libtensorflow_framework.so.2'],
};
const WHEEL = {
  project: 'tensorflow-cpu',
  file: 'tensorflow_cpu-2.9.1-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl',
  // The C API headers and the two platform headers they include.
  include: (name) =>
    name.startsWith('tensorflow/include/tensorflow/c/') ||
    /^tensorflow\/include\/tensorflow\/core\/platform\/ctstring(_internal)?\.h$/.test(name),
  stripPrefix: 'tensorflow/include/',
};
// Names the addon links against (-ltensorflow) and those the libraries ask for at load time (sonames).
const LIB_LINKS = {
  'libtensorflow_cc.so.2': 'libtensorflow_cc.so.2',
  'libtensorflow_framework.so.2': 'libtensorflow_framework.so.2',
  'libtensorflow.so': 'libtensorflow_cc.so.2',
  'libtensorflow.so.2': 'libtensorflow_cc.so.2',
  'libtensorflow.so.2.9.1': 'libtensorflow_cc.so.2', // the package's install script checks this name
  'libtensorflow_framework.so': 'libtensorflow_framework.so.2',
};

class StepError extends Error {
  constructor(step, message, options) {
    super(`${step}: ${message}`, options);
    this.step = step;
  }
}

const started = Date.now();
function log(message) {
  console.error(`[install-tfjs-node +${((Date.now() - started) / 1000).toFixed(1)}s] ${message}`);
}

async function step(name, action) {
  try {
    return await action();
  } catch (error) {
    if (error instanceof StepError) throw error;
    throw new StepError(name, error instanceof Error ? error.message : String(error), { cause: error });
  }
}

function mib(bytes) {
  return `${(bytes / 2 ** 20).toFixed(1)} MiB`;
}

/** Downloads url to file (via file.part), logging progress every 10%, and checks the digest. */
async function download(url, file, digest) {
  if (existsSync(file)) {
    log(`cached ${file}`);
    return;
  }
  await fs.mkdir(dirname(file), { recursive: true });
  log(`downloading ${url}`);
  const response = await fetch(url);
  if (!response.ok || response.body === null) throw new Error(`GET ${url} answered ${response.status}`);
  const total = Number(response.headers.get('content-length') ?? 0);
  const hash = createHash(digest.algorithm);
  let received = 0;
  let nextReport = 0.1;
  const part = `${file}.part`;
  const out = createWriteStream(part);
  for await (const chunk of response.body) {
    hash.update(chunk);
    received += chunk.length;
    if (!out.write(chunk)) await new Promise((done) => out.once('drain', done));
    if (total > 0 && received / total >= nextReport) {
      log(`  ${Math.round((received / total) * 100)}% of ${mib(total)}`);
      nextReport += 0.1;
    }
  }
  await new Promise((done, fail) => out.end((error) => (error ? fail(error) : done())));
  const actual = hash.digest('hex');
  if (actual !== digest.expected) {
    await fs.rm(part, { force: true });
    throw new Error(`${digest.algorithm} of ${url} is ${actual}, expected ${digest.expected}`);
  }
  await fs.rename(part, file);
  log(`downloaded ${mib(received)}`);
}

async function fetchText(url, headers = {}) {
  const response = await fetch(url, { headers });
  if (!response.ok) throw new Error(`GET ${url} answered ${response.status}`);
  return response.text();
}

// --- a minimal zip reader: the central directory, then stored or deflated entries, streamed to disk ---

async function readZipEntries(file) {
  const handle = await fs.open(file, 'r');
  try {
    const { size } = await handle.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await handle.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error(`${file} is not a zip file (no end of central directory)`);
    let count = tail.readUInt16LE(eocd + 10);
    let cdSize = tail.readUInt32LE(eocd + 12);
    let cdOffset = tail.readUInt32LE(eocd + 16);
    if (cdOffset === 0xffffffff || count === 0xffff) {
      const locator = eocd - 20;
      if (tail.readUInt32LE(locator) !== 0x07064b50) throw new Error(`${file}: zip64 locator missing`);
      const record = Buffer.alloc(56);
      await handle.read(record, 0, 56, Number(tail.readBigUInt64LE(locator + 8)));
      count = Number(record.readBigUInt64LE(32));
      cdSize = Number(record.readBigUInt64LE(40));
      cdOffset = Number(record.readBigUInt64LE(48));
    }
    const cd = Buffer.alloc(cdSize);
    await handle.read(cd, 0, cdSize, cdOffset);
    const entries = [];
    let at = 0;
    for (let i = 0; i < count; i++) {
      if (cd.readUInt32LE(at) !== 0x02014b50) throw new Error(`${file}: bad central directory entry ${i}`);
      const method = cd.readUInt16LE(at + 10);
      let compressedSize = cd.readUInt32LE(at + 20);
      let uncompressedSize = cd.readUInt32LE(at + 24);
      const nameLength = cd.readUInt16LE(at + 28);
      const extraLength = cd.readUInt16LE(at + 30);
      const commentLength = cd.readUInt16LE(at + 32);
      let headerOffset = cd.readUInt32LE(at + 42);
      const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
      // zip64 extra field: the 64-bit values appear in this order, only for fields that overflowed.
      let extra = at + 46 + nameLength;
      const extraEnd = extra + extraLength;
      while (extra + 4 <= extraEnd) {
        const id = cd.readUInt16LE(extra);
        const length = cd.readUInt16LE(extra + 2);
        if (id === 0x0001) {
          let field = extra + 4;
          if (uncompressedSize === 0xffffffff) {
            uncompressedSize = Number(cd.readBigUInt64LE(field));
            field += 8;
          }
          if (compressedSize === 0xffffffff) {
            compressedSize = Number(cd.readBigUInt64LE(field));
            field += 8;
          }
          if (headerOffset === 0xffffffff) headerOffset = Number(cd.readBigUInt64LE(field));
        }
        extra += 4 + length;
      }
      entries.push({ name, method, compressedSize, uncompressedSize, headerOffset });
      at = extraEnd + commentLength;
    }
    return entries;
  } finally {
    await handle.close();
  }
}

async function extractEntry(zipFile, entry, target) {
  const handle = await fs.open(zipFile, 'r');
  let dataStart;
  try {
    const header = Buffer.alloc(30);
    await handle.read(header, 0, 30, entry.headerOffset);
    if (header.readUInt32LE(0) !== 0x04034b50)
      throw new Error(`${zipFile}: bad local header for ${entry.name}`);
    dataStart = entry.headerOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  } finally {
    await handle.close();
  }
  await fs.mkdir(dirname(target), { recursive: true });
  const part = `${target}.part`;
  const source = createReadStream(zipFile, {
    start: dataStart,
    end: dataStart + entry.compressedSize - 1,
  });
  if (entry.method === 0) await pipeline(source, createWriteStream(part));
  else if (entry.method === 8) await pipeline(source, createInflateRaw(), createWriteStream(part));
  else throw new Error(`${entry.name}: unsupported zip compression method ${entry.method}`);
  const { size } = await fs.stat(part);
  if (size !== entry.uncompressedSize)
    throw new Error(`${entry.name}: extracted ${size} bytes, expected ${entry.uncompressedSize}`);
  await fs.rename(part, target);
}

// --- the steps ---

function locatePackage() {
  const serviceDir = resolve(dirname(fileURLToPath(import.meta.url)), '..');
  const require = createRequire(join(serviceDir, 'package.json'));
  let manifest;
  try {
    manifest = require.resolve('@tensorflow/tfjs-node/package.json');
  } catch {
    throw new Error('@tensorflow/tfjs-node is not installed: run `pnpm install` in the workspace first');
  }
  const packageDir = dirname(manifest);
  const { version } = require('@tensorflow/tfjs-node/package.json');
  // Where the package will look for its addon: node-pre-gyp's own answer, from the package's copy of it.
  const packageRequire = createRequire(manifest);
  const bindingPath = packageRequire('@mapbox/node-pre-gyp').find(manifest);
  return { packageDir, version, bindingPath };
}

/** Loads tfjs-node in a fresh process and runs one op; returns an error message, or null when it works. */
function probe(packageDir) {
  const script = `
    const tf = require(${JSON.stringify(packageDir)});
    if (tf.getBackend() !== 'tensorflow') throw new Error('backend is ' + tf.getBackend());
    const sum = tf.tensor1d([1, 2, 3]).square().sum().dataSync()[0];
    if (sum !== 14) throw new Error('1²+2²+3² gave ' + sum);
  `;
  const child = spawnSync(process.execPath, ['-e', script], {
    encoding: 'utf8',
    env: { ...process.env, TF_CPP_MIN_LOG_LEVEL: '2' },
  });
  if (child.status === 0) return null;
  const lines = `${child.stderr}`
    .trim()
    .split('\n')
    .filter((line) => /Error|error/.test(line));
  return lines.slice(0, 3).join(' | ') || `exit ${child.status}`;
}

async function fetchLibtensorflow(cacheDir) {
  const { group, artifact, version, classifier } = JAR;
  const name = `${artifact}-${version}-${classifier}.jar`;
  const base = `${MAVEN_BASE}/${group.replaceAll('.', '/')}/${artifact}/${version}`;
  const libDir = join(cacheDir, `${artifact}-${version}`, 'lib');
  if (JAR.libs.every((lib) => existsSync(join(libDir, lib)))) {
    log(`cached libtensorflow in ${libDir}`);
    return libDir;
  }
  const jar = join(cacheDir, name);
  if (!existsSync(jar)) {
    const sha1 = (await fetchText(`${base}/${name}.sha1`)).trim().split(/\s+/)[0];
    await download(`${base}/${name}`, jar, { algorithm: 'sha1', expected: sha1 });
  }
  log(`extracting ${JAR.libs.join(', ')}`);
  const entries = await readZipEntries(jar);
  for (const lib of JAR.libs) {
    const entry = entries.find((candidate) => candidate.name === `${JAR.libDir}${lib}`);
    if (entry === undefined) throw new Error(`${name} has no ${JAR.libDir}${lib}`);
    await extractEntry(jar, entry, join(libDir, lib));
  }
  return libDir;
}

async function fetchHeaders(cacheDir) {
  const includeDir = join(cacheDir, 'tensorflow-cpu-2.9.1', 'include');
  const marker = join(includeDir, '.complete');
  if (existsSync(marker)) {
    log(`cached headers in ${includeDir}`);
    return includeDir;
  }
  const wheel = join(cacheDir, WHEEL.file);
  if (!existsSync(wheel)) {
    // The simple index's JSON form (PEP 691) gives each file's URL and sha256.
    const index = JSON.parse(
      await fetchText(`https://pypi.org/simple/${WHEEL.project}/`, {
        accept: 'application/vnd.pypi.simple.v1+json',
      }),
    );
    const file = index.files.find((candidate) => candidate.filename === WHEEL.file);
    if (file === undefined) throw new Error(`the PyPI index of ${WHEEL.project} lists no ${WHEEL.file}`);
    await download(file.url, wheel, { algorithm: 'sha256', expected: file.hashes.sha256 });
  }
  log('extracting the TensorFlow C headers');
  const entries = (await readZipEntries(wheel)).filter(
    (entry) => WHEEL.include(entry.name) && !entry.name.endsWith('/'),
  );
  if (!entries.some((entry) => entry.name.endsWith('/tensorflow/c/c_api.h')))
    throw new Error(`${WHEEL.file} has no c_api.h`);
  await fs.rm(includeDir, { recursive: true, force: true });
  for (const entry of entries) {
    await extractEntry(wheel, entry, join(includeDir, entry.name.slice(WHEEL.stripPrefix.length)));
  }
  await fs.writeFile(marker, `${entries.length} headers from ${WHEEL.file}\n`);
  log(`extracted ${entries.length} headers`);
  return includeDir;
}

/** Hard links (copies across file systems) the libraries and headers into <package>/deps. */
async function stageDeps(packageDir, libDir, includeDir) {
  const deps = join(packageDir, 'deps');
  await fs.rm(deps, { recursive: true, force: true });
  await fs.mkdir(join(deps, 'lib'), { recursive: true });
  for (const lib of JAR.libs) {
    const target = join(deps, 'lib', lib);
    try {
      await fs.link(join(libDir, lib), target);
    } catch (error) {
      if (error.code !== 'EXDEV') throw error;
      await fs.copyFile(join(libDir, lib), target);
    }
  }
  for (const [name, target] of Object.entries(LIB_LINKS)) {
    if (name !== target) await fs.symlink(target, join(deps, 'lib', name));
  }
  await fs.cp(includeDir, join(deps, 'include'), {
    recursive: true,
    filter: (path) => !path.endsWith('.complete'),
  });
  log(`staged ${relative(process.cwd(), deps) || deps}`);
}

function locateNodeGyp() {
  const candidates = [
    process.env.NODE_GYP,
    join(
      dirname(process.execPath),
      '..',
      'lib',
      'node_modules',
      'npm',
      'node_modules',
      'node-gyp',
      'bin',
      'node-gyp.js',
    ),
  ];
  try {
    const npmRoot = execFileSync('npm', ['root', '-g'], { encoding: 'utf8' }).trim();
    candidates.push(join(npmRoot, 'npm', 'node_modules', 'node-gyp', 'bin', 'node-gyp.js'));
  } catch {
    // npm missing: only the other candidates remain
  }
  const found = candidates.find((candidate) => candidate !== undefined && existsSync(candidate));
  if (found === undefined) throw new Error('node-gyp not found (set NODE_GYP to node-gyp.js; npm ships one)');
  return found;
}

function buildAddon(packageDir, bindingPath) {
  const nodeGyp = locateNodeGyp();
  // Node's own headers, so node-gyp needs no download.
  const nodeDir = resolve(dirname(process.execPath), '..');
  if (!existsSync(join(nodeDir, 'include', 'node', 'node_api.h'))) {
    throw new Error(`Node's headers are not in ${nodeDir}/include/node (install Node with its headers)`);
  }
  const napi = /napi-v(\d+)/.exec(bindingPath)?.[1];
  if (napi === undefined) throw new Error(`cannot read the N-API version from ${bindingPath}`);
  log(`building the addon with ${nodeGyp} (N-API ${napi})`);
  const args = [
    nodeGyp,
    'rebuild',
    `--nodedir=${nodeDir}`,
    '--module_name=tfjs_binding',
    `--module_path=${dirname(bindingPath)}`,
    `--napi_build_version=${napi}`,
    `--jobs=${availableParallelism()}`,
  ];
  const child = spawnSync(process.execPath, args, { cwd: packageDir, encoding: 'utf8' });
  if (child.status !== 0) {
    const tail = `${child.stdout}\n${child.stderr}`.trim().split('\n').slice(-15).join('\n');
    throw new Error(`node-gyp exited ${child.status}:\n${tail}`);
  }
  if (!existsSync(bindingPath)) throw new Error(`node-gyp succeeded but ${bindingPath} is missing`);
}

async function main() {
  const { values } = parseArgs({
    options: { force: { type: 'boolean', default: false }, help: { type: 'boolean' } },
  });
  if (values.help) {
    console.error(
      'usage: install-tfjs-node.mjs [--force]   (downloads are cached in $TRIBUTARY_CACHE/tfjs, default ~/.cache/tributary/tfjs)',
    );
    return 0;
  }
  const cacheDir = join(process.env.TRIBUTARY_CACHE || join(homedir(), '.cache', 'tributary'), 'tfjs');
  const { packageDir, version, bindingPath } = await step('locate @tensorflow/tfjs-node', locatePackage);
  log(`@tensorflow/tfjs-node ${version} in ${packageDir}`);
  if (!values.force && existsSync(bindingPath)) {
    const problem = probe(packageDir);
    if (problem === null) {
      log('already installed: the tensorflow backend loads');
      return 0;
    }
    log(`the addon exists but does not load (${problem}); reinstalling`);
  }
  const libDir = await step('fetch libtensorflow from Maven Central', () => fetchLibtensorflow(cacheDir));
  const includeDir = await step('fetch the TensorFlow C headers from PyPI', () => fetchHeaders(cacheDir));
  await step('stage deps/', () => stageDeps(packageDir, libDir, includeDir));
  await step('build the addon with node-gyp', () => buildAddon(packageDir, bindingPath));
  const problem = await step('load check', () => probe(packageDir));
  if (problem !== null) throw new StepError('load check', problem);
  log('done: @tensorflow/tfjs-node loads with the tensorflow backend');
  return 0;
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error) => {
    const step = error instanceof StepError ? '' : 'unexpected error: ';
    console.error(`[install-tfjs-node] FAILED ${step}${error.message}`);
    console.error('[install-tfjs-node] the regime classifier will use @tensorflow/tfjs-backend-wasm instead');
    process.exitCode = 1;
  },
);
