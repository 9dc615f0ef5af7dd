// Browser test of the book (environment/build_book.py), with npm's playwright-core and the system's Chromium.
// Run by environment/tests/book-tests.sh, which serves the book on 127.0.0.1.
//   node book.mjs --url http://127.0.0.1:PORT --out DIR [--shots 03-cnn-lenet,12-diffusion]
// Every page (the front page and each chapter in book.json) must load with no console error, no page error, no
// failed request and no request outside the book's own server (the book must read offline); on each chapter page:
// every <img> decoded (naturalWidth > 0) and at least as many plot images as the run recorded for that notebook (at
// least one), the equations typeset by MathJax (rendered elements present, no "Math Processing Error", no raw
// $...$ left in the rendered text), an "Exercises" section, the chapter's table of contents and the links to the
// previous/next chapter and to its notebook. Screenshots of the chapters named by --shots: DIR/<chapter>.png (top)
// and DIR/<chapter>-exercises.png. Prints one line per page; exit 1 if any page fails.
import { chromium } from 'playwright-core';
import fs from 'node:fs';
import path from 'node:path';

const arg = (name) => { const i = process.argv.indexOf(`--${name}`); return i > 0 ? process.argv[i + 1] : undefined; };
const base = arg('url'), out = arg('out');
const shots = (arg('shots') || '03-cnn-lenet,12-diffusion').split(',').filter(Boolean);
if (!base || !out) {
  console.error('usage: node book.mjs --url URL --out DIR [--shots a,b]');
  process.exit(2);
}
fs.mkdirSync(out, { recursive: true });
const started = Date.now();
const log = (msg) => console.log(`[book] ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s  ${msg}`);

const manifest = await (await fetch(`${base}/book.json`)).json();
const browser = await chromium.launch({ executablePath: process.env.NNZOO_CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu'] });
const context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
const origin = new URL(base).origin;
const outside = [];
await context.route('**/*', (route) => {
  const u = route.request().url();
  if (u.startsWith(origin) || u.startsWith('data:')) return route.continue();
  outside.push(u);
  return route.abort();
});

async function visit(name, file, isChapter) {
  const page = await context.newPage();
  const problems = [];
  page.on('console', (m) => { if (m.type() === 'error') problems.push(`console error: ${m.text()}`); });
  page.on('pageerror', (e) => problems.push(`page error: ${e.message}`));
  page.on('requestfailed', (r) => problems.push(`request failed: ${r.url()} (${r.failure()?.errorText})`));
  const before = outside.length;
  const response = await page.goto(`${base}/${file}`, { waitUntil: 'load', timeout: 60000 });
  if (!response || !response.ok()) problems.push(`HTTP ${response ? response.status() : 'no response'}`);
  let facts = {};
  if (isChapter) {
    // MathJax 2 typesets after load; wait for its queue to drain
    const typeset = await page.waitForFunction(() => new Promise((resolve) => {
      if (!window.MathJax || !window.MathJax.Hub) { resolve('no MathJax'); return; }
      window.MathJax.Hub.Queue(() => resolve('done'));
    }), null, { timeout: 120000 }).then((h) => h.jsonValue()).catch((e) => `timeout: ${e.message}`);
    if (typeset !== 'done') problems.push(`MathJax did not finish: ${typeset}`);
    facts = await page.evaluate(() => {
      const imgs = [...document.querySelectorAll('img')];
      const plots = [...document.querySelectorAll('.jp-OutputArea-output img')];
      const md = [...document.querySelectorAll('.jp-RenderedMarkdown')].map((el) => {
        const c = el.cloneNode(true);
        c.querySelectorAll('code, pre, script, .MathJax_Preview, .mjx-chtml, .MJX_Assistive_MathML').forEach((x) => x.remove());
        return c.textContent;
      }).join('\n');
      const raw = md.match(/\$[^$\s][^$\n]{0,80}\$|\\\(|\\\[/);
      return {
        images: imgs.length,
        broken: imgs.filter((i) => !i.complete || i.naturalWidth === 0).length,
        plots: plots.length,
        math: document.querySelectorAll('.mjx-chtml').length,
        mathErrors: document.querySelectorAll('.mjx-merror, .MathJax_Error').length + (document.body.textContent.includes('Math Processing Error') ? 1 : 0),
        raw: raw ? raw[0] : null,
        exercises: !!document.getElementById('Exercises'),
        toc: document.querySelectorAll('.nnzoo-side ul a[href^="#"]').length,
        chapters: document.querySelectorAll('.nnzoo-chapters a').length,
        prev: !!document.querySelector('a[rel="prev"]'),
        next: !!document.querySelector('a[rel="next"]'),
        notebook: !!document.querySelector('.nnzoo-bar a[download]'),
      };
    });
    const stem = file.replace('.html', '');
    const want = Math.max(1, manifest.images[stem] || 0);
    const index = manifest.chapters.findIndex((c) => c.stem === stem);
    if (facts.broken > 0) problems.push(`${facts.broken} of ${facts.images} images not decoded`);
    if (facts.plots < want) problems.push(`${facts.plots} plot images, the run recorded ${want}`);
    if (facts.math === 0) problems.push('no typeset equation');
    if (facts.mathErrors > 0) problems.push(`${facts.mathErrors} MathJax errors`);
    if (facts.raw) problems.push(`raw TeX left in the text: ${facts.raw}`);
    if (!facts.exercises) problems.push('no Exercises section');
    if (facts.toc < 3) problems.push(`table of contents has ${facts.toc} entries`);
    if (facts.chapters !== manifest.chapters.length) problems.push(`navigation lists ${facts.chapters} of ${manifest.chapters.length} chapters`);
    if (facts.prev !== index > 0 || facts.next !== index < manifest.chapters.length - 1) problems.push('previous/next links wrong');
    if (!facts.notebook) problems.push('no link to the notebook');
    if (shots.includes(stem)) {
      await page.screenshot({ path: path.join(out, `${stem}.png`) });
      await page.locator('#Exercises').scrollIntoViewIfNeeded({ timeout: 5000 }).catch(() => {});
      await page.screenshot({ path: path.join(out, `${stem}-exercises.png`) });
    }
  } else {
    facts = await page.evaluate(() => ({ links: document.querySelectorAll('main a[href$=".html"]').length,
      table: document.querySelectorAll('main table tbody tr').length }));
    if (facts.links < manifest.chapters.length) problems.push(`front page links ${facts.links} chapters`);
    if (facts.table < manifest.chapters.length) problems.push(`results table has ${facts.table} rows`);
    await page.screenshot({ path: path.join(out, 'index.png') });
  }
  for (const u of outside.slice(before)) problems.push(`request outside the book: ${u}`);
  await page.close();
  const summary = isChapter
    ? `${facts.plots} plots, ${facts.math} equations, ${facts.toc} headings`
    : `${facts.links} chapter links, ${facts.table} result rows`;
  log(`${problems.length ? 'FAIL' : 'ok  '} ${name}: ${summary}${problems.length ? '\n    ' + problems.join('\n    ') : ''}`);
  return problems.length === 0;
}

let ok = await visit('front page', 'index.html', false);
for (const c of manifest.chapters) ok = (await visit(c.stem, `${c.stem}.html`, true)) && ok;
await browser.close();
log(ok ? `all ${manifest.chapters.length + 1} pages ok` : 'some pages FAILED');
process.exit(ok ? 0 : 1);
