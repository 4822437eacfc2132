// dmaviz: the web page in a real browser (Debian's chromium, driven by playwright-core), TAP.
//
//   node browser.test.mjs SITE WEB-EXPECT LESSONS DVR OUTDIR
//
// SITE is build-web/site, WEB-EXPECT the native helper (tests/web/web-expect.c) that prints
// the terminal UI's panel text of a walk, LESSONS the source tree's lessons/, DVR a recording
// of 03-send (dmaviz record), OUTDIR where the screenshots and figures go. It serves SITE on
// 127.0.0.1, walks the send lesson forward and back comparing every panel with the terminal
// UI's text, answers a question wrong and right, checks that no answer shows before it is
// answered, reloads and finds the progress kept, opens a recording from the file picker and
// from a URL (and a broken one), opens every shipped lesson, and takes screenshots at
// 1280x720 and 390x844 whose structure it checks; then plays a step on simulated time (the
// shared pace), and checks p, +, r t, PgUp/PgDn, o and e. CHROMIUM names another browser binary.
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import zlib from 'node:zlib';
import { createRequire } from 'node:module';

const [site, expectBin, lessonsDir, dvr, outDir] = process.argv.slice(2);
const require = createRequire(import.meta.url);
const here = path.dirname(new URL(import.meta.url).pathname);
const { chromium } = require(path.join(here, '..', '..', 'web', 'node_modules', 'playwright-core'));

const PANELS = ['narration', 'question', 'source', 'dma', 'nic', 'ndis', 'memory', 'map', 'log'];
// The walk: j next, k back, h a hint, =TEXT an answer (typed in the answer field).
const WALK = ['j', 'j', 'j', '=0x44', 'h', '=0x09', 'j', '=1513', 'j', 'j', 'j', '=no', 'j', 'j', 'j',
	'=NDIS_STATUS_SUCCESS', 'j', 'j', 'j', 'j', 'j', 'k', 'k', 'k', 'k', 'k', 'k', 'k', 'k', 'k',
	'k', 'k', 'k'];

let n = 0;
let failed = 0;
function ok(cond, name, detail) {
	n++;
	if (!cond)
		failed++;
	console.log(`${cond ? 'ok' : 'not ok'} ${n} - ${name}`);
	if (!cond && detail)
		console.log(detail.split('\n').map((l) => '# ' + l).join('\n'));
}

// ---- a static server that counts what it sends ----
const types = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css',
	'.wasm': 'application/wasm', '.dvr': 'application/octet-stream' };
let served = 0;
const server = http.createServer((req, res) => {
	let p = decodeURIComponent(new URL(req.url, 'http://x').pathname);
	if (p.endsWith('/'))
		p += 'index.html';
	if (p === '/test/huge.dvr') { // says 300 MiB, sends a little: the page must not read on
		res.writeHead(200, { 'content-length': String(300 * 1024 * 1024) });
		res.write(fs.readFileSync(dvr).subarray(0, 64));
		setTimeout(() => res.destroy(), 2000);
		return;
	}
	const file = p === '/test/run.dvr' ? dvr : p === '/test/broken.dvr' ? null : path.join(site, p);
	const body = file === null ? fs.readFileSync(dvr).subarray(0, 200) :
		fs.existsSync(file) && file.startsWith(site) || file === dvr ? fs.readFileSync(file) : null;
	if (!body) {
		res.writeHead(404);
		res.end();
		return;
	}
	served += body.length;
	res.writeHead(200, { 'content-type': types[path.extname(p)] || 'application/octet-stream' });
	res.end(body);
});
await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
const base = `http://127.0.0.1:${server.address().port}/`;

const browser = await chromium.launch({
	executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-gpu'],
});

async function openPage(width, height, serviceWorkers = 'allow') {
	const context = await browser.newContext({ viewport: { width, height }, serviceWorkers });
	const page = await context.newPage();
	page.errors = [];
	page.on('pageerror', (e) => page.errors.push(e.message));
	return page;
}

async function ready(page) {
	await page.waitForFunction(() => window.dmaviz && window.dmaviz.ready, null, { timeout: 30000 });
}

