/* dmaviz in a web page: the front end over the WebAssembly module (web/api.h). It turns key
 * presses into the terminal UI's key names and hands them to the shared key table, shows the
 * view's panels as text and the scene as SVG, and keeps the progress file in local storage.
 * What a key does, what a panel says and when a question blocks are decided in C. */
'use strict';

(async function () {
	const $ = (id) => document.getElementById(id);
	const PROGRESS = '/home/web_user/progress';
	const STORE = 'dmaviz.progress';
	const THEME = 'dmaviz.theme';
	const PANELS = ['dma', 'ndis', 'nic', 'memory', 'map', 'log', 'source'];
	/* The largest recording the page reads: it is copied into the module's memory (at most
	 * 1 GiB, web/meson.build) and read there whole. Larger ones are for the native dmaviz. */
	const MAX_DVR = 256 * 1024 * 1024;
	const TAB_NAMES = { scene: 'Diagram', dma: '8237A', ndis: 'NDIS', nic: 'NIC',
		memory: 'Memory', map: 'Map', log: 'Log', source: 'Source' };
	/* Browser key names as the terminal UI names keys (ui/tui/tui.c, dv_tui_key_name). */
	const KEYS = { ' ': 'Space', Enter: 'Enter', Escape: 'Esc', ArrowUp: 'Up', ArrowDown: 'Down',
		ArrowLeft: 'Left', ArrowRight: 'Right', PageUp: 'PgUp', PageDown: 'PgDn', Home: 'Home',
		End: 'End', Backspace: 'Backspace', F1: 'F1' };

	let M;
	try {
		M = await createDmaviz();
	} catch (e) {
		$('loading').textContent = 'The simulator did not load: ' + e;
		return;
	}
	const call = (name, ...args) => M.ccall(name, 'string',
		args.map((a) => (typeof a === 'number' ? 'number' : 'string')), args);
	/* The result of a call that may run the lesson's driver fiber (api.h: dvw_ret). */
	const run = (name, ...args) => { call(name, ...args); return call('dvw_ret'); };

	let state = null;
	let lessons = [];
	let current = -1; /* index in lessons, or -1 for a recording */
	let playing = null; /* the clock's animation frame while playing */
	let tab = 'scene';
	let firstFrame = false;

	function restoreProgress() {
		const t = localStorage.getItem(STORE);
		if (t !== null)
			M.FS.writeFile(PROGRESS, t);
		call('dvw_progress_reload');
	}

	function keepProgress() {
		let t = null;
		try {
			t = M.FS.readFile(PROGRESS, { encoding: 'utf8' });
		} catch (e) {
			return;
		}
		if (t !== localStorage.getItem(STORE))
			localStorage.setItem(STORE, t);
	}

	function setTheme(name) {
		$('theme').textContent = call('dvw_theme_css', name);
		$('theme-sel').value = name;
		localStorage.setItem(THEME, name);
		if (state)
			drawScene();
	}

	const lineText = (line) => line.map((run) => run[1]).join('');
	/* A line break inside a paragraph: a narrow screen turns it into a space (style.css: .soft)
	 * and wraps the paragraph anew; the text stays the terminal's. */
	const softBreak = (a, b) => a !== '' && b !== '' && !/^[ >*-]|^\d+\./.test(b);

	/* Panel lines: runs of [role, text]; role 0 is plain text. reflow marks soft breaks. */
	function fillPre(pre, lines, reflow) {
		pre.textContent = '';
		lines.forEach((line, i) => {
			if (i && reflow && softBreak(lineText(lines[i - 1]), lineText(line))) {
				const soft = document.createElement('span');
				soft.className = 'soft';
				soft.textContent = '\n';
				pre.append(soft);
			} else if (i) {
				pre.append('\n');
			}
			for (const [role, text] of line) {
				if (role === 0) {
					pre.append(text);
					continue;
				}
				const span = document.createElement('span');
				span.className = 'r' + role;
				span.textContent = text;
				pre.append(span);
			}
		});
	}

	function fillPanel(key, panel) {
		const sec = $('p-' + key);
		sec.hidden = !panel;
		if (!panel)
			return;
		const h = sec.querySelector('h2');
		if (key !== 'narration' && key !== 'question')
			h.textContent = panel.title || TAB_NAMES[key];
		fillPre(sec.querySelector('pre'), panel.lines, key === 'narration' || key === 'question');
	}

	function drawScene() {
		const box = $('scene');
		const w = Math.max(640, Math.min(1600, Math.round(box.clientWidth || 640)));
		box.innerHTML = call('dvw_svg', 'present', w, Math.round(w * 9 / 16),
			$('theme-sel').value);
		if (!firstFrame && box.firstElementChild) {
			firstFrame = true;
			performance.mark('dmaviz-first-frame');
		}
	}

	function say(text) {
		$('status').textContent = text;
	}

	function render(extra) {
		state = JSON.parse(call('dvw_state'));
		keepProgress();
		$('where').textContent = `${state.title}: step ${state.step}/${state.steps}, ` +
			`cycle ${state.cycle} [${state.gran}]`;
		fillPanel('narration', state.narration);
		fillPanel('question', state.question);
		$('answer-form').hidden = !state.open;
		for (const k of PANELS)
			fillPanel(k, state[k]);
		fillPre($('ribbon'), [state.ribbon]);
		$('play-btn').textContent = state.playing ? '⏸ pause' : '▶ play';
		$('cue').textContent = state.cue;
		let msg = extra || state.msg || state.failed;
		if (!msg && state.gated)
			msg = 'A question holds the lesson here: answer it (a or Enter), ask for a hint (h) or skip it (s).';
		if (!msg && state.finished)
			msg = 'Lesson finished: every question answered. q goes back to the lessons.';
		say(msg || '');
		drawScene();
	}

	/* ---- the course menu ------------------------------------------------------------ */

	function lessonItem(L, i) {
		const li = document.createElement('li');
		const a = document.createElement('a');
		a.href = '?lesson=' + encodeURIComponent(L.id);
		const mark = L.finished ? '[x]' : L.reached || L.answered ? '[~]' : '[ ]';
		a.innerHTML = '<span class="mark"></span> ';
		a.firstChild.textContent = mark;
		a.append(L.title);
		a.addEventListener('click', (e) => {
			e.preventDefault();
			history.pushState(null, '', a.href);
			openLesson(i);
		});
		li.append(a, ` — ${L.answered}/${L.asks} questions, step ${L.reached}/${L.steps}` +
			(L.finished ? ', finished' : ''));
		return li;
	}

	function showMenu() {
		stopPlay();
		lessons = JSON.parse(call('dvw_lessons'));
		/* Levels first, then course order (as the terminal's menu). */
		lessons = lessons.map((L, i) => [L, i]).sort((a, b) => a[0].level - b[0].level ||
			a[1] - b[1]).map((p) => p[0]);
		/* A heading and a numbered list a level, numbered on through the course. */
		const box = $('lessons');
		box.textContent = '';
		let ol = null;
		lessons.forEach((L, i) => {
			if (i === 0 || L.level !== lessons[i - 1].level) {
				const h = document.createElement('h3');
				h.className = 'level';
				h.textContent = 'Level ' + L.level;
				ol = document.createElement('ol');
				ol.start = i + 1;
				box.append(h, ol);
			}
			ol.append(lessonItem(L, i));
		});
		$('lesson').hidden = true;
		$('quiz').hidden = true;
		$('menu').hidden = false;
		$('where').textContent = '';
		document.title = 'dmaviz: the course';
	}

	function showLesson() {
		$('menu').hidden = true;
		$('quiz').hidden = true;
		$('lesson').hidden = false;
		$('sandbox-form').hidden = true;
		render();
		document.title = 'dmaviz: ' + state.title;
		$('narration').focus({ preventScroll: true });
	}

	function openPath(path, name) {
		stopPlay();
		if (run('dvw_open', path) !== '0') {
			showMenu();
			say('');
			alertMenu(call('dvw_error') || `${name}: cannot be opened`);
			return false;
		}
		showLesson();
		return true;
	}

	function openLesson(i) {
		current = i;
		openPath(lessons[i].path, lessons[i].id);
	}

	function alertMenu(text) {
		let p = $('menu-alert');
		if (!p) {
			p = document.createElement('p');
			p.id = 'menu-alert';
			p.setAttribute('role', 'alert');
			p.className = 'r5';
			$('menu').prepend(p);
		}
		p.textContent = text;
	}

	function tooLarge(size, name) {
		if (size <= MAX_DVR)
			return false;
		showMenu();
		alertMenu(`${name}: a recording of ${size} bytes is more than this page reads ` +
			`(${MAX_DVR} bytes); open it with the native dmaviz`);
		return true;
	}

	function openRecording(bytes, name) {
		if (tooLarge(bytes.length, name))
			return;
		const safe = name.replace(/[^A-Za-z0-9._-]/g, '_').slice(-80) || 'run.dvr';
		const path = '/tmp/' + safe;
		M.FS.writeFile(path, bytes);
		current = -1;
		openPath(path, name);
	}

	async function openRecordingUrl(url) {
		try {
			const r = await fetch(url);
			if (!r.ok)
				throw new Error(`${r.status} ${r.statusText}`);
			const size = Number(r.headers.get('content-length') || 0);
			if (tooLarge(size, url))
				return;
			openRecording(new Uint8Array(await r.arrayBuffer()), url.split('/').pop());
		} catch (e) {
			showMenu();
			alertMenu(`${url}: cannot be fetched: ${e.message}`);
		}
	}

	/* ---- the quiz (dmaviz quiz) -------------------------------------------------------- */

	function quizQuestion(id, score) {
		const li = document.createElement('li');
		const form = document.createElement('form');
		const label = document.createElement('label');
		const input = document.createElement('input');
		const out = document.createElement('span');
		input.id = 'quiz-' + id;
		input.autocomplete = 'off';
		label.htmlFor = input.id;
		label.textContent = id + ' ';
		const button = document.createElement('button');
		button.textContent = 'Check';
		out.setAttribute('aria-live', 'polite');
		form.append(label, input, ' ', button, ' ', out);
		form.addEventListener('submit', (e) => {
			e.preventDefault();
			const r = JSON.parse(call('dvw_quiz_check', id, input.value.trim()));
			if (r.error)
				return;
			/* The answer shows only now, after the learner's own. */
			out.className = r.right ? 'right-ans' : 'wrong-ans';
			out.textContent = r.right ? 'right' : `not that: ${r.answer}`;
			input.disabled = button.disabled = true;
			score[r.right ? 'right' : 'wrong']++;
			$('quiz-score').textContent = `${score.right} of ${score.right + score.wrong} right`;
			const next = li.nextElementSibling;
			if (next)
				next.querySelector('input').focus();
		});
		li.append(form);
		return li;
	}

	function openQuiz(seed) {
		const q = JSON.parse(call('dvw_quiz', String(seed)));
		if (q.error) {
			alertMenu(`quiz: ${q.error}`);
			return;
		}
		$('menu').hidden = true;
		$('lesson').hidden = true;
		$('quiz').hidden = false;
		$('where').textContent = 'quiz, problem ' + q.seed;
		$('quiz-text').textContent = q.text;
		$('quiz-score').textContent = '';
		const score = { right: 0, wrong: 0 };
		$('quiz-questions').replaceChildren(...q.ids.map((id) => quizQuestion(id, score)));
		$('quiz-questions').querySelector('input').focus();
		document.title = 'dmaviz: quiz ' + q.seed;
	}

	/* ---- keys and actions ----------------------------------------------------------- */

	/* Playing: the C side keeps the step's pace (ui/app/play.h, as the terminal and the
	 * window); this clock only tells it the time that passed, each animation frame once the
	 * next move is owed, and draws when a move was made or the cue changed. */
	function stopPlay() {
		if (playing)
			cancelAnimationFrame(playing);
		playing = null;
		$('play-btn').textContent = '▶ play';
	}

	function clock() {
		let last = performance.now();
		let owed = 0;
		const frame = (now) => {
			owed += Math.min(1000, now - last);
			last = now;
			if (state.wait >= 0 && owed >= state.wait) {
				const ms = Math.floor(owed);
				owed -= ms;
				const r = JSON.parse(call('dvw_play', ms));
				if (r.moves || r.result !== 'ok' || r.cue !== state.cue) {
					render();
				} else {
					state.wait = r.wait;
					state.playing = r.playing;
				}
			}
			playing = state.playing ? requestAnimationFrame(frame) : null;
			if (!playing)
				$('play-btn').textContent = '▶ play';
		};
		playing = requestAnimationFrame(frame);
	}

	/* After p, + or - (the C side started, paused or re-paced playing). */
	function playChanged() {
		render();
		if (state.playing && !playing)
			clock();
		else if (!state.playing)
			stopPlay();
	}

	function showOutput() {
		const t = JSON.parse(call('dvw_output'));
		if (t.error)
			return;
		$('output-title').textContent = t.title;
		fillPre($('output-text'), t.lines);
		$('output').showModal();
	}

	function scrollNarration(dir) {
		const pre = $('narration');
		pre.scrollBy({ top: dir * Math.max(40, pre.clientHeight * 0.9) });
	}

	function showTab(key) {
		tab = key;
		for (const b of $('tabs').children)
			b.setAttribute('aria-selected', b.dataset.tab === key ? 'true' : 'false');
		for (const sec of document.querySelectorAll('.tab'))
			sec.classList.toggle('shown', sec.id === 'p-' + key);
		if (key === 'scene' && state)
			drawScene();
	}

	/* What the page does after the key table named an action (the C side did the rest). */
	function afterAction(action) {
		switch (action) {
		case 'answer':
			render();
			if (state.open)
				$('answer').focus();
			return;
		case 'help':
			$('help-text').textContent = call('dvw_help');
			$('help').showModal();
			return;
		case 'explain': {
			const t = call('dvw_explain');
			if (!t) {
				say('no verifier rule has fired yet');
				return;
			}
			$('explain-text').textContent = t;
			$('explain').showModal();
			return;
		}
		case 'sandbox':
			if (!state.end) {
				say('the sandbox opens at the end of the lesson (G goes there)');
				return;
			}
			$('sandbox-form').hidden = false;
			$('sandbox').focus();
			return;
		case 'play':
		case 'faster':
		case 'slower': playChanged(); return;
		case 'output': showOutput(); return;
		case 'scroll-up':
		case 'scroll-down': scrollNarration(action === 'scroll-up' ? -1 : 1); return;
		case 'memory': showTab(tab === 'memory' ? 'map' : 'memory'); return;
		case 'quit':
			history.pushState(null, '', './');
			showMenu();
			return;
		default: render();
		}
	}

	function key(name) {
		const action = run('dvw_key', name);
		if (action)
			afterAction(action);
		return action;
	}

	document.addEventListener('keydown', (e) => {
		if ($('lesson').hidden || e.ctrlKey || e.altKey || e.metaKey)
			return;
		const t = e.target;
		if (t.closest('input, select, textarea, dialog'))
			return;
		if (e.key === 'Tab')
			return; /* the browser's: it moves between controls */
		if (t.closest('button, a') && (e.key === 'Enter' || e.key === ' '))
			return; /* a control's own activation */
		const name = KEYS[e.key] || (e.key.length === 1 ? e.key : '');
		if (name && key(name))
			e.preventDefault();
	});

	/* ---- forms and buttons ---------------------------------------------------------- */

	$('answer-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const v = run('dvw_answer', $('answer').value);
		$('answer').value = '';
		const words = { right: 'Right.', wrong: 'Not that: try again.',
			revealed: 'Not that; the answer is shown.' };
		render(words[v] ? `${words[v]} ${JSON.parse(call('dvw_state')).msg}`.trim() : '');
		if (state.open)
			$('answer').focus();
		else
			$('narration').focus({ preventScroll: true });
	});
	$('answer').addEventListener('keydown', (e) => {
		if (e.key === 'Escape')
			$('narration').focus();
	});
	$('hint-btn').addEventListener('click', () => key('h'));
	$('skip-btn').addEventListener('click', () => key('s'));
	$('play-btn').addEventListener('click', () => key('p'));
	for (const b of document.querySelectorAll('[data-key]'))
		b.addEventListener('click', () => key(b.dataset.key));
	$('sandbox-form').addEventListener('submit', (e) => {
		e.preventDefault();
		run('dvw_command', $('sandbox').value);
		$('sandbox').value = '';
		render();
		$('sandbox').focus();
	});
	$('sandbox').addEventListener('keydown', (e) => {
		if (e.key === 'Escape') {
			$('sandbox-form').hidden = true;
			$('narration').focus();
		}
	});
	$('quiz-form').addEventListener('submit', (e) => {
		e.preventDefault();
		openQuiz($('quiz-seed').value.trim() || '1');
	});
	$('quiz-new').addEventListener('click', () =>
		openQuiz(1 + Math.floor(Math.random() * 1000000)));
	$('quiz-back').addEventListener('click', () => showMenu());
	$('menu-btn').addEventListener('click', () => {
		history.pushState(null, '', './');
		showMenu();
	});
	$('help-btn').addEventListener('click', () => afterAction('help'));
	$('theme-sel').addEventListener('change', (e) => setTheme(e.target.value));
	$('dvr-file').addEventListener('change', async (e) => {
		const f = e.target.files[0];
		if (f && !tooLarge(f.size, f.name))
			openRecording(new Uint8Array(await f.arrayBuffer()), f.name);
	});
	$('dvr-url-form').addEventListener('submit', (e) => {
		e.preventDefault();
		const url = $('dvr-url').value.trim();
		if (url)
			openRecordingUrl(url);
	});
	$('export').addEventListener('click', (e) => {
		const text = localStorage.getItem(STORE) || '# dmaviz progress\n';
		e.currentTarget.href = URL.createObjectURL(new Blob([text], { type: 'text/plain' }));
	});
	for (const k of ['scene'].concat(PANELS)) {
		const b = document.createElement('button');
		b.type = 'button';
		b.setAttribute('role', 'tab');
		b.dataset.tab = k;
		b.textContent = TAB_NAMES[k];
		b.addEventListener('click', () => showTab(k));
		$('tabs').append(b);
	}
	$('narration').tabIndex = -1;

	/* ---- start ------------------------------------------------------------------------ */

	function route() {
		const q = new URLSearchParams(location.search);
		showMenu();
		if (q.get('dvr'))
			return openRecordingUrl(q.get('dvr'));
		if (q.get('quiz'))
			return openQuiz(q.get('quiz'));
		const i = lessons.findIndex((L) => L.id === q.get('lesson'));
		if (i >= 0)
			openLesson(i);
	}

	/* Offline once loaded (sw.js); a page opened from a file has no service worker. */
	if ('serviceWorker' in navigator && location.protocol.startsWith('http'))
		navigator.serviceWorker.register('sw.js').catch(() => {});
	window.addEventListener('popstate', route);
	restoreProgress();
	setTheme(localStorage.getItem(THEME) || 'dark');
	showTab('scene');
	$('loading').hidden = true;
	route();
	/* For tests: the API's calls by name, and the page's clock stopped (simulated time). */
	window.dmaviz = { key, state: () => state, call, stopClock: stopPlay, ready: true };
})();
