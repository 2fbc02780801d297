// Trin 5: a proposed answer to one of the five support questions, sent in one POST (proposals).
function proposalForm(root, data, pending) {
  const select = el('select', { class: 'fea-select', id: 'fea-proposal-question', 'data-testid': 'proposal-question' },
    ...data.questions.map((q, i) => el('option', { value: i }, q)));
  select.value = String(pending.question || 0);
  select.addEventListener('change', () => { pending.question = Number(select.value); });
  const text = el('textarea', { class: 'fea-text', id: 'fea-proposal-text', maxlength: data.max_chars, rows: 4,
    'data-testid': 'proposal-text' });
  const counter = el('div', { class: 'fea-counter fea-caption' });
  const count = () => { counter.textContent = `${text.value.length}/${data.max_chars}`; };
  text.value = pending.text || '';  // typed but not sent before the step was drawn again
  count();
  text.addEventListener('input', () => { pending.text = text.value; count(); });
  const send = el('button', { type: 'button', class: 'fea-button fea-primary', 'data-testid': 'proposal-send' }, data.text.send);
  const live = liveRegions();
  send.addEventListener('click', () => busy(send, async () => {
    const reply = await postAnswer(data, { question: Number(select.value), text: text.value });
    live.show(alertBox(reply.ok ? 'success' : 'error', reply.message));
    if (reply.ok) { text.value = pending.text = ''; count(); text.focus(); }
  }));
  root.append(
    el('div', { class: 'fea-field' }, el('label', { class: 'fea-label', for: 'fea-proposal-question' }, data.text.which), select),
    el('label', { class: 'fea-label', for: 'fea-proposal-text' }, data.text.yours), text, counter, send, ...live.nodes);
}