async function panels(page) {
	return page.evaluate((keys) => {
		const out = {};
		for (const k of keys) {
			const sec = document.getElementById('p-' + k);
			if (sec && !sec.hidden)
				out[k] = sec.querySelector('pre').textContent;
		}
		return out;
	}, PANELS);
}

function diff(want, got) {
	for (const k of PANELS) {
		if (want[k] !== got[k])
			return `panel ${k}:\n--- terminal\n${want[k]}\n--- page\n${got[k]}`;
	}
	return null;
}

// ---- 1: first load, transfer size and time to first frame ----
// Without the service worker, which fetches the same files once more for offline use.
const page = await openPage(1280, 720, 'block');
served = 0;
await page.goto(base + '?lesson=send');
await ready(page);
await page.waitForFunction(() => performance.getEntriesByName('dmaviz-first-frame').length > 0);
const firstFrame = await page.evaluate(() => performance.getEntriesByName('dmaviz-first-frame')[0].startTime);
const gz = ['index.html', 'app.js', 'style.css', 'dmaviz.js', 'dmaviz.wasm'].reduce((s, f) =>
	s + zlib.gzipSync(fs.readFileSync(path.join(site, f)), { level: 9 }).length, 0);
const figures = `transfer ${served} bytes (${gz} gzip -9); first frame ${firstFrame.toFixed(0)} ms`;
console.log('# ' + figures);
fs.writeFileSync(path.join(outDir, 'figures.txt'), figures + '\n');
// The goal is 2 s on a laptop (figures.txt keeps the figure); the check's bound is looser, since
// a test machine shared with other builds cannot promise it: it catches a hang or a slowdown by
// multiples.
ok(firstFrame < 8000, `the first frame within 8 s (${firstFrame.toFixed(0)} ms)`);
ok(await page.locator('#scene svg').count() === 1, 'the scene is an SVG');

// ---- 2: the walk, panel by panel against the terminal UI's text ----
const expected = execFileSync(expectBin, [path.join(lessonsDir, '03-send.lesson'), ...WALK],
	{ encoding: 'utf8' }).trim().split('\n').map((l) => JSON.parse(l));
let bad = diff(expected[0], await panels(page));
ok(!bad, 'send, opened: every panel as the terminal UI shows it', bad);
let spoiled = null;
for (let i = 0; i < WALK.length; i++) {
	const m = WALK[i];
	if (m === '=0x09') {
		// No answer before answering: not in the page's text, not in the picture.
		const text = await page.evaluate(() => document.body.innerText +
			document.getElementById('scene').textContent);
		spoiled = text.includes('0x09') ? text : null;
	}
	if (m[0] === '=') {
		await page.keyboard.press('a');
		ok(await page.evaluate(() => document.activeElement.id) === 'answer',
			`move ${i + 1} (${m}): a opens the answer field`);
		await page.keyboard.type(m.slice(1));
		await page.keyboard.press('Enter');
	} else {
		await page.keyboard.press(m);
	}
	if (m === '=0x44') {
		ok(/try again/i.test(await page.locator('#status').textContent()),
			'a wrong answer says so', await page.locator('#status').textContent());
		await page.keyboard.press('Escape');
	}
	if (m === '=0x09')
		ok(/^Right/.test(await page.locator('#status').textContent()), 'a right answer says so',
			await page.locator('#status').textContent());
	if (m === 'j' && WALK[i + 1] && WALK[i + 1][0] === '=' && i === 2)
		ok(await page.evaluate(() => window.dmaviz.state().gated), 'the question holds the lesson');
	bad = diff(expected[i + 1], await panels(page));
	ok(!bad, `move ${i + 1} (${m}): every panel as the terminal UI shows it`, bad);
}
ok(spoiled === null, 'no answer shows before the question is answered', spoiled && spoiled.slice(0, 400));
await page.screenshot({ path: path.join(outDir, 'wide-1280x720.png') });
const layout = await page.evaluate(() => {
	const r = (id) => document.getElementById(id).getBoundingClientRect();
	return { narr: r('p-narration'), scene: r('p-scene'), dma: r('p-dma'),
		overflow: document.documentElement.scrollWidth > innerWidth };
});
ok(layout.narr.right <= layout.scene.left && layout.narr.width > 300 && layout.scene.width > 500,
	'1280x720: the narration beside the diagram', JSON.stringify(layout));
