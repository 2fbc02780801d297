// The phone's current step, drawn from its phone state (fea_core/phone_state.py). It keeps a
// held poll of /api/live and, when the workshop's stage moves (a new step, a new chosen
// problem, an agreement in the handleplan, a timer), gets the new state in the poll's answer
// (or, from a server without that, from /api/phone) and
// draws it here: the room moves on without a Streamlit script run per phone. Every text is
// data and becomes a text node (el()), never HTML.

const FORMS = { rating: ratingForm, items: itemForm, proposals: proposalForm };

function chosenBox(model, testId) {
  if (model.missing) return alertBox('warning', model.missing);
  const label = el('div', { class: 'fea-caption' }, model.label);
  const text = el('div', { class: 'fea-chosen-text' }, model.text);
  // Compact, so the step's own form stays above the fold on a small phone: long texts and the
  // description open on demand.
  if (!model.description && model.text.length <= 90) {
    return el('div', { class: 'fea-chosen', 'data-testid': testId }, label, text);
  }
  return el('details', { class: 'fea-chosen', 'data-testid': testId },
    el('summary', {}, label, text),
    model.description ? el('div', { class: 'fea-chosen-description' }, model.description) : null);
}

function answersList(view) {
  if (!view.answers || !view.answers.length) return null;
  return el('div', { class: 'fea-answers', 'data-testid': 'plan-answers' },
    view.answers_title ? el('h4', { class: 'fea-subtitle' }, view.answers_title) : null,
    ...view.answers.map(a => el('div', { class: 'fea-answer' },
      el('div', { class: 'fea-caption' }, a.question), el('div', { class: 'fea-answer-text' }, a.answer))));
}

function actionCards(view) {
  if (!view.actions) return null;
  return el('div', { 'data-testid': 'plan-actions' }, ...view.actions.map(a => el('div', { class: 'fea-card fea-action', 'data-testid': 'plan-action' },
    el('div', { class: 'fea-answer-text' }, el('b', {}, `${a.position}. `), a.what),
    el('div', { class: 'fea-caption' }, a.meta))));
}

// Each part is drawn again only when its own data changed: an agreement added in trin 5 or 6
// does not take the half-typed proposal or the card shown away.
function part(p, name, model, build) {
  const print = JSON.stringify(model === undefined ? null : model);
  if (p.prints[name] === print) return;
  p.prints[name] = print;
  const node = model == null ? null : build(model);
  p.boxes[name].replaceChildren(...(node ? [node].flat().filter(Boolean) : []));
}

function formPart(p, view) {
  const data = view.form || view.deck || null;
  part(p, 'form', data ? { kind: view.kind, data } : null, ({ kind, data }) => {
    const box = el('div', { class: 'fea-root-form' });
    (kind === 'placement' ? placementDeck : FORMS[kind])(box, data, p.pending);
    return box;
  });
}

function clockText(p) {
  const ends = p.state.timer_ends_at;
  if (ends == null) return null;
  const left = Math.max(0, Math.round(ends - (Date.now() / 1000 - p.skew)));
  if (!left) return p.state.text.timer_up;
  const time = `${Math.floor(left / 60)}:${String(left % 60).padStart(2, '0')}`;
  return p.state.text.timer_left.replace('{time}', time);
}

function drawTimer(p) {
  clearInterval(p.clock);
  const show = () => {
    const text = clockText(p);
    p.boxes.timer.replaceChildren(...(text ? [el('div', { class: 'fea-timer', role: 'timer', 'data-testid': 'phone-timer' }, text)] : []));
    if (!text || text === p.state.text.timer_up) clearInterval(p.clock);
  };
  show();
  if (p.state.timer_ends_at != null) p.clock = setInterval(show, 1000);
}

// What was chosen or typed but not sent belongs to this phone's step: kept through a language
// switch, new content or the page drawing this component anew (a page run may mount it again,
// with a new root), dropped when the step changes. Kept on the window, not on the root.
function drafts() {
  return window.__feaDrafts || (window.__feaDrafts = {});
}

function draftKey(p, state) {
  return `${p.data.live_url}|${state.activity}`;
}

