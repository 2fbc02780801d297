// Shared by the phone's answer forms; ui/answer_forms.py puts it before each form's own code.
// User text only ever becomes a text node (el() appends strings as text), never HTML.

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === 'class') node.className = value;
    else if (name.startsWith('on')) node.addEventListener(name.slice(2), value);
    else if (value === true) node.setAttribute(name, '');
    else if (value !== false && value != null) node.setAttribute(name, String(value));
  }
  for (const child of children) {
    if (child == null) continue;
    node.append(child instanceof Node ? child : document.createTextNode(String(child)));
  }
  return node;
}

const MARKS = { success: '✓', error: '!', warning: '!', info: 'i' };

function alertBox(kind, text) {
  return el('div', { class: `fea-alert fea-${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    el('span', { class: 'fea-mark', 'aria-hidden': 'true' }, MARKS[kind]), el('span', {}, text));
}

function showStatus(box, ...alerts) {
  box.replaceChildren(...alerts.filter(Boolean));
}

// A row of choices drawn like Streamlit's segmented control; a radio group for screen readers
// that behaves like native radios: one Tab stop per group (the chosen one, else the first),
// arrow keys move and choose within it, Home/End go to the ends.
function choiceRow(label, options, selected, onPick, testId) {
  const group = el('div', { class: 'fea-choices', role: 'radiogroup', 'aria-label': label, 'data-testid': testId });
  const pickButton = button => {
    for (const other of buttons) {
      other.setAttribute('aria-checked', String(other === button));
      other.tabIndex = other === button ? 0 : -1;
    }
    onPick(options[buttons.indexOf(button)].value);
  };
  const buttons = options.map(option => el('button', {
    type: 'button', role: 'radio', class: 'fea-choice', 'aria-checked': String(option.value === selected),
    tabindex: option.value === selected ? 0 : -1, onclick: event => pickButton(event.currentTarget),
  }, option.label));
  if (!buttons.some(b => b.tabIndex === 0)) buttons[0].tabIndex = 0;
  group.addEventListener('keydown', event => {
    const at = buttons.indexOf(event.target);
    if (at < 0) return;
    const last = buttons.length - 1;
    const to = { ArrowRight: at + 1, ArrowDown: at + 1, ArrowLeft: at - 1, ArrowUp: at - 1, Home: 0, End: last }[event.key];
    if (to === undefined) return;
    event.preventDefault();
    const next = buttons[(to + buttons.length) % buttons.length];
    next.focus();
    pickButton(next);
  });
  group.append(...buttons);
  return el('div', { class: 'fea-field' }, el('div', { class: 'fea-label' }, label), group);
}

// Two live regions that exist before the first message (a region added together with its text
// is often not read): polite for confirmations, assertive for refusals and errors.
function liveRegions() {
  const polite = el('div', { class: 'fea-status', 'aria-live': 'polite', 'data-testid': 'live-polite' });
  const assertive = el('div', { class: 'fea-status', 'aria-live': 'assertive', 'data-testid': 'live-assertive' });
  const show = (...alerts) => {
    alerts = alerts.filter(Boolean);
    const urgent = a => a.classList.contains('fea-error') || a.classList.contains('fea-warning');
    polite.replaceChildren(...alerts.filter(a => !urgent(a)));
    assertive.replaceChildren(...alerts.filter(urgent));
  };
  return { polite, assertive, show, nodes: [polite, assertive] };
}

// Send one answer; always resolves to {ok, message, ...}: a lost connection is a message too.
async function postAnswer(data, body) {
  try {
    const response = await fetch(data.url, {
      method: 'POST', credentials: 'same-origin', cache: 'no-store',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...body, lang: data.lang }),
    });
    const reply = await response.json().catch(() => null);
    if (reply && typeof reply.message === 'string') return reply;
  } catch (e) { /* offline or server away: said below */ }
  return { ok: false, message: data.text.offline };
}

// Mount once per data: Streamlit calls the component again on every rerun of the page. When a
// rerun brings new data (the saved answers changed), the form is drawn again, and what the phone
// chose or typed but did not send yet is handed over in `pending` so it is not lost.
function mountOnce(component, render) {
  const { data, parentElement } = component;
  const root = parentElement.querySelector('.fea-root');
  const fingerprint = JSON.stringify(data);
  if (root.__feaFingerprint === fingerprint) return;
  root.__feaFingerprint = fingerprint;
  root.__feaPending = root.__feaPending || {};
  root.replaceChildren();
  render(root, data, root.__feaPending);
}

// While a send is under way the button says so but keeps focus (a disabled button drops focus
// to the page body, and the next Tab would skip past the form).
async function busy(button, work) {
  if (button.getAttribute('aria-disabled') === 'true') return undefined;
  button.setAttribute('aria-disabled', 'true');
  button.setAttribute('aria-busy', 'true');
  try { return await work(); } finally { button.removeAttribute('aria-disabled'); button.removeAttribute('aria-busy'); }
}