ok(layout.dma.width > 0 && !layout.overflow, '1280x720: the panels shown, no sideways scrolling',
	JSON.stringify(layout));

// ---- 3: progress kept across a reload ----
await page.goto(base);
await ready(page);
const entry = await page.locator('#lessons a[href="?lesson=send"]').locator('..').textContent();
ok(/4\/4 questions/.test(entry), 'after a reload the menu keeps the answers', entry);
ok(/^send \d+ \d /m.test(await page.evaluate(() => localStorage.getItem('dmaviz.progress'))),
	'local storage holds the progress file', await page.evaluate(() => localStorage.getItem('dmaviz.progress')));

// The sandbox prompt at the end of the lesson: a port write, and a line that is wrong.
await page.goto(base + '?lesson=send');
await ready(page);
await page.keyboard.press('G');
ok(await page.evaluate(() => window.dmaviz.state().end), 'G: the end (the answers were kept)');
await page.keyboard.press(':');
ok(await page.evaluate(() => document.activeElement.id) === 'sandbox', ': opens the sandbox prompt');
const logBefore = await page.locator('#p-log pre').textContent();
await page.keyboard.type('out 0x0A 0x05');
await page.keyboard.press('Enter');
const logAfter = await page.locator('#p-log pre').textContent();
ok(logAfter !== logBefore && /0x0a|mask/i.test(logAfter), 'the sandbox line ran on the machine',
	logAfter);
await page.keyboard.type('out 0x0A zz');
await page.keyboard.press('Enter');
const sbMsg = await page.locator('#status').textContent();
ok(/zz/.test(sbMsg), 'a wrong sandbox line: its message', sbMsg);
await page.keyboard.press('Escape');

// ---- 4: recordings: the file picker, a URL, a broken file ----
await page.goto(base);
await ready(page);
await page.setInputFiles('#dvr-file', dvr);
const picked = await page.waitForFunction(() => !document.getElementById('lesson').hidden &&
	window.dmaviz.state().recording, null, { timeout: 10000 }).then(() => true, () => false);
ok(picked, 'a .dvr from the file picker opens');
ok(await page.locator('#narration').textContent() === expected[0].narration,
	'the recording shows the lesson as it ran');
await page.goto(base + '?dvr=' + encodeURIComponent(base + 'test/run.dvr'));
await ready(page);
await page.waitForFunction(() => window.dmaviz.state() && window.dmaviz.state().recording);
ok(true, 'a .dvr from a URL opens');
await page.goto(base + '?dvr=' + encodeURIComponent(base + 'test/broken.dvr'));
await ready(page);
await page.waitForSelector('#menu-alert');
const alert = await page.locator('#menu-alert').textContent();
ok(/broken\.dvr/.test(alert) && !(await page.locator('#menu').isHidden()),
	'a broken .dvr: a message naming the file, the menu still there', alert);

await page.goto(base + '?dvr=' + encodeURIComponent(base + 'test/huge.dvr'));
await ready(page);
await page.waitForSelector('#menu-alert');
const huge = await page.locator('#menu-alert').textContent();
ok(/huge\.dvr.*more than this page reads/.test(huge), 'a recording too large for the page: refused, saying so',
	huge);

// ---- offline once loaded: the service worker answers when the network does not ----
const off = await openPage(1280, 720);
await off.goto(base + '?lesson=send');
await ready(off);
await off.evaluate(() => navigator.serviceWorker.ready);
await off.context().setOffline(true);
server.closeAllConnections();
await off.reload();
await ready(off);
ok((await off.locator('#narration').textContent()) === expected[0].narration,
	'offline: a reload still opens the lesson');
await off.context().close();

// ---- the quiz: the native `dmaviz quiz --solve` answers, one wrong and the rest right ----
const solved = Object.fromEntries(execFileSync(path.join(path.dirname(expectBin), '..', '..', 'ui',
	'dmaviz'), ['quiz', '--seed', '42', '--solve'], { encoding: 'utf8' }).split('\n')
	.map((l) => /^([a-z-]+): (\S+)/.exec(l)).filter(Boolean).map((m) => [m[1], m[2]]));
