// Browser tests of NN Zoo's notebook front ends, with npm's playwright-core and the system's Chromium.
// Run by environment/tests/browser-tests.sh, which starts a private JupyterLab 4.6 server (Notebook 7 is served by
// the same server) with the NN Zoo kernel, smoke profile, on copies of the notebooks.
//   node lab.mjs --url http://127.0.0.1:PORT --token TOKEN --out DIR --notebooks NNZOO_ROOT/notebooks
// Checks, each with a screenshot in DIR: the launcher offers "Java 17 (NN Zoo)"; JupyterLab runs all of 01-perceptron
// (every image output rendered as <img>, counted against the saved notebook's image outputs); in a checks notebook: the
// live progress view changes at least twice while Fit trains, a tablesaw table renders as an HTML <table>, the engine's
// start lines name one malloc arena and the reproducible mode, reached on x86-64 with AVX2 (each as far as the caller's
// environment asks: see the comment on mallocTuned below), Tab completion on `Mnist.` offers members, a Java exception
// shows its class, message and stack, Interrupt stops a training cell (three times; seconds from the click to the
// cell's end, limit NNZOO_INTERRUPT_LIMIT, default 2) and the next cell runs at once in the same kernel, Restart gives
// a fresh kernel; Notebook 7 runs all of 01-perceptron with its images. Prints one line per check; exit 1 at the first
// failure.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const base = arg('url'), token = arg('token'), out = arg('out'), notebooks = arg('notebooks');
if (!base || !token || !out || !notebooks) {
  console.error('usage: node lab.mjs --url URL --token TOKEN --out DIR --notebooks DIR');
  process.exit(2);
}
const interruptLimit = Number(process.env.NNZOO_INTERRUPT_LIMIT || 2);
// the reproducible mode covers x86-64 CPUs with AVX2 (environment/README.md); elsewhere its line says why it is not reached
const cpuinfo = () => { try { return fs.readFileSync('/proc/cpuinfo', 'utf8'); } catch { return ''; } };
const avx2 = process.arch === 'x64' && process.platform === 'linux' && /^flags\s*:.*\bavx2\b/m.test(cpuinfo());
// What the kernel inherits from this environment (and from NNZOO_KERNEL_JAVA_OPTS, which install-kernel.sh puts on
// its command line) decides which start lines it prints; mirrored here from NativeTuning.tuneMalloc/oneMallocArena and
// Reproducible.requested(). The malloc phrase: only on Linux where the malloc tuning applies (not with
// NNZOO_MALLOC_TUNE=0, -Dnnzoo.malloc.tune=false or glibc's own variables set), naming one arena where kernel.json's
// MALLOC_ARENA_MAX (the caller's, 1 where unset) is 1. The mode's line: unless NNZOO_REPRODUCIBLE or
// -Dnnzoo.reproducible says 0/false/no/off; reached on x86-64 with AVX2 unless the caller set one of the variables
// the mode would set, or turned off what it needs (then its line says why, and either is accepted).
const env = process.env;
const javaProp = (name) => (env.NNZOO_KERNEL_JAVA_OPTS || '').split(/\s+/)
  .filter((o) => o.startsWith(`-D${name}=`)).map((o) => o.slice(name.length + 3)).pop();
const isOff = (v) => ['0', 'false', 'no', 'off'].includes((v || '').trim().toLowerCase());
const mallocTuned = process.platform === 'linux' && env.NNZOO_MALLOC_TUNE !== '0'
  && (javaProp('nnzoo.malloc.tune') || '').toLowerCase() !== 'false'
  && !['MALLOC_MMAP_THRESHOLD_', 'MALLOC_TRIM_THRESHOLD_', 'GLIBC_TUNABLES'].some((v) => v in env);