function draw(p, state) {
  const moved = p.state && p.state.activity !== state.activity;
  if (moved) delete drafts()[draftKey(p, p.state)];
  const key = draftKey(p, state);
  p.pending = drafts()[key] || (drafts()[key] = {});
  p.state = state;
  p.skew = state.server_now != null ? Date.now() / 1000 - state.server_now : 0;
  const view = state.view;
  drawTimer(p);
  part(p, 'head', { title: view.title, lead: view.lead }, m => [
    el('h3', { class: 'fea-title', 'data-testid': 'phone-title' }, m.title),
    m.lead ? el('p', { class: 'fea-lead' }, el('b', {}, m.lead)) : null]);
  part(p, 'chosen', [state.chosen_problem, state.chosen_solution], ([problem, solution]) => [
    problem && chosenBox(problem, 'chosen-problem'), solution && chosenBox(solution, 'chosen-solution')]);
  part(p, 'notices', view.notices || [], list => list.map(n => alertBox(n.kind, n.text)));
  part(p, 'caption', { caption: view.caption, lines: view.lines }, m => [
    m.caption ? el('div', { class: 'fea-caption' }, m.caption) : null,
    ...(m.lines || []).map(line => el('div', { class: 'fea-line' }, line))]);
  formPart(p, view);
  part(p, 'plan', { answers: view.answers, title: view.answers_title, actions: view.actions },
    () => [answersList(view), actionCards(view)]);
  if (moved) p.announce.textContent = state.text.new_step.replace('{title}', view.title);
}

async function refresh(p) {
  const r = await fetch(`${p.data.phone_url}?lang=${encodeURIComponent(p.state.lang)}`,
    { cache: 'no-store', credentials: 'same-origin', signal: p.abort.signal });
  if (r.status === 404) return gone(p);
  if (!r.ok) throw new Error(`phone state: ${r.status}`);
  const state = await r.json();
  if (state.stage >= p.state.stage || state.lang !== p.state.lang) draw(p, state);
}

// The workshop or the participant is gone: the page itself says so (one rerun).
function gone(p) {
  p.stopped = true;
  p.setTriggerValue('gone', Date.now());
}

async function tick(p) {
  const started = Date.now();
  try {
    // With lang, a poll answered because the stage moved carries the new state: no second request.
    const r = await fetch(`${p.data.live_url}?field=stage&seen=${p.state.stage}&lang=${encodeURIComponent(p.state.lang)}`,
      { cache: 'no-store', credentials: 'same-origin', signal: p.abort.signal });
    if (r.status === 404) return gone(p);
    if (r.ok) {
      const j = await r.json();
      if (j.state && j.state.lang === p.state.lang) {
        if (j.state.stage >= p.state.stage) draw(p, j.state);
      } else if (j.stage !== undefined && j.stage !== p.state.stage) {
        await refresh(p);
      }
      // Held and answered: ask again at once. Answered at once: wait an interval (no busy loop).
      p.delay = Date.now() - started >= p.data.interval ? 0 : p.data.interval;
    } else {
      p.delay = p.data.interval;
    }
  } catch (e) {
    p.delay = Math.min(Math.max(p.delay, p.data.interval) * 2, 10000);  // server away: back off, keep trying
  }
  if (!p.stopped) p.timer = setTimeout(() => tick(p), p.delay);
}

export default function (component) {
  const { data, parentElement, setTriggerValue } = component;
  const root = parentElement.querySelector('.fea-root');
  let p = root.__feaPhone;
  if (!p) {
    p = { prints: {}, boxes: {}, stopped: false, delay: data.interval, abort: new AbortController() };
    root.__feaPhone = p;
    for (const name of ['timer', 'head', 'chosen', 'notices', 'caption', 'form', 'plan']) {
      p.boxes[name] = el('div', { class: `fea-part-${name}` });
    }
    p.announce = el('div', { class: 'fea-sr-only', 'aria-live': 'polite', 'data-testid': 'phone-announce' });
    root.replaceChildren(...Object.values(p.boxes), p.announce);
    p.cleanup = () => { p.stopped = true; clearTimeout(p.timer); clearInterval(p.clock); p.abort.abort(); delete root.__feaPhone; };
    p.timer = setTimeout(() => tick(p), 0);
  }
  p.data = data;
  p.setTriggerValue = setTriggerValue;
  // A page run (reload, language, role) brings a state too: newer than what is shown, or in
  // another language, it is drawn; an older one (the page ran before the last poll) is not.
  if (!p.state || data.state.lang !== p.state.lang || data.state.stage >= p.state.stage) draw(p, data.state);
  // Always return it: Streamlit keeps the last function returned and calls it on unmount.
  return p.cleanup;
}