await page.goto(base + '?quiz=42');
await ready(page);
const quizText = await page.locator('#quiz-text').textContent();
ok(Object.keys(solved).length === 10 && !/^mode: /m.test(quizText) &&
	await page.evaluate(() => document.activeElement.id) === 'quiz-status',
	'the quiz: the problem without its answers, the first answer field focused', quizText);
const ids = Object.keys(solved);
for (const [i, id] of ids.entries()) {
	await page.keyboard.type(i === 0 ? 'NDIS_STATUS_WRONG' : solved[id]);
	await page.keyboard.press('Enter');
}
const results = await page.locator('#quiz-questions li span').allTextContents();
ok(results[0] === `not that: ${solved.status}` && results.slice(1).every((r) => r === 'right'),
	'the quiz: a wrong answer shows the right one after it, the rest right', results.join(' | '));
ok(/^9 of 10 right$/.test(await page.locator('#quiz-score').textContent()), 'the quiz: the score');

// ---- 5: every shipped lesson opens ----
const lessonIds = await page.evaluate(() => [...document.querySelectorAll('#lessons a')].map((a) =>
	new URLSearchParams(a.search).get('lesson')));
ok(lessonIds.length === fs.readdirSync(lessonsDir).filter((f) => f.endsWith('.lesson')).length,
	`the menu lists every shipped lesson (${lessonIds.length})`);
const numbering = await page.evaluate(() => [...document.querySelectorAll('#lessons ol')].map((ol) =>
	[ol.previousElementSibling.textContent, ol.start, ol.children.length]));
ok(numbering.every(([h, start], i) => /^Level \d+$/.test(h) &&
	start === 1 + numbering.slice(0, i).reduce((n, x) => n + x[2], 0)),
	'the menu: a heading a level, the lessons numbered on through the course',
	JSON.stringify(numbering));
for (const id of lessonIds) {
	await page.goto(base + '?lesson=' + id);
	await ready(page);
	const s = await page.evaluate(() => window.dmaviz.state());
	const svg = await page.locator('#scene svg').count();
	ok(s && s.id === id && !s.failed && (await page.locator('#narration').textContent()).length > 0 &&
		svg === 1, `lesson ${id} opens, its checks pass, narration and picture shown`,
		JSON.stringify(s && { id: s.id, failed: s.failed, msg: s.msg }));
}
ok(page.errors.length === 0, 'no script errors', page.errors.join('\n'));

// ---- 6: a phone in portrait, by keyboard alone ----
const phone = await openPage(390, 844);
await phone.goto(base + '?lesson=send');
await ready(phone);
await phone.keyboard.press('j');
await phone.keyboard.press('j');
const narrow = await phone.evaluate(() => {
	const shown = [...document.querySelectorAll('.tab')].filter((e) => e.offsetParent !== null);
	return { tabs: document.getElementById('tabs').offsetParent !== null,
		shown: shown.map((e) => e.id), narr: document.getElementById('p-narration').offsetParent !== null,
		overflow: document.documentElement.scrollWidth > innerWidth, step: window.dmaviz.state().step };
});
ok(narrow.tabs && narrow.narr && narrow.shown.length === 1 && !narrow.overflow,
	'390x844: the narration and one panel at a time, no sideways scrolling', JSON.stringify(narrow));
ok(narrow.step === 2, 'keys move the lesson on a phone too', JSON.stringify(narrow));
// The narration's paragraphs wrap anew at the phone's width (their text stays the terminal's).
const reflow = await phone.evaluate(() => {
	const pre = document.getElementById('narration');
	const lh = parseFloat(getComputedStyle(pre).lineHeight);
	return { rows: Math.round(pre.getBoundingClientRect().height / lh),
		lines: pre.textContent.split('\n').length, width: pre.scrollWidth <= pre.clientWidth };
});
ok(reflow.rows < reflow.lines * 1.6 && reflow.width, // each line cut in two: 2x
	`390x844: the narration wraps anew, nothing cut at the side (${reflow.rows} rows for ${reflow.lines} lines)`, JSON.stringify(reflow));
