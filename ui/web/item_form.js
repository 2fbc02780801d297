// A short text of the step's kind (problem / works well, or idea), sent in one POST (items).
function itemForm(root, data, pending) {
  let kind = data.kinds[0];
  const text = el('textarea', {
    class: 'fea-text', maxlength: data.max_chars, rows: 3, 'data-testid': 'item-text',
    'aria-label': kind.field, placeholder: kind.placeholder,
  });
  const fieldLabel = el('label', { class: 'fea-label' }, kind.field);
  const counter = el('div', { class: 'fea-counter fea-caption' }, `0/${data.max_chars}`);
  const count = () => { counter.textContent = `${text.value.length}/${data.max_chars}`; };
  text.value = pending.text || '';  // typed but not sent before the page was drawn again
  count();
  text.addEventListener('input', () => { pending.text = text.value; count(); });
  if (data.kinds.length > 1) {
    const kinds = data.kinds.map(k => ({ value: k.key, label: k.label }));
    root.append(choiceRow(data.text.kind_question, kinds, kind.key, value => {
      kind = data.kinds.find(k => k.key === value);
      fieldLabel.textContent = kind.field;
      text.setAttribute('aria-label', kind.field);
      text.placeholder = kind.placeholder;
    }, 'item-kind'));
  }
  const send = el('button', { type: 'button', class: 'fea-button fea-primary', 'data-testid': 'item-send' }, data.text.send);
  const live = liveRegions();
  // The phone's own items by kind; shown kind by kind, in the order of data.kinds (as a reload lists them).
  const mineByKind = Object.fromEntries(data.kinds.map(k => [k.key, [...(data.mine[k.key] || [])]]));
  const mine = el('div', { 'data-testid': 'item-mine' });
  const showMine = () => {
    const texts = data.kinds.flatMap(k => mineByKind[k.key]);
    mine.replaceChildren();
    if (!texts.length) return;
    mine.append(el('div', { class: 'fea-caption', style: 'margin-top:1rem' }, data.text.yours.replace('{n}', texts.length)),
      el('ul', { class: 'fea-mine' }, ...texts.map(t => el('li', {}, t))));
  };
  showMine();
  send.addEventListener('click', () => busy(send, async () => {
    const reply = await postAnswer(data, { kind: kind.key, text: text.value });
    live.show(alertBox(reply.ok ? 'success' : 'error', reply.message));
    if (reply.ok) {
      text.value = pending.text = '';
      count();
      (mineByKind[reply.sent.kind] ||= []).push(reply.sent.text);  // the saved text, as the server cleaned it
      showMine();
      text.focus();  // ready for the next one; the confirmation is read from the live region
    }
  }));
  root.append(fieldLabel, text, counter, send, ...live.nodes, mine);
}