const oneArena = (env.MALLOC_ARENA_MAX || '1').trim() === '1';
const modeAsked = !isOff(javaProp('nnzoo.reproducible') ?? env.NNZOO_REPRODUCIBLE);
const modeOverridden = ['MKL_CBWR', 'ATEN_CPU_CAPABILITY', 'ONEDNN_MAX_CPU_ISA'].some((v) => v in env)
  || (env.NNZOO_LSTM_KERNEL || '').trim().toLowerCase() === 'onednn' || env.NNZOO_MKL_VENDOR_FIX === '0'
  || javaProp('nnzoo.lstm.kernel') !== undefined || javaProp('nnzoo.mkl.vendorFix') !== undefined;
const started = Date.now();
const log = (msg) => console.log(`[browser] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${msg}`);
class Failure extends Error {}
const check = (ok, msg) => { if (!ok) throw new Failure(msg); };

async function api(method, p, body) {
  const r = await fetch(`${base}${p}`, { method, headers: { Authorization: `token ${token}`, 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  if (!r.ok) throw new Failure(`${method} ${p}: HTTP ${r.status} ${await r.text()}`);
  return r.status === 204 ? null : r.json();
}

const imageOutputs = (nb) => nb.cells.flatMap((c) => c.outputs || []).filter((o) => o.data && o.data['image/png']).length;

// The checks notebook: one cell per check, kernel nnzoo-java. MNIST when NNZOO_DATA is set (CI), else random data.
const mnist = !!process.env.NNZOO_DATA;
const cells = {
  data: mnist
    ? `ImageSet tr = Mnist.digits().train().range(0, 20000);
ImageSet te = Mnist.digits().test().limit(2000);
InMemoryDataset trainData = InMemoryDataset.of(tr, 128, true, 42);
InMemoryDataset testData = InMemoryDataset.of(te, 1000, false, 0);
int[] testLabels = te.labels();
System.out.println("data ready");`
    : `Random r = new Random(1);
float[] xs = new float[20000 * 784]; int[] ys = new int[20000];
for (int i = 0; i < 20000; i++) { ys[i] = r.nextInt(10); for (int j = 0; j < 784; j++) xs[i * 784 + j] = (float) (r.nextGaussian() * 0.3 + (j % 10 == ys[i] ? 1 : 0)); }
InMemoryDataset trainData = InMemoryDataset.classification(xs, new Shape(784), ys, 128, true, 42);
InMemoryDataset testData = InMemoryDataset.classification(Arrays.copyOf(xs, 2000 * 784), new Shape(784), Arrays.copyOf(ys, 2000), 1000, false, 0);
int[] testLabels = Arrays.copyOf(ys, 2000);
System.out.println("data ready");`,
  model: `Model model = Model.newInstance("mlp");
model.setBlock(Mlp.build(new int[] {256}, 10));
History h = Fit.of(model, trainData).epochs(2).accuracy(true).seed(42).title("short run").run();
Show.show(h.table());`,
  train: `History h = Fit.of(model, trainData).epochs(1000).accuracy(true).seed(42).title("long run: press Interrupt").run();`,
  evaluate: `System.out.println("test accuracy " + Evaluation.accuracy(testLabels, Evaluation.predictClasses(model, testData)));`,
  exception: `Integer.parseInt("twelve")`,
  complete: `Mnist.`,
  after: `1 + 1`,
};
const order = Object.keys(cells);
const cellIndex = (k) => order.indexOf(k);

const browser = await chromium.launch({ executablePath: process.env.NNZOO_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const page = await context.newPage();
const consoleErrors = [];
page.on('console', (m) => { if (m.type() === 'error') consoleErrors.push(m.text()); });
const shot = async (name) => page.screenshot({ path: path.join(out, `${name}.png`), fullPage: false });

// --- JupyterLab helpers -------------------------------------------------------------------------------------------
const labCell = (i) => page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell').nth(i);
const prompt = async (i) => (await labCell(i).locator('.jp-InputPrompt').first().innerText()).trim();
const codePrompts = async () => page.$$eval('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-InputPrompt',
  (els) => els.map((e) => e.textContent.trim()));

// the notebook's session (server's REST API) has an idle nnzoo-java kernel
async function waitKernelIdle(what, timeoutMs = 120_000) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const dialog = page.locator('.jp-Dialog .jp-mod-accept', { hasText: 'Select' });
    if (await dialog.count()) {        // "Select Kernel" (kernel specs not loaded when the notebook opened): the
      await dialog.first().click();    // notebook's own kernel is preselected
    }
    const sessions = await api('GET', '/api/sessions');
    if (sessions.some((x) => x.path.endsWith(what) && x.kernel?.name === 'nnzoo-java' && x.kernel?.execution_state === 'idle')) return;
    await page.waitForTimeout(200);
  }
  await shot(`failed-kernel-${what}`);
  throw new Failure(`${what}: the NN Zoo kernel was not idle within ${timeoutMs / 1000} s`);
}

async function openInLab(file) {
  await page.goto(`${base}/lab/tree/${file}?reset&token=${token}`);
  await page.locator('.jp-NotebookPanel .jp-Cell').first().waitFor({ timeout: 120_000 });
  await waitKernelIdle(file);
  const news = page.locator('.jp-Notification-Toast-Close, .jp-toast-button', { hasText: /^No$/ });
  if (await news.count()) await news.first().click().catch(() => {});
}

async function waitDone(i, timeoutMs) {
  const t0 = Date.now();
  while (Date.now() - t0 < timeoutMs) {
    const p = await prompt(i);
    if (/^\[\d+\]:$/.test(p)) return (Date.now() - t0) / 1000;
    await page.waitForTimeout(50);
  }
  throw new Failure(`cell ${i} still ${await prompt(i)} after ${timeoutMs / 1000} s`);
}

async function runCell(i, timeoutMs = 120_000) {
  await labCell(i).locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Escape');           // command mode on this cell
  await page.keyboard.press('Control+Enter');    // run it, stay on it
  await page.waitForFunction((idx) => {
    const c = document.querySelectorAll('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook .jp-Cell')[idx];
    return c && c.querySelector('.jp-InputPrompt').textContent.trim() === '[*]:';
  }, i, { timeout: 10_000 }).catch(() => {});
  return waitDone(i, timeoutMs);
}
const outputText = async (i) => labCell(i).locator('.jp-OutputArea').innerText();

async function menu(top, item) {
  await page.locator('.lm-MenuBar-itemLabel', { hasText: new RegExp(`^${top}$`) }).click();
  await page.locator('.lm-Menu-itemLabel', { hasText: new RegExp(`^${item}`) }).first().click();
}

let exitCode = 0;
const timings = [];
try {
  // 0. launcher: the kernel is offered by name
  await page.goto(`${base}/lab?reset&token=${token}`);
  await page.locator('.jp-LauncherCard').first().waitFor({ timeout: 120_000 });
  const cards = await page.$$eval('.jp-LauncherCard', (els) => els.map((e) => e.getAttribute('title') || e.textContent));
  check(cards.some((c) => c.includes('Java 17 (NN Zoo)')), `launcher has no "Java 17 (NN Zoo)" card: ${cards.join(' | ')}`);
  await shot('lab-launcher');
  log('JupyterLab launcher offers "Java 17 (NN Zoo)"');

  // 1. 01-perceptron: Run All, every image output rendered
  await openInLab('01-perceptron.ipynb');
  const t0 = Date.now();
  await menu('Run', 'Run All Cells');
  const deadline = Date.now() + 240_000;
  for (;;) {
    const prompts = await codePrompts();
    if (prompts.length && prompts.every((p) => /^\[\d+\]:$/.test(p))) break;
    if (Date.now() > deadline) { await shot('failed-lab-run-all'); throw new Failure(`Run All unfinished after 240 s: ${prompts.join(' ')}`); }
    await page.waitForTimeout(250);
  }
  const errors = await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output[data-mime-type="application/vnd.jupyter.stderr"]').count();
  await page.keyboard.press('Control+s');
  await page.waitForTimeout(1500);
  const saved = (await api('GET', '/api/contents/01-perceptron.ipynb')).content;
  const expected = imageOutputs(saved);
  const imgs = await page.$$eval('.jp-NotebookPanel:not(.lm-mod-hidden) .jp-OutputArea-output img',
    (els) => els.filter((e) => e.complete && e.naturalWidth >= 50).length);
  await shot('lab-01-perceptron');
  check(errors === 0 || saved.cells.every((c) => !(c.outputs || []).some((o) => o.output_type === 'error')),
    `01-perceptron: a cell failed in JupyterLab (${errors} error outputs)`);
  check(expected >= 3, `01-perceptron: the saved notebook has only ${expected} image outputs`);
  check(imgs === expected, `01-perceptron: ${imgs} images rendered (>= 50 px), the notebook has ${expected} image outputs`);
  log(`JupyterLab Run All on 01-perceptron: ${((Date.now() - t0) / 1000).toFixed(1)} s, ${imgs} of ${expected} images rendered`);

  // 2. the checks notebook
  await api('PUT', '/api/contents/browser-checks.ipynb', { type: 'notebook', format: 'json', content: {
    nbformat: 4, nbformat_minor: 5,
    metadata: { kernelspec: { name: 'nnzoo-java', display_name: 'Java 17 (NN Zoo)', language: 'java' } },
    cells: order.map((k) => ({ cell_type: 'code', source: cells[k], metadata: {}, outputs: [], execution_count: null })),
  } });
  await openInLab('browser-checks.ipynb');
  await runCell(cellIndex('data'), 180_000);
  check((await outputText(cellIndex('data'))).includes('data ready'), `data cell: ${await outputText(cellIndex('data'))}`);

  // live progress + tablesaw table, in one short training cell
  const mi = cellIndex('model');
  await labCell(mi).locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Escape');
  await page.keyboard.press('Control+Enter');
  const seen = new Set();
  const tp = Date.now();
  while (Date.now() - tp < 120_000) {
    const text = await labCell(mi).locator('.jp-OutputArea').innerText().catch(() => '');
    if (text) seen.add(text);
    if (/^\[\d+\]:$/.test(await prompt(mi))) break;
    await page.waitForTimeout(100);
  }
  await waitDone(mi, 10_000);
  // the last output is Show.show(h.table()): a tablesaw Table as an HTML <table> (the progress view's own table is earlier)
  const last = labCell(mi).locator('.jp-OutputArea-output').last();
  const tables = await last.locator('table').count();
  const headers = await last.locator('table th').allInnerTexts();
  const rows = await last.locator('table tbody tr').count();
  await labCell(mi).scrollIntoViewIfNeeded();
  await shot('lab-progress-and-table');
  check(seen.size >= 3, `the live progress view changed ${seen.size - 1} times during training (want >= 2)`);
  check(tables === 1 && headers.some((h) => h.includes('train_loss')) && rows === 2,
    `Show.show(h.table()) is not an HTML table with train_loss and 2 rows (tables ${tables}, rows ${rows}, headers ${headers.join(',')})`);
  log(`live progress: ${seen.size} distinct states while training; tablesaw table rendered as <table> (${headers.length} columns, ${rows} rows)`);

  // the engine's start lines, in the output of the first cell that used it: the kernel JupyterLab started has the
  // kernelspec's environment (one malloc arena) and runs in the reproducible mode, as far as this environment asks
  const startLines = [cellIndex('data'), mi].map(async (i) => (await outputText(i)).split('\n'));
  const lines = (await Promise.all(startLines)).flat().map((l) => l.trim());
  const tuning = lines.find((l) => l.startsWith('[nnzoo] native tuning'));
  const mode = lines.find((l) => l.startsWith('[nnzoo] reproducible mode'));
  if (mallocTuned) {
    check(tuning && tuning.includes('one malloc arena for every thread') === oneArena,
      `the "[nnzoo] native tuning" line should ${oneArena ? '' : 'not '}name one malloc arena (kernel.json's MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX || '1'}): ${tuning || lines.slice(0, 6).join(' | ')}`);
  }
  let reached = false;
  if (modeAsked) {
    check(mode, 'no "[nnzoo] reproducible mode" line in the first cells');
    reached = mode.startsWith('[nnzoo] reproducible mode (environment/README.md): ') && mode.includes('the same numbers on any x86-64 CPU');
    check(reached || !avx2 || modeOverridden, `the reproducible mode is not reached in the browser's kernel on this x86-64 CPU with AVX2: ${mode}`);
  } else {
    check(!mode, `NNZOO_REPRODUCIBLE=${env.NNZOO_REPRODUCIBLE} but the kernel printed: ${mode}`);
  }
  const arena = !mallocTuned ? 'malloc tuning off or set by the caller (not checked)'
    : oneArena ? 'one malloc arena' : `no arena phrase (MALLOC_ARENA_MAX=${env.MALLOC_ARENA_MAX})`;
  log(`start lines: ${arena}; ${!modeAsked ? 'reproducible mode off, no line' : reached ? 'reproducible mode reached' : mode}`);

  // Tab completion
  const ci = cellIndex('complete');
  await labCell(ci).locator('.jp-InputArea-editor').click();
  await page.keyboard.press('Control+End');
  await page.keyboard.press('Tab');
  const completer = page.locator('.jp-Completer');
  await completer.waitFor({ state: 'visible', timeout: 20_000 }).catch(() => {});
  const items = await page.locator('.jp-Completer .jp-Completer-item').allInnerTexts();
  await shot('lab-completion');
  await page.keyboard.press('Escape');
  check(items.length > 0 && items.some((t) => /digits|fashion/i.test(t)), `Tab after "Mnist." offered: ${items.slice(0, 10).join(', ') || 'nothing'}`);
  log(`Tab completion on "Mnist." offers ${items.length} members, e.g. ${items.slice(0, 3).map((t) => t.trim().split('\n')[0]).join(', ')}`);

  // a Java exception is readable: class, message, stack
  const ei = cellIndex('exception');
  await runCell(ei, 30_000);
  const err = await outputText(ei);
  await labCell(ei).scrollIntoViewIfNeeded();
  await shot('lab-exception');
  check(err.includes('java.lang.NumberFormatException') && err.includes('For input string: "twelve"') && /\bat \S+\(/.test(err),
    `the exception output is not readable:\n${err.slice(0, 600)}`);
  check(!/\u001b\[|\[\d+m/.test(err), `raw ANSI codes in the exception output: ${err.slice(0, 200)}`);
  log('Java exception shows class, message and stack');

  // Interrupt a long Fit three times; each time the next cell runs at once
  const ti = cellIndex('train'), vi = cellIndex('evaluate');
  for (let run = 1; run <= 3; run++) {
    await labCell(ti).locator('.jp-InputArea-editor').click();
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Enter');
    const states = new Set();
    const tw = Date.now();
    while (states.size < 3 && Date.now() - tw < 60_000) {   // running, its progress view changed twice
      const text = await labCell(ti).locator('.jp-OutputArea').innerText().catch(() => '');
      if (text) states.add(text);
      await page.waitForTimeout(100);
    }
    check(states.size >= 3, `run ${run}: the training cell showed no progress in 60 s`);
    const clicked = Date.now();
    await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:interrupt-kernel"]').first().click();
    const stopped = await waitDone(ti, 30_000).catch(async (e) => { await shot(`failed-interrupt-${run}`); throw e; });
    const seconds = (Date.now() - clicked) / 1000;
    const text = await outputText(ti);
    check(/interrupted at epoch \d+, batch \d+; the model keeps the weights/.test(text), `run ${run}: the cell does not say where it stopped:\n${text.slice(-500)}`);
    const next = await runCell(vi, 30_000);
    const acc = (await outputText(vi)).match(/test accuracy ([\d.]+)/);
    check(acc, `run ${run}: the next cell did not print the accuracy: ${await outputText(vi)}`);
    timings.push(seconds);
    if (run === 1) { await labCell(ti).scrollIntoViewIfNeeded(); await shot('lab-interrupt'); }
    log(`Interrupt run ${run}: the training cell ended ${seconds.toFixed(2)} s after the click (reply seen ${stopped.toFixed(2)} s into the wait); next cell in ${next.toFixed(2)} s, test accuracy ${acc[1]}`);
    check(seconds <= interruptLimit, `run ${run}: Interrupt took ${seconds.toFixed(2)} s (limit ${interruptLimit} s)`);
  }

  // Restart: a fresh kernel, the old variables gone, cells run again
  await page.locator('.jp-NotebookPanel:not(.lm-mod-hidden) [data-command="notebook:restart-kernel"]').first().click();
  await page.locator('.jp-Dialog .jp-mod-accept').click({ timeout: 10_000 });
  await page.waitForTimeout(1000);
  await waitKernelIdle('browser-checks.ipynb');
  const ai = cellIndex('after');
  await runCell(ai, 60_000);
  const two = await outputText(ai);
  await runCell(vi, 60_000);
  const gone = await outputText(vi);
  await shot('lab-restart');
  check(two.includes('2'), `after Restart, 1 + 1 gave: ${two}`);
  check(/cannot find symbol/.test(gone) && !/test accuracy [\d.]+/.test(gone), `after Restart the old variables still exist: ${gone.slice(0, 300)}`);
  log('Restart: fresh kernel (1 + 1 = 2, the old model is gone)');

  // 3. Notebook 7: Run All on 01-perceptron (a fresh copy), images rendered
  const nb7 = 'nb7-01-perceptron.ipynb';   // a copy without outputs of the checkout's notebook
  const pristine = JSON.parse(fs.readFileSync(path.join(notebooks, '01-perceptron.ipynb'), 'utf8'));
  await api('PUT', `/api/contents/${nb7}`, { type: 'notebook', format: 'json', content: pristine });
  await page.goto(`${base}/notebooks/${nb7}?token=${token}`);
  await page.locator('.jp-Notebook .jp-Cell').first().waitFor({ timeout: 120_000 });
  await waitKernelIdle(nb7);
  const t7 = Date.now();
  await menu('Run', 'Run All Cells');
  const d7 = Date.now() + 240_000;
  for (;;) {
    const prompts = await page.$$eval('.jp-CodeCell .jp-InputPrompt', (els) => els.map((e) => e.textContent.trim()));
    if (prompts.length && prompts.every((p) => /^\[\d+\]:$/.test(p))) break;
    if (Date.now() > d7) { await shot('failed-nb7-run-all'); throw new Failure(`Notebook 7: Run All unfinished after 240 s: ${prompts.join(' ')}`); }
    await page.waitForTimeout(250);
  }
  await page.keyboard.press('Control+s');
  await page.waitForTimeout(1500);
  const saved7 = (await api('GET', `/api/contents/${nb7}`)).content;
  const expected7 = imageOutputs(saved7);
  const imgs7 = await page.$$eval('.jp-OutputArea-output img', (els) => els.filter((e) => e.complete && e.naturalWidth >= 50).length);
  await shot('nb7-01-perceptron');
  check(expected7 >= 3 && imgs7 === expected7, `Notebook 7: ${imgs7} images rendered, the notebook has ${expected7} image outputs`);
  log(`Notebook 7 Run All on 01-perceptron: ${((Date.now() - t7) / 1000).toFixed(1)} s, ${imgs7} of ${expected7} images rendered`);
  log(`passed; Interrupt during Fit: ${timings.map((t) => t.toFixed(2)).join(', ')} s`);
} catch (e) {
  exitCode = 1;
  console.log(`[browser] FAIL: ${e instanceof Failure ? e.message : e.stack}`);
  await shot('failed-last').catch(() => {});
} finally {
  if (consoleErrors.length) fs.writeFileSync(path.join(out, 'console-errors.txt'), consoleErrors.join('\n'));
  await browser.close();
}
process.exit(exitCode);