// Tab reaches the panel tabs; Enter on one shows it.
let reached = false;
for (let i = 0; i < 40 && !reached; i++) {
	await phone.keyboard.press('Tab');
	reached = await phone.evaluate(() => document.activeElement.dataset.tab === 'dma');
}
await phone.keyboard.press('Enter');
ok(reached && await phone.locator('#p-dma').isVisible() && !(await phone.locator('#p-scene').isVisible()),
	'the keyboard alone reaches a panel tab and shows that panel');
await phone.screenshot({ path: path.join(outDir, 'phone-390x844.png'), fullPage: true });
ok(phone.errors.length === 0, 'no script errors on the phone', phone.errors.join('\n'));

// ---- 7: playing at the step's pace, r, PgUp/PgDn, o and e ----
const keys = await openPage(1280, 720, 'block');
await keys.goto(base + '?lesson=send');
await ready(keys);
// p on simulated time: the API's clock driven 40 ms at a time, the page's own clock not started
// (one synchronous evaluate). The 1514-byte send's step: its questions skipped, the rest of
// it planned again by p.
const pace = await keys.evaluate(() => {
	const c = window.dmaviz.call;
	const gated = () => JSON.parse(c('dvw_state')).gated;
	for (let i = 0; i < 60; i++) {
		if (gated())
			c('dvw_key', 's');
		c('dvw_key', 'p');
		const p = JSON.parse(c('dvw_play', 0));
		c('dvw_key', 'p');
		if (p.planned * 1000 > 12000 * p.rate)
			break;
		c('dvw_key', 'j');
	}
	let out = null;
	for (let tries = 0; tries < 5; tries++) {
		if (gated())
			c('dvw_key', 's');
		c('dvw_key', 'p');
		const p0 = JSON.parse(c('dvw_play', 0));
		out = { planned: p0.planned, step: p0.pstep, rate: p0.rate, moves: 0, ms: 0, atSecond: -1,
			cue: false };
		let r = p0;
		while (out.ms < 20000) {
			r = JSON.parse(c('dvw_play', 40));
			out.ms += 40;
			out.moves += r.moves;
			if (out.ms === 1000)
				out.atSecond = out.moves;
			out.cue = out.cue || r.cue.startsWith('\u25b6\u25b6 ');
			if (r.pstep !== out.step || r.result !== 'ok')
				break;
		}
		out.result = r.result;
		out.next = r.pstep;
		if (r.result !== 'gate')
			break;
	}
	c('dvw_key', 'p');
	return out;
});
ok(pace && pace.planned > 48 && pace.rate === 4 && pace.atSecond === 4 && pace.cue &&
	pace.moves >= pace.planned - 1 && pace.moves <= pace.planned && pace.ms > 11000 &&
	pace.ms <= 12040 && pace.next === pace.step + 1,
	'p plays the long step at the shared pace: 4 moves in its first second, then faster ' +
	'with the cue, its end within 12 s of simulated time', JSON.stringify(pace));
// The page's own clock, in real time: p plays (the button says so), p again pauses.
await keys.goto(base + '?lesson=tour');
await ready(keys);
const before = await panels(keys);
await keys.keyboard.press('p');
const btnPlaying = await keys.locator('#play-btn').textContent();
await keys.waitForTimeout(1500);
const during = await keys.evaluate(() => window.dmaviz.state().playing);
await keys.keyboard.press('p');
const afterPlay = await panels(keys);
const paused = await keys.evaluate(() => !window.dmaviz.state().playing);
ok(/pause/.test(btnPlaying) && diff(before, afterPlay) !== null && paused,
	'p: the page plays on its clock and p pauses', JSON.stringify({ btnPlaying, during, paused }));
await keys.keyboard.press('+');
ok(/speed: 8 moves\/s/.test(await keys.locator('#status').textContent()), '+: the rate doubles',
	await keys.locator('#status').textContent());
// r t: past the send's first questions (tests/screens/until-tc-80x24.screen's keys), to the
// next terminal count (test-webapi checks its cycle against the session's).
await keys.goto(base + '?lesson=send');
await ready(keys);
for (const k of 'jjjsjsjjjs')
	await keys.keyboard.press(k);
const cycleBefore = await keys.evaluate(() => window.dmaviz.state().cycle);
await keys.keyboard.press('r');
const prompt = await keys.locator('#status').textContent();
await keys.keyboard.press('t');
const ranTo = await keys.locator('#status').textContent();
const cycleAfter = await keys.evaluate(() => window.dmaviz.state().cycle);
ok(/run until: t terminal count/.test(prompt) &&
	/ran until the terminal count \(\d+ events\)/.test(ranTo) && cycleAfter > cycleBefore,
	'r t: runs until the terminal count', `${prompt} | ${ranTo} | ${cycleBefore} -> ${cycleAfter}`);
// PgDn/PgUp scroll the narration in a short window.
await keys.setViewportSize({ width: 1280, height: 240 });
await keys.goto(base + '?lesson=send');
await ready(keys);
const scroll = async () => keys.evaluate(() => {
	const pre = document.getElementById('narration');
	return { top: pre.scrollTop, room: pre.scrollHeight - pre.clientHeight };
});
let s0 = await scroll();
for (let i = 0; i < 6 && s0.room <= 0; i++) { // more paragraphs than the box holds
	await keys.keyboard.press('j');
	s0 = await scroll();
}
await keys.keyboard.press('PageDown');
const s1 = await scroll();
await keys.keyboard.press('PageUp');
const s2 = await scroll();
ok(s0.room > 0 && s0.top === 0 && s1.top > 0 && s2.top === 0, 'PgDn and PgUp scroll the narration',
	JSON.stringify([s0, s1, s2]));
await keys.setViewportSize({ width: 1280, height: 720 });
// e: no rule yet in send; busy.lesson's second Setup fires one, and e opens its explanation.
await keys.keyboard.press('e');
ok(/no verifier rule/.test(await keys.locator('#status').textContent()), 'e with no rule: says so');
const screens = path.join(lessonsDir, '..', 'tests', 'screens');
const openFile = async (name) => {
	await keys.goto(base);
	await ready(keys);
	await keys.setInputFiles('#dvr-file', path.join(screens, name));
	await keys.waitForFunction(() => !document.getElementById('lesson').hidden, null,
		{ timeout: 10000 });
};
await openFile('busy.lesson');
for (const k of ['j', 'j', 'j', 'e'])
	await keys.keyboard.press(k);
ok(await keys.locator('#explain').isVisible() &&
	/Fix:/.test(await keys.locator('#explain-text').textContent()),
	'e: the verifier rule\'s explanation opens', await keys.locator('#explain-text').textContent());
await keys.keyboard.press('Escape');
// o: the output table up to the cursor (tests/screens/rows.lesson, from the file picker).
await openFile('rows.lesson');
const output = async () => {
	await keys.keyboard.press('o');
	const t = { open: await keys.locator('#output').isVisible(),
		title: await keys.locator('#output-title').textContent(),
		rows: (await keys.locator('#output-text').textContent()).split('\n').length };
	await keys.keyboard.press('Escape');
	return t;
};
const o0 = await output();
ok(o0.open && /rows 1-1 of the 1 written so far/.test(o0.title) && o0.rows === 1,
	'o at the start: the header row alone', JSON.stringify(o0));
// j: the first step's row; o shows it and no later one.
await keys.keyboard.press('j');
const o1 = await output();
ok(o1.open && /rows 1-2 of the 2 written so far/.test(o1.title) && o1.rows === 2,
	'o after the first step: only the rows written so far', JSON.stringify(o1));
await keys.keyboard.press('G');
const o2 = await output();
ok(/rows 1-27 of the 27 written so far/.test(o2.title) && o2.rows === 27,
	'o at the end: every row', JSON.stringify(o2));
await keys.screenshot({ path: path.join(outDir, 'keys-1280x720.png') });
ok(keys.errors.length === 0, 'no script errors with the keys', keys.errors.join('\n'));

await browser.close();
server.close();
console.log(`1..${n}`);
console.log(`# ${n - failed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
